// Retiring a model: every account that used it in the last 30 days hears about it, with the date and
// the replacement, and the catalogue records the retirement (models.retires_at, migration 0025), so
// every agent refuses the model from that date as the notice promises.
import { type Db, randomId, StoreError, transaction } from "../store/db.js";
import { setModelRetirement } from "../store/models.js";
import { notifyAccount } from "./notify.js";

export const DEPRECATION_LOOKBACK_DAYS = 30;
const DAY_MS = 86_400_000;

export interface Deprecation {
  model: string;
  /** YYYY-MM-DD, the day the model leaves the catalogue. */
  date: string;
  replacement?: string | undefined;
  by: string;
}

export interface DeprecationResult {
  /** The notices' shared broadcast id (one message in the console). */
  broadcastId: string;
  model: string;
  date: string;
  accounts: string[];
  /** Of those, how many only got the portal notice (opted out of non-essential mail). */
  optedOut: number;
}

/**
 * Accounts that used `model` since now−30 days: raw events where they are kept, plus the daily
 * roll-ups for days whose events were already pruned. Erased accounts (no row left) are skipped.
 */
export async function recentUsers(db: Db, model: string, now: Date): Promise<string[]> {
  const since = new Date(now.getTime() - DEPRECATION_LOOKBACK_DAYS * DAY_MS);
  const result = await db.query<{ account_id: string }>(
    `SELECT u.account_id FROM (
       SELECT account_id FROM usage_events WHERE model = $1 AND received_at >= $2
       UNION
       SELECT account_id FROM usage_daily WHERE model = $1 AND day >= ($2::timestamptz AT TIME ZONE 'UTC')::date
     ) u JOIN accounts a ON a.id = u.account_id ORDER BY 1`,
    [model, since],
  );
  return result.rows.map((row) => row.account_id);
}

function retirementDate(text: string, now: Date): Date {
  const date = new Date(`${text}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(text) ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== text
  )
    throw new StoreError("invalid", `The retirement date is YYYY-MM-DD (got "${text}").`);
  if (date.getTime() < now.getTime() - DAY_MS)
    throw new StoreError("invalid", `The retirement date ${text} has passed; give a date from today on.`);
  return date;
}

/** One transaction: every notice (and its mail) is queued, or none is. */
export async function deprecateModel(
  db: Db,
  input: Deprecation,
  now = new Date(),
): Promise<DeprecationResult> {
  const effectiveAt = retirementDate(input.date, now);
  const known = await db.query("SELECT 1 FROM models WHERE name = $1", [input.model]);
  if (!known.rows[0]) throw new StoreError("not_found", `There is no model ${input.model} in the catalogue.`);
  if (input.replacement === input.model)
    throw new StoreError("invalid", "A model cannot replace itself: name another model as --replacement.");
  if (input.replacement !== undefined) {
    const replacement = await db.query("SELECT 1 FROM models WHERE name = $1", [input.replacement]);
    if (!replacement.rows[0])
      throw new StoreError(
        "not_found",
        `There is no replacement model ${input.replacement} in the catalogue.`,
      );
  }
  const body = input.replacement
    ? `Requests naming ${input.model} will be refused from ${input.date}. Use ${input.replacement} instead: change the model in your API calls before then.`
    : `Requests naming ${input.model} will be refused from ${input.date}. Choose another model from the catalogue before then.`;
  return transaction(db, async (client) => {
    const accounts = await recentUsers(client, input.model, now);
    await setModelRetirement(client, input.model, effectiveAt, input.replacement ?? null);
    const broadcastId = randomId("ntb");
    let optedOut = 0;
    for (const accountId of accounts) {
      const sent = await notifyAccount(
        client,
        {
          accountId,
          kind: "model",
          essential: false,
          title: `Model ${input.model} will be retired on ${input.date}`,
          body,
          reason: `You receive this because your account used ${input.model} in the last ${DEPRECATION_LOOKBACK_DAYS} days.`,
          effectiveAt,
          model: input.model,
          createdBy: input.by,
          broadcastId,
        },
        now,
      );
      if (sent.optedOut) optedOut++;
    }
    return { broadcastId, model: input.model, date: input.date, accounts, optedOut };
  });
}
