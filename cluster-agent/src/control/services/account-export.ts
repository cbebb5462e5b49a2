// AccountService.ExportAccount: the data-subject export (GDPR arts. 15, 20) for an admin, with a reason,
// audited. The document is the one `entrim-agent accounts export` writes, byte for byte, sent in chunks
// because a busy account's usage events outgrow one gRPC message.
import type { ExportAccountChunk, ExportAccountRequest__Output } from "@entrim/proto";
import { exportAccount } from "../../store/data-subject.js";
import type { Db } from "../../store/db.js";
import { type AuditRecorder, auditedChange } from "../audit.js";
import { invalidArgument, type StreamMethod, stream } from "../rpc.js";

/** Well under the control server's 16 MiB message limit, and small enough to keep the stream moving. */
export const EXPORT_CHUNK_BYTES = 256 * 1024;
const ACCOUNT_ID = /^acct_[a-z0-9]{16,40}$/;
const MAX_REASON_LENGTH = 1000;

/** The same text the CLI writes to its file. */
export function exportText(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function exportAccountMethod(
  db: Db,
  recorder: AuditRecorder,
): StreamMethod<ExportAccountRequest__Output, ExportAccountChunk> {
  return stream("admin", async (request, send, context) => {
    const id = request.accountId.trim();
    if (!ACCOUNT_ID.test(id))
      throw invalidArgument(`account_id must be an account id like acct_0123456789abcdef (got "${id}").`);
    const reason = request.reason.trim();
    if (!reason)
      throw invalidArgument(
        "reason is required: a ticket or request reference (never the person's name or email).",
      );
    if (reason.length > MAX_REASON_LENGTH)
      throw invalidArgument(`the reason is ${reason.length} characters; at most ${MAX_REASON_LENGTH}.`);
    // The same action name as the CLI's export, so one filter finds every export however it was made.
    const document = await auditedChange(
      recorder,
      db,
      context,
      { action: "data-subject.export", target: `account:${id}`, reason },
      (tx) => exportAccount(tx, id, context.operator.name, new Date(), reason),
    );
    const bytes = Buffer.from(exportText(document), "utf8");
    for (let offset = 0; offset < bytes.length; offset += EXPORT_CHUNK_BYTES) {
      await send({ data: bytes.subarray(offset, offset + EXPORT_CHUNK_BYTES) });
    }
  });
}
