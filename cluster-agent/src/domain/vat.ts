/**
 * Which VAT rule an invoice falls under, from the seller's country and the buyer's country and VAT
 * ID. Pure: the issuing transaction stores the rule and its wording on the invoice, so a later change
 * of the account or of this table never rewrites an issued invoice.
 *
 * EU consumers are charged the seller's domestic rate; OSS (the consumer's member-state rate) is a
 * later step, and needed once EU consumer sales pass EUR 10 000 a year.
 */

export const EU_MEMBER_STATES: ReadonlySet<string> = new Set([
  "AT",
  "BE",
  "BG",
  "CY",
  "CZ",
  "DE",
  "DK",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "HU",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SE",
  "SI",
  "SK",
]);

export type VatRuleName = "domestic" | "eu_reverse_charge" | "eu_consumer" | "non_eu";

export const REVERSE_CHARGE_NOTE =
  "Reverse charge: VAT to be accounted for by the recipient, Article 196 of Council Directive 2006/112/EC";
export const NON_EU_NOTE = "Not subject to EU VAT (place of supply outside the EU)";

/** The last VIES check of a buyer's VAT ID (billing/vies.ts). */
export type VatIdStatus = "valid" | "invalid" | "unknown";

export interface VatBuyer {
  country: string | null;
  vatId: string | null;
  /**
   * The last VIES check of `vatId` (billing.vat.vies on): "unknown" also for none or a stale one.
   * Absent when VIES checks are off: the prefix alone decides, as before.
   */
  vatIdStatus?: VatIdStatus | undefined;
}

export interface VatRule {
  rule: VatRuleName;
  /** A fraction as text ("0.22"), the form store/billing.ts taxCents takes. */
  rate: string;
  /** Printed under the VAT line; null when the rate needs no explanation. */
  note: string | null;
  /** Set when the rule was guessed: the buyer has no country on file. */
  warning: string | null;
}

/** Greece's VAT IDs start with EL, not its ISO code GR. */
function vatIdCountry(vatId: string): string {
  const prefix = vatId.slice(0, 2).toUpperCase();
  return prefix === "EL" ? "GR" : prefix;
}

export function vatRule(seller: { country: string; domesticRate: string }, buyer: VatBuyer): VatRule {
  const domestic = { rule: "domestic" as const, rate: seller.domesticRate, note: null };
  if (!buyer.country) {
    return {
      ...domestic,
      warning:
        "The buyer has no country on file: charged domestic VAT. Ask the customer to complete the billing address.",
    };
  }
  const country = buyer.country.toUpperCase();
  if (country === seller.country) return { ...domestic, warning: null };
  if (!EU_MEMBER_STATES.has(country)) return { rule: "non_eu", rate: "0", note: NON_EU_NOTE, warning: null };
  if (buyer.vatId && vatIdCountry(buyer.vatId) === country) {
    // Zero-rating needs a buyer VIES confirmed; an outage must not bill a business as a consumer.
    if (buyer.vatIdStatus === "invalid") {
      return {
        rule: "eu_consumer",
        rate: seller.domesticRate,
        note: null,
        warning: `VIES reports the VAT ID ${buyer.vatId} as not valid: charged as a consumer.`,
      };
    }
    const unverified =
      buyer.vatIdStatus === "unknown"
        ? `The VAT ID ${buyer.vatId} could not be verified in VIES: reverse charge applied unverified.`
        : null;
    return { rule: "eu_reverse_charge", rate: "0", note: REVERSE_CHARGE_NOTE, warning: unverified };
  }
  return {
    rule: "eu_consumer",
    rate: seller.domesticRate,
    note: null,
    warning: buyer.vatId ? `The VAT ID ${buyer.vatId} is not from ${country}: charged as a consumer.` : null,
  };
}
