// The last VIES check of each account's VAT ID (migration 0028): status, when, the consultation number,
// and the VAT ID it was about. Kept as the seller's evidence for the reverse charge; nothing VIES says
// about the trader (name, address) is stored.
import { EU_MEMBER_STATES, type VatIdStatus } from "../domain/vat.js";
import type { Db } from "./db.js";

export interface StoredVatIdCheck {
  vatId: string;
  status: VatIdStatus;
  checkedAt: Date;
  reference: string | null;
}

const DAY_MS = 86_400_000;

export async function recordVatIdCheck(
  db: Db,
  accountId: string,
  vatId: string,
  check: { status: VatIdStatus; reference: string | null },
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE accounts SET vat_id_checked = $2, vat_id_checked_at = $3, vat_id_status = $4, vat_id_check_ref = $5
     WHERE id = $1`,
    [accountId, vatId, now, check.status, check.reference?.slice(0, 100) ?? null],
  );
}

export async function getVatIdCheck(db: Db, accountId: string): Promise<StoredVatIdCheck | undefined> {
  const result = await db.query<{
    vat_id_checked: string | null;
    vat_id_status: VatIdStatus | null;
    vat_id_checked_at: Date | null;
    vat_id_check_ref: string | null;
  }>(
    "SELECT vat_id_checked, vat_id_status, vat_id_checked_at, vat_id_check_ref FROM accounts WHERE id = $1",
    [accountId],
  );
  const row = result.rows[0];
  if (!row?.vat_id_checked || !row.vat_id_status || !row.vat_id_checked_at) return undefined;
  return {
    vatId: row.vat_id_checked,
    status: row.vat_id_status,
    checkedAt: row.vat_id_checked_at,
    reference: row.vat_id_check_ref,
  };
}

/**
 * What the VAT rule is told about `vatId` at issue: the stored status when the check was about this
 * VAT ID, else "unknown" (never checked, or checked before the customer changed it).
 */
export async function vatIdStatusFor(db: Db, accountId: string, vatId: string | null): Promise<VatIdStatus> {
  const check = await getVatIdCheck(db, accountId);
  return vatId !== null && check?.vatId === vatId ? check.status : "unknown";
}

/**
 * EU businesses in another member state than the seller's (the reverse-charge buyers) whose check is
 * missing, about another VAT ID, older than `recheckDays`, or "unknown". Invalid ones are re-checked
 * too once stale: a VAT ID may be registered since.
 */
export async function accountsDueForVatIdCheck(
  db: Db,
  options: { sellerCountry: string; now: Date; recheckDays: number },
): Promise<{ accountId: string; vatId: string }[]> {
  const countries = [...EU_MEMBER_STATES].filter((c) => c !== options.sellerCountry);
  const result = await db.query<{ id: string; vat_id: string }>(
    `SELECT id, vat_id FROM accounts
     WHERE vat_id IS NOT NULL AND status <> 'closed' AND upper(country) = ANY($1::text[])
       AND (CASE WHEN upper(left(vat_id, 2)) = 'EL' THEN 'GR' ELSE upper(left(vat_id, 2)) END) = upper(country)
       AND (vat_id_checked IS DISTINCT FROM vat_id OR vat_id_status = 'unknown' OR vat_id_checked_at < $2)
     ORDER BY id`,
    [countries, new Date(options.now.getTime() - options.recheckDays * DAY_MS)],
  );
  return result.rows.map((r) => ({ accountId: r.id, vatId: r.vat_id }));
}
