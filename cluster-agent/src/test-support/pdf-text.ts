import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

/** A PDF's text as a reader sees it, whitespace collapsed: what the tests assert on. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  const parts: string[] = [];
  for (let page = 1; page <= doc.numPages; page++) {
    const content = await (await doc.getPage(page)).getTextContent();
    for (const item of content.items) if ("str" in item) parts.push(item.str);
  }
  await doc.destroy();
  return parts.join(" ").replace(/\s+/g, " ");
}
