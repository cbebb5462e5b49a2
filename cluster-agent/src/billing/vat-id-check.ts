// When VIES checks happen (billing.vat.vies on): at once when a customer changes the VAT ID in the
// portal, and in the leader's billing pass for every EU business whose check is missing, stale or
// "unknown". Each check is stored (the evidence) and audited with metadata only: the account, the
// result and VIES's consultation number, never what VIES says about the trader.
import type { Logger } from "../common/log.js";
import { type BillingConfig, viesConfig, viesEnabled } from "../config/billing.js";
import type { AuditAction } from "../domain/audit-action.js";
import { EU_MEMBER_STATES, vatIdCountry } from "../domain/vat.js";
import type { AuditRecorder } from "../store/audit-recorder.js";
import type { Db } from "../store/db.js";
import { accountsDueForVatIdCheck, recordVatIdCheck } from "../store/vat-id-checks.js";
import { checkVatId, type VatIdCheck } from "./vies.js";

/** Who the audit entry names: a portal user (role customer, source portal) or the leader (agent). */
export type VatIdCheckActor = Pick<AuditAction, "operator" | "role" | "source">;

export interface VatIdCheckOptions {
  now: Date;
  actor?: VatIdCheckActor | undefined;
  recorder?: AuditRecorder | undefined;
  logger?: Logger | undefined;
}

/** Whether VIES can say anything about `vatId`: its prefix is an EU member state's (Greece: EL). */
export function isEuVatId(vatId: string): boolean {
  return EU_MEMBER_STATES.has(vatIdCountry(vatId));
}

/** At most this many checks per leader pass: a VIES that times out must not hold the pass for hours. */
export const VAT_ID_CHECKS_PER_PASS = 100;

/** Checks one account's VAT ID in VIES, stores the result and audits it; undefined when VIES is off. */
export async function checkAccountVatId(
  db: Db,
  billing: BillingConfig,
  accountId: string,
  vatId: string,
  options: VatIdCheckOptions,
): Promise<VatIdCheck | undefined> {
  const seller = billing.seller;
  if (!seller || !viesEnabled(billing)) return undefined;
  const check = await checkVatId(viesConfig(billing), vatId, seller.vatId);
  await recordVatIdCheck(db, accountId, vatId, check, options.now);
  const outcome = `${check.status}${check.reference ? ` ref ${check.reference}` : ""}${check.detail ? ` (${check.detail})` : ""}`;
  options.logger?.info(
    { accountId, vatIdStatus: check.status, reference: check.reference, detail: check.detail },
    "VAT ID checked in VIES",
  );
  if (options.actor && options.recorder) {
    await options.recorder.record({
      ...options.actor,
      action: "billing.vat_id.check",
      target: `account:${accountId}`,
      reason: outcome,
      result: "ok",
    });
  }
  return check;
}

/**
 * The leader's re-check before issuing: EU businesses whose check is missing, for another VAT ID,
 * older than recheckDays, or unknown (VIES was away). Returns how many were checked.
 */
export async function recheckVatIds(
  db: Db,
  billing: BillingConfig,
  options: VatIdCheckOptions,
): Promise<number> {
  const seller = billing.seller;
  if (!seller || !viesEnabled(billing)) return 0;
  const due = await accountsDueForVatIdCheck(db, {
    sellerCountry: seller.country,
    now: options.now,
    recheckDays: viesConfig(billing).recheckDays,
  });
  let checked = 0;
  for (const { accountId, vatId } of due.slice(0, VAT_ID_CHECKS_PER_PASS)) {
    const check = await checkAccountVatId(db, billing, accountId, vatId, options);
    checked++;
    // VIES itself away (not one member state): the rest would only wait out their timeouts too.
    if (check && viesWideOutage(check)) {
      options.logger?.warn(
        { detail: check.detail, left: due.length - checked },
        "VIES unavailable: re-checks wait for the next pass",
      );
      break;
    }
  }
  return checked;
}

/** Outages of VIES as a whole, as opposed to one member state's register (MS_UNAVAILABLE). */
export function viesWideOutage(check: VatIdCheck): boolean {
  if (check.status !== "unknown" || !check.detail) return false;
  return /^(timeout|network error|HTTP 5\d\d|SERVICE_UNAVAILABLE|GLOBAL_MAX_CONCURRENT_REQ)$/.test(
    check.detail,
  );
}
