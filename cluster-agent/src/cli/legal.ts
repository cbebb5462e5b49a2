import type { Command } from "commander";
import { publishLegal } from "../notices/legal.js";
import { StoreError } from "../store/db.js";
import { isLegalDocument, LEGAL_DOCUMENTS, listLegalDocuments } from "../store/legal-documents.js";
import { cliOperator, withAuditedStore } from "./audit-trail.js";
import { CliError, output, table } from "./context.js";
import { withStore } from "./store-context.js";

function httpUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`--url "${text}" is not a URL; give the page's full address (https://…).`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new CliError(`--url must start with https:// (got "${text}").`);
  return url.toString();
}

/** Terms and privacy versions: publishing one tells every open account (essential notice). */
export function registerLegalCommands(program: Command): void {
  const legal = program
    .command("legal")
    .description("Publish and list versions of the terms and privacy policy");

  legal
    .command("publish")
    .description("Publish a new version with its effective date and notify every open account")
    .requiredOption("--document <document>", `one of ${LEGAL_DOCUMENTS.join(", ")}`)
    // Not --version: commander reads that as the program's own --version anywhere on the line.
    .requiredOption("--doc-version <version>", "the version's name, e.g. 2027-01-01 (letters, digits, . _ -)")
    .requiredOption("--effective <date>", "YYYY-MM-DD, today or later: the day it takes effect (UTC)")
    .option("--url <url>", "where customers read it")
    .action(
      async (
        options: { document: string; docVersion: string; effective: string; url?: string },
        command: Command,
      ) => {
        if (!isLegalDocument(options.document))
          throw new CliError(
            `--document must be one of ${LEGAL_DOCUMENTS.join(", ")} (got "${options.document}").`,
          );
        const document = options.document;
        const url = options.url === undefined ? undefined : httpUrl(options.url);
        const entry = {
          action: "legal.publish",
          target: `legal:${document}`,
          reason: `version ${options.docVersion} effective ${options.effective}`,
        };
        const result = await withAuditedStore(command, entry, async (store) => {
          try {
            return await publishLegal(store.pool, {
              document,
              version: options.docVersion,
              date: options.effective,
              url,
              by: cliOperator(),
            });
          } catch (error) {
            if (error instanceof StoreError) throw new CliError(error.message);
            throw error;
          }
        });
        output(
          command,
          result,
          () =>
            `Published ${document} version ${result.document.version}, effective ${options.effective}: ${result.accounts} accounts notified, ${result.mails} emails queued.`,
        );
      },
    );

  legal
    .command("list")
    .description("List published versions, newest first per document")
    .action(async (_options: unknown, command: Command) => {
      const rows = await withStore(command, (store) => listLegalDocuments(store.pool));
      output(command, rows, () =>
        table(
          rows.map((d) => ({
            document: d.document,
            version: d.version,
            effective: d.effectiveAt.toISOString().slice(0, 10),
            url: d.url ?? "",
            published: d.publishedAt.toISOString(),
            by: d.publishedBy,
          })),
          ["document", "version", "effective", "url", "published", "by"],
        ),
      );
    });
}
