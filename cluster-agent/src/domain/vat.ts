/**
 * Which VAT rule an invoice falls under, from the seller's country and the buyer's country and VAT
 * ID. Pure: the issuing transaction stores the rule and its wording on the invoice, so a later change
 * of the account or of this table never rewrites an issued invoice.
 *
 * EU consumers are charged their own member state's rate under the One-Stop Shop (Art. 58: the place
 * of supply of an electronically supplied service is the consumer's state). A seller below the
 * EUR 10 000 EU-wide threshold (Art. 59c) may turn `oss` off and charge its domestic rate instead.
 */

import { euConsumerRate, ratePercent } from "./eu-vat-rates.js";

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

export interface VatSeller {
  country: string;
  /** The seller's own country rate, for domestic buyers (and EU consumers when `oss` is off). */
  domesticRate: string;
  /** Absent means on, as in the config: EU consumers pay their own country's rate. */
  oss?: boolean;
  /** Per-country overrides of the built-in rate table (ISO code → fraction text). */
  rates?: Readonly<Record<string, string>>;
}

const REGIONS = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });

/** "VAT of Germany (19 %) charged under the One-Stop Shop, …": names the country whose rate applies. */
export function ossNote(country: string, rate: string): string {
  return `VAT of ${countryName(country)} (${ratePercent(rate)}) charged under the One-Stop Shop, Article 58 of Council Directive 2006/112/EC`;
}

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

/** "DE" → "Germany"; a code Intl does not know stays as it is. */
export function countryName(code: string): string {
  return REGIONS.of(code) ?? code;
}

/** The country a VAT ID's prefix names: Greece's VAT IDs start with EL, not its ISO code GR. */
export function vatIdCountry(vatId: string): string {
  const prefix = vatId.slice(0, 2).toUpperCase();
  return prefix === "EL" ? "GR" : prefix;
}

export function vatRule(seller: VatSeller, buyer: VatBuyer): VatRule {
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
  const ownVatId = buyer.vatId !== null && vatIdCountry(buyer.vatId) === country;
  // Zero-rating needs a buyer VIES confirmed; an outage must not bill a business as a consumer.
  if (ownVatId && buyer.vatIdStatus !== "invalid") {
    const unverified =
      buyer.vatIdStatus === "unknown"
        ? `The VAT ID ${buyer.vatId} could not be verified in VIES: reverse charge applied unverified.`
        : null;
    return { rule: "eu_reverse_charge", rate: "0", note: REVERSE_CHARGE_NOTE, warning: unverified };
  }
  const ossRate = seller.oss === false ? null : euConsumerRate(country, seller.rates);
  return {
    rule: "eu_consumer",
    rate: ossRate ?? seller.domesticRate,
    note: ossRate === null ? null : ossNote(country, ossRate),
    warning: !buyer.vatId
      ? null
      : ownVatId
        ? `VIES reports the VAT ID ${buyer.vatId} as not valid: charged as a consumer.`
        : `The VAT ID ${buyer.vatId} is not from ${country}: charged as a consumer.`,
  };
}
