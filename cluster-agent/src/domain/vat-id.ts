/**
 * The shape of a buyer's VAT ID. EU member states' IDs follow the structures the Commission's VIES
 * FAQ lists per state (the prefix is the VAT prefix: EL for Greece, XI for Northern Ireland); any
 * other prefix is a non-EU VAT or tax number (GB, CH, NO, …) and keeps the generic shape. Every shape
 * here fits the accounts.vat_id CHECK (0017: ^[A-Z]{2}[A-Za-z0-9+*.]{2,13}$).
 * A well-formed ID may still not exist: that is VIES's question, not this file's.
 */
import { countryName, vatIdCountry } from "./vat.js";

interface VatIdFormat {
  /** The part after the prefix. */
  pattern: RegExp;
  /** Said to the customer after "A … VAT ID is the prefix followed by". */
  shape: string;
  example: string;
}

const digits = (n: string) => new RegExp(`^[0-9]{${n}}$`);

export const EU_VAT_ID_FORMATS: Readonly<Record<string, VatIdFormat>> = {
  AT: { pattern: /^U[0-9]{8}$/, shape: "U and 8 digits", example: "ATU12345678" },
  BE: { pattern: /^[01][0-9]{9}$/, shape: "10 digits starting with 0 or 1", example: "BE0123456789" },
  BG: { pattern: digits("9,10"), shape: "9 or 10 digits", example: "BG123456789" },
  CY: { pattern: /^[0-9]{8}[A-Z]$/, shape: "8 digits and a letter", example: "CY12345678L" },
  CZ: { pattern: digits("8,10"), shape: "8, 9 or 10 digits", example: "CZ12345678" },
  DE: { pattern: digits("9"), shape: "9 digits", example: "DE123456789" },
  DK: { pattern: digits("8"), shape: "8 digits", example: "DK12345678" },
  EE: { pattern: digits("9"), shape: "9 digits", example: "EE123456789" },
  EL: { pattern: digits("9"), shape: "9 digits", example: "EL123456789" },
  ES: {
    pattern: /^[0-9A-Z][0-9]{7}[0-9A-Z]$/,
    shape: "9 characters: a letter or digit, 7 digits, a letter or digit",
    example: "ESX1234567X",
  },
  FI: { pattern: digits("8"), shape: "8 digits", example: "FI12345678" },
  FR: {
    pattern: /^[0-9A-Z]{2}[0-9]{9}$/,
    shape: "2 letters or digits and 9 digits",
    example: "FRXX123456789",
  },
  HR: { pattern: digits("11"), shape: "11 digits", example: "HR12345678901" },
  HU: { pattern: digits("8"), shape: "8 digits", example: "HU12345678" },
  IE: {
    pattern: /^([0-9]{7}[A-Z]{1,2}|[0-9][0-9A-Z+*][0-9]{5}[A-Z])$/,
    shape: "7 digits and 1 or 2 letters, or a digit, a character, 5 digits and a letter",
    example: "IE1234567WI",
  },
  IT: { pattern: digits("11"), shape: "11 digits", example: "IT12345678901" },
  LT: { pattern: /^([0-9]{9}|[0-9]{12})$/, shape: "9 or 12 digits", example: "LT123456789" },
  LU: { pattern: digits("8"), shape: "8 digits", example: "LU12345678" },
  LV: { pattern: digits("11"), shape: "11 digits", example: "LV12345678901" },
  MT: { pattern: digits("8"), shape: "8 digits", example: "MT12345678" },
  NL: { pattern: /^[0-9]{9}B[0-9]{2}$/, shape: "9 digits, B and 2 digits", example: "NL123456789B01" },
  PL: { pattern: digits("10"), shape: "10 digits", example: "PL1234567890" },
  PT: { pattern: digits("9"), shape: "9 digits", example: "PT123456789" },
  RO: { pattern: digits("2,10"), shape: "2 to 10 digits", example: "RO1234567890" },
  SE: { pattern: digits("12"), shape: "12 digits", example: "SE123456789001" },
  SI: { pattern: digits("8"), shape: "8 digits", example: "SI12345678" },
  SK: { pattern: digits("10"), shape: "10 digits", example: "SK1234567890" },
  // Northern Ireland's traders registered for goods under the Windsor Framework.
  XI: {
    pattern: /^([0-9]{9}|[0-9]{12}|GD[0-9]{3}|HA[0-9]{3})$/,
    shape: "9 or 12 digits, or GD or HA and 3 digits",
    example: "XI123456789",
  },
};

/** Any other country's VAT or tax number: its two-letter prefix and 2–13 letters, digits, + * or . */
const GENERIC = /^[A-Z]{2}[A-Z0-9+*.]{2,13}$/;

/**
 * As the customer typed it, in capitals, without spaces or dashes; an EU ID also without dots
 * ("BE 0123.456.789"), which only other countries' numbers may keep.
 */
export function normalizeVatId(input: string): string {
  const id = input.replace(/[\s-]/g, "").toUpperCase();
  return EU_VAT_ID_FORMATS[id.slice(0, 2)] ? id.replaceAll(".", "") : id;
}

/**
 * Null when `id` (normalized) has a valid shape; otherwise a sentence saying the expected format for
 * its country, which the portal and the CLI show as is.
 */
export function vatIdProblem(id: string): string | null {
  const prefix = id.slice(0, 2);
  if (prefix === "GR") return "Greek VAT IDs start with EL, not GR, e.g. EL123456789.";
  const format = EU_VAT_ID_FORMATS[prefix];
  if (format) {
    if (format.pattern.test(id.slice(2))) return null;
    const name = prefix === "XI" ? "Northern Ireland" : countryName(vatIdCountry(id));
    return `A VAT ID from ${name} is ${prefix} followed by ${format.shape}, e.g. ${format.example}.`;
  }
  if (GENERIC.test(id)) return null;
  return "Give the VAT ID with its country prefix, e.g. DE123456789.";
}
