// AccountService's urgent actions: what `keys revoke`, `limits set` and `accounts restrict|unrestrict|
// erase` do, for the console, so an operator's desk needs neither the database nor the key secret.
// Each goes through the same store function as the CLI (the store's NOTIFY reaches every agent) and is
// audited under the CLI's action name.
import type {
  AccountActionRequest__Output,
  GetLimitsRequest__Output,
  ListApiKeysRequest__Output,
  RevokeApiKeyRequest__Output,
  SetLimitsRequest__Output,
  AccountActionResult as WireActionResult,
  ApiKey as WireApiKey,
  Limits as WireLimits,
} from "@entrim/proto";
import type pg from "pg";
import { isApiKeyId, parseApiKey } from "../../domain/api-key.js";
import { getAccount } from "../../store/accounts.js";
import { type ApiKeyInfo, getApiKey, listApiKeys, revokeApiKey } from "../../store/api-keys.js";
import {
  type ActionRecord,
  eraseAccount,
  restrictAccount,
  unrestrictAccount,
} from "../../store/data-subject.js";
import type { Db } from "../../store/db.js";
import {
  effectiveLimits,
  getLimits,
  LIMIT_FIELDS,
  type LimitField,
  type LimitValues,
  setLimits,
} from "../../store/limits.js";
import { type AuditRecorder, auditedAction, auditedChange } from "../audit.js";
import { ms } from "../convert.js";
import { type CallContext, invalidArgument, notFound, unary } from "../rpc.js";

const MAX_REASON = 1000;

/** Wire field names of the limits, as `clear` names them. */
const WIRE_FIELDS: Record<string, LimitField> = {
  rpm: "rpm",
  tpm: "tpm",
  concurrency: "concurrency",
  spend_cap_eur: "spendCapEur",
};

export function toWireKey(k: ApiKeyInfo, now = Date.now()): WireApiKey {
  const state = k.revokedAt ? "revoked" : k.expiresAt && k.expiresAt.getTime() <= now ? "expired" : "active";
  return {
    id: k.id,
    accountId: k.accountId,
    name: k.name,
    createdAtMs: ms(k.createdAt),
    createdBy: k.createdBy,
    lastUsedAtMs: ms(k.lastUsedAt),
    revokedAtMs: ms(k.revokedAt),
    expiresAtMs: ms(k.expiresAt),
    state,
  };
}

function reasonOf(value: string, required: string | undefined): string {
  const reason = value.trim();
  if (!reason && required) throw invalidArgument(required);
  if (reason.length > MAX_REASON)
    throw invalidArgument(`reason is ${reason.length} characters; at most ${MAX_REASON}.`);
  return reason;
}

async function accountOf(db: Db, id: string) {
  const trimmed = id.trim();
  const account = trimmed ? await getAccount(db, trimmed) : undefined;
  if (!account)
    throw notFound(`There is no account ${trimmed || "(no account_id given)"}; search for it first.`);
  return account;
}

async function keyOf(db: Db, accountId: string, keyId: string): Promise<string | undefined> {
  const id = keyId.trim();
  if (!id) return undefined;
  const key = await getApiKey(db, id);
  if (!key || key.accountId !== accountId)
    throw notFound(`Account ${accountId} has no API key ${id}; pick one from its keys.`);
  return id;
}

/** "600" → 600; the CLI's rules: whole numbers of 1 or more, euros with at most two decimals. */
function parseLimit(field: LimitField, text: string): number {
  const value = text.trim();
  if (field === "spendCapEur") {
    if (!/^\d+(\.\d{1,2})?$/.test(value))
      throw invalidArgument(`spend_cap_eur must be an amount in EUR such as 500 or 99.90 (got "${text}").`);
    return Number(value);
  }
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw invalidArgument(`${field} must be a whole number of 1 or more (got "${text}").`);
  return n;
}

async function wireLimits(db: Db, accountId: string, keyId: string | undefined): Promise<WireLimits> {
  const rows = await getLimits(db, accountId, keyId);
  const effective = effectiveLimits(rows.account, keyId ? rows.key : undefined);
  const one = (field: LimitField) => {
    const { value, source } = effective[field];
    return {
      value: value === null ? "" : field === "spendCapEur" ? value.toFixed(2) : String(value),
      source: source === "none" ? "" : source,
    };
  };
  return {
    accountId,
    keyId: keyId ?? "",
    rpm: one("rpm"),
    tpm: one("tpm"),
    concurrency: one("concurrency"),
    spendCapEur: one("spendCapEur"),
  };
}

const toWireAction = (r: ActionRecord, status: string): WireActionResult => ({
  accountId: r.accountId,
  action: r.action,
  status,
  performedAtMs: Date.parse(r.performedAt),
  performedBy: r.performedBy,
});

export function accountActionMethods(pool: pg.Pool, recorder: AuditRecorder) {
  return {
    ListApiKeys: unary("viewer", async (request: ListApiKeysRequest__Output) => {
      const account = await accountOf(pool, request.accountId);
      const now = Date.now();
      return { keys: (await listApiKeys(pool, { accountId: account.id })).map((k) => toWireKey(k, now)) };
    }),
    RevokeApiKey: unary("operator", async (request: RevokeApiKeyRequest__Output, context: CallContext) => {
      const id = request.keyId.trim();
      // A whole token pasted here would reach the log and the audit trail: refuse it, naming the id.
      const parsed = parseApiKey(id);
      if (parsed)
        throw invalidArgument(`That is a full API key including its secret; pass only its id, ${parsed.id}.`);
      if (!isApiKeyId(id))
        throw invalidArgument(
          `"${id}" is not an API key id (12 characters a-z, 2-7); pick one from the account's keys.`,
        );
      const reason = reasonOf(
        request.reason,
        "reason is required: say why the key is revoked (it is audited).",
      );
      const revoked = await auditedChange(
        recorder,
        pool,
        context,
        { action: "key.revoke", target: `key:${id}`, reason },
        (db) => revokeApiKey(db, id),
      );
      return toWireKey(revoked);
    }),
    GetLimits: unary("viewer", async (request: GetLimitsRequest__Output) => {
      const account = await accountOf(pool, request.accountId);
      return wireLimits(pool, account.id, await keyOf(pool, account.id, request.keyId));
    }),
    SetLimits: unary("operator", async (request: SetLimitsRequest__Output, context: CallContext) => {
      const set: Partial<LimitValues> = {};
      const texts: Record<LimitField, string> = {
        rpm: request.rpm,
        tpm: request.tpm,
        concurrency: request.concurrency,
        spendCapEur: request.spendCapEur,
      };
      for (const field of LIMIT_FIELDS) if (texts[field].trim()) set[field] = parseLimit(field, texts[field]);
      const clear = request.clear.map((name) => {
        const field = WIRE_FIELDS[name.trim()];
        if (!field)
          throw invalidArgument(`clear takes rpm, tpm, concurrency or spend_cap_eur (got "${name}").`);
        if (set[field] !== undefined) throw invalidArgument(`${name} cannot be both set and cleared.`);
        return field;
      });
      if (Object.keys(set).length === 0 && clear.length === 0)
        throw invalidArgument("Nothing to change: give rpm, tpm, concurrency, spend_cap_eur or clear.");
      const reason = reasonOf(request.reason, undefined);
      const account = await accountOf(pool, request.accountId);
      const keyId = await keyOf(pool, account.id, request.keyId);
      const entry = {
        action: Object.keys(set).length === 0 ? "limits.clear" : "limits.set",
        target: keyId ? `account:${account.id}/key:${keyId}` : `account:${account.id}`,
        reason,
      };
      return auditedChange(recorder, pool, context, entry, async (db) => {
        await setLimits(db, { accountId: account.id, keyId, set, clear, updatedBy: context.operator.name });
        return wireLimits(db, account.id, keyId);
      });
    }),
    RestrictAccount: unary("admin", async (request: AccountActionRequest__Output, context: CallContext) => {
      const account = await accountOf(pool, request.accountId);
      const reason = reasonOf(request.reason, "reason is required: say why processing is restricted.");
      const done = await auditedChange(
        recorder,
        pool,
        context,
        { action: "data-subject.restrict", target: `account:${account.id}`, reason },
        (db) => restrictAccount(db, account.id, context.operator.name, reason),
      );
      return toWireAction(done, "restricted");
    }),
    UnrestrictAccount: unary("admin", async (request: AccountActionRequest__Output, context: CallContext) => {
      const account = await accountOf(pool, request.accountId);
      const reason = reasonOf(request.reason, undefined);
      const done = await auditedChange(
        recorder,
        pool,
        context,
        { action: "data-subject.unrestrict", target: `account:${account.id}`, reason },
        (db) => unrestrictAccount(db, account.id, context.operator.name, reason),
      );
      return toWireAction(done, "active");
    }),
    EraseAccount: unary("admin", async (request: AccountActionRequest__Output, context: CallContext) => {
      const id = request.accountId.trim();
      // Type-to-confirm: erasure cannot be undone, so the id must have been typed again, not clicked.
      if (request.confirmAccountId.trim() !== id || !id)
        throw invalidArgument(
          `confirm_account_id must repeat the account id exactly (${id || "none given"}); nothing was erased.`,
        );
      const account = await accountOf(pool, id);
      const reason = reasonOf(
        request.reason,
        "reason is required: say why the account is erased (e.g. the ticket).",
      );
      // eraseAccount commits its own transaction: the entry is written first ("started"), so no
      // erasure ever stands without one.
      const done = await auditedAction(
        recorder,
        context,
        { action: "data-subject.erase", target: `account:${account.id}`, reason },
        () => eraseAccount(pool, account.id, context.operator.name, reason),
      );
      return toWireAction(done, "closed");
    }),
  };
}
