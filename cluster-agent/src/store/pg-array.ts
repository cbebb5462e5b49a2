/**
 * PostgreSQL array literals for `unnest($1::text[], …)` batch statements, built with one join per
 * column. The pg driver builds the same literal for a JS array by quoting and concatenating every
 * element, a few short-lived strings each; the shipper sends 19 columns per usage event, and those
 * strings were the largest single source of garbage per request (docs/BENCHMARKS.md, History).
 */

/** Elements that must be quoted: empty, NULL in any case, or holding a delimiter, quote, backslash or space. */
const NEEDS_QUOTES = /^$|^null$|[{}",\\\s]/i;
const ESCAPED = /[\\"]/g;

/** `{a,"b c",NULL}`: text elements quoted only where the array syntax needs it; null is NULL. */
export function textArray(values: readonly (string | null)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) parts[i] = "NULL";
    else if (NEEDS_QUOTES.test(value)) parts[i] = `"${value.replace(ESCAPED, "\\$&")}"`;
    else parts[i] = value;
  }
  return `{${parts.join(",")}}`;
}

/**
 * `{1,2,NULL}` for number columns. Numbers go as JavaScript writes them, so one the column's type
 * refuses (a fraction for a bigint) fails the statement in PostgreSQL, as a data error, like any
 * other value it refuses.
 */
export function numberArray(values: readonly (number | bigint | null)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    parts[i] = value === null || value === undefined ? "NULL" : String(value);
  }
  return `{${parts.join(",")}}`;
}
