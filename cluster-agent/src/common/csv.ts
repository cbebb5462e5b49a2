/**
 * CSV as the project writes it, for spreadsheets (RFC 4180 quoting, "\n" line ends). A cell a
 * spreadsheet would run as a formula (it begins with =, +, -, @, a tab or a carriage return) is
 * neutralised as OWASP's CSV-injection guidance says: prefixed with a single quote and quoted. Plain
 * numbers ("-12.50") are left alone: a spreadsheet reads them as numbers, never as formulas.
 * Every CSV the project produces goes through here; the console downloads the agent's documents as-is.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

export function csvCell(value: string): string {
  if (FORMULA_START.test(value) && !PLAIN_NUMBER.test(value)) return `"'${value.replaceAll('"', '""')}"`;
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Rows of cells as one CSV document, ending with a newline. */
export function csvDocument(rows: readonly (readonly string[])[]): string {
  return rows
    .map((row) => row.map(csvCell).join(","))
    .join("\n")
    .concat("\n");
}
