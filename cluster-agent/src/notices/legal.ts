// Publishing a new version of the terms or the privacy policy: the version row and a notice to every
// open account commit together (one transaction), so no account misses the change and no notice
// announces a version that was not recorded. The notice is essential: it changes the contract.
import { type Db, StoreError, transaction } from "../store/db.js";
import { insertLegalDocument, type LegalDocument, type LegalDocumentKind } from "../store/legal-documents.js";
import { notifyEveryAccount } from "./broadcast.js";

export interface LegalPublication {
  document: LegalDocumentKind;
  version: string;
  /** YYYY-MM-DD: the change takes effect at the start of this day (UTC). */
  date: string;
  url?: string | undefined;
  by: string;
}

export interface LegalPublished {
  document: LegalDocument;
  broadcastId: string;
  accounts: number;
  mails: number;
}

const NAMES: Record<LegalDocumentKind, string> = {
  terms: "Terms of Service",
  privacy: "Privacy Policy",
};

export function legalTitle(document: LegalDocumentKind, date: string): string {
  return `Our ${NAMES[document]} ${document === "terms" ? "change" : "changes"} on ${date}`;
}

function effectiveDate(text: string): Date {
  const date = new Date(`${text}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(text) ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== text
  )
    throw new StoreError("invalid", `The effective date is YYYY-MM-DD (got "${text}").`);
  return date;
}

export async function publishLegal(
  db: Db,
  input: LegalPublication,
  now = new Date(),
): Promise<LegalPublished> {
  const effectiveAt = effectiveDate(input.date);
  const name = NAMES[input.document];
  const where = input.url ? `Read it at ${input.url}` : "Read it in the portal";
  const body = [
    `We publish version ${input.version} of our ${name}; it takes effect on ${input.date}.`,
    `${where}, then accept it in the portal: a banner at the top of every page has an "I accept" button.`,
    `If you keep using the service on or after ${input.date}, you accept the new version. If you do not agree, you can close your account before then (Account page, Data rights) or contact support.`,
  ].join(" ");
  return transaction(db, async (client) => {
    const document = await insertLegalDocument(
      client,
      {
        document: input.document,
        version: input.version,
        effectiveAt,
        url: input.url,
        publishedBy: input.by,
      },
      now,
    );
    const report = await notifyEveryAccount(
      client,
      {
        kind: "terms",
        essential: true,
        title: legalTitle(input.document, input.date),
        body,
        effectiveAt,
        createdBy: input.by,
      },
      now,
    );
    return { document, broadcastId: report.broadcastId, accounts: report.accounts, mails: report.mails };
  });
}
