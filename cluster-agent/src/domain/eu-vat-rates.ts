/**
 * The standard VAT rate of every EU member state, for EU consumers under the One-Stop Shop (the place
 * of supply of an electronically supplied service is the consumer's member state, Art. 58 of Council
 * Directive 2006/112/EC). Rates change: operators check this table against the Commission's "VAT
 * rates in the EU" table and override a country in `billing.vat.rates` without waiting for a release.
 * Keys are ISO 3166 codes (Greece is GR here, although its VAT IDs start with EL).
 */

/** The day the table below was last checked; docs/billing.md repeats it. */
export const EU_VAT_RATES_AS_OF = "2025-08-01";

export const EU_STANDARD_VAT_RATES: Readonly<Record<string, string>> = {
  AT: "0.20",
  BE: "0.21",
  BG: "0.20",
  CY: "0.19",
  CZ: "0.21",
  DE: "0.19",
  DK: "0.25",
  EE: "0.24",
  ES: "0.21",
  FI: "0.255",
  FR: "0.20",
  GR: "0.24",
  HR: "0.25",
  HU: "0.27",
  IE: "0.23",
  IT: "0.22",
  LT: "0.21",
  LU: "0.17",
  LV: "0.21",
  MT: "0.18",
  NL: "0.21",
  PL: "0.23",
  PT: "0.23",
  RO: "0.21",
  SE: "0.25",
  SI: "0.22",
  SK: "0.23",
};

/** The consumer country's rate: the operator's override first, else the built-in table. */
export function euConsumerRate(country: string, overrides?: Readonly<Record<string, string>>): string | null {
  return overrides?.[country] ?? EU_STANDARD_VAT_RATES[country] ?? null;
}

/** "0.255" → "25.5 %", as the invoice prints a rate. */
export function ratePercent(rate: string): string {
  return `${(Number(rate) * 100).toFixed(2).replace(/\.?0+$/, "")} %`;
}
