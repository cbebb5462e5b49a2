// Display formatting. Money stays a decimal string from end to end (the server's "12.34" or
// "0.000123"): grouping is done on the digits, so no float ever rounds a customer's bill. Dates are
// shown in UTC, the timezone usage months and invoices are cut in.

const tokenFormat = new Intl.NumberFormat("en-GB");

/** "1234567.5" → "€1,234,567.5"; null or empty → "—". Keeps every decimal the server sent. */
export function formatMoney(euros: string | null | undefined): string {
  if (euros === null || euros === undefined || euros === "") return "—";
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(euros.trim());
  if (!match) return euros;
  const [, sign, whole, fraction] = match;
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}€${grouped}${fraction ? `.${fraction}` : ""}`;
}

/** Invoice amounts from integer cents (number or decimal string): 1234 → "€12.34". */
export function formatCents(cents: number | string): string {
  const text = String(cents);
  const negative = text.startsWith("-");
  const digits = (negative ? text.slice(1) : text).padStart(3, "0");
  return formatMoney(`${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`);
}

/** A tax rate as the store keeps it ("0.2200", a fraction) → "22 %", as invoices print it. */
export function formatRate(rate: string | number): string {
  const fraction = Number(rate);
  if (!Number.isFinite(fraction)) return String(rate);
  return `${Number((fraction * 100).toFixed(2))} %`;
}

export function formatTokens(count: number | null | undefined): string {
  if (count === null || count === undefined) return "—";
  return tokenFormat.format(count);
}

/** Short form for chart axes: 1500 → "1.5k", 2_000_000 → "2M". */
export function formatCompact(count: number): string {
  const abs = Math.abs(count);
  const [divisor, suffix] =
    abs >= 1e9 ? [1e9, "G"] : abs >= 1e6 ? [1e6, "M"] : abs >= 1e3 ? [1e3, "k"] : [1, ""];
  const value = count / divisor;
  return `${Number.isInteger(value) ? value : value.toFixed(1).replace(/\.0$/, "")}${suffix}`;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2026-12-04T10:00:00Z" → "4 Dec 2026" (UTC). */
export function formatDate(iso: string | null | undefined): string {
  const date = parse(iso);
  if (!date) return "—";
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]!.slice(0, 3)} ${date.getUTCFullYear()}`;
}

/** "2026-12-04T10:07:00Z" → "4 Dec 2026, 10:07 UTC". */
export function formatDateTime(iso: string | null | undefined): string {
  const date = parse(iso);
  if (!date) return "—";
  const hh = String(date.getUTCHours()).padStart(2, "0");
  const mm = String(date.getUTCMinutes()).padStart(2, "0");
  return `${formatDate(iso)}, ${hh}:${mm} UTC`;
}

/** "2026-12" → "December 2026"; anything else is shown as it came. */
export function formatMonth(month: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  const name = match ? MONTHS[Number(match[2]) - 1] : undefined;
  return match && name ? `${name} ${match[1]}` : month;
}

/** Whole days from `now` until `iso`, never negative: for "due in N days" next to a deadline. */
export function daysUntil(iso: string, now: Date = new Date()): number {
  const date = parse(iso);
  if (!date) return 0;
  return Math.max(0, Math.ceil((date.getTime() - now.getTime()) / 86_400_000));
}

/** A date input's "YYYY-MM-DD" as the end of that day in UTC: a key "expiring on the 5th" works all day. */
export function endOfDayIso(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const date = new Date(`${day}T23:59:59.000Z`);
  // Engines roll "2027-02-31" over to 3 March; a date that does not round-trip was not a real day.
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) return null;
  return date.toISOString();
}

/** A user agent reduced to what a person recognises: "Firefox on Linux". */
export function browserName(userAgent: string | null | undefined): string {
  if (!userAgent) return "Unknown browser";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrome\/|Chromium\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : null;
  const os = /Windows/.test(userAgent)
    ? "Windows"
    : /Android/.test(userAgent)
      ? "Android"
      : /iPhone|iPad/.test(userAgent)
        ? "iOS"
        : /Mac OS X/.test(userAgent)
          ? "macOS"
          : /Linux/.test(userAgent)
            ? "Linux"
            : null;
  if (!browser) return userAgent.slice(0, 60);
  return os ? `${browser} on ${os}` : browser;
}
