import { ApiError } from "../common/errors.js";

/**
 * OpenAI's duration format for x-ratelimit-reset-*: Go's time.Duration style at millisecond
 * precision, e.g. "20ms", "1s", "1.5s", "6m0s".
 */
export function formatDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole === 0) return "0s";
  if (whole < 1000) return `${whole}ms`;
  const minutes = Math.floor(whole / 60_000);
  const seconds = secondsText(whole - minutes * 60_000);
  return minutes > 0 ? `${minutes}m${seconds}` : seconds;
}

/**
 * Whole milliseconds as seconds with at most three decimals, trailing zeros dropped (1500 → "1.5s",
 * 1050 → "1.05s"), in integers: every response with rate limits carries two of these.
 */
function secondsText(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const frac = ms - seconds * 1000;
  if (frac === 0) return `${seconds}s`;
  if (frac % 100 === 0) return `${seconds}.${frac / 100}s`;
  if (frac % 10 === 0) return `${seconds}.${frac < 100 ? "0" : ""}${frac / 10}s`;
  return `${seconds}.${frac < 10 ? "00" : frac < 100 ? "0" : ""}${frac}s`;
}

/** Retry-After is whole seconds, never 0: "now" would invite a tight retry loop. */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

export type Scope = "key" | "account";
const where = (scope: Scope) => (scope === "key" ? "this API key" : "this account");

/** Names the cluster limit too when this node enforces only its share of it. */
function limitText(share: number, limit: number, unit: string): string {
  return share === limit
    ? `Limit ${share} ${unit}`
    : `Limit ${share} ${unit} on this server (its share of ${limit} across the cluster)`;
}

export function requestsExceeded(
  scope: Scope,
  share: number,
  limit: number,
  used: number,
  waitMs: number,
  headers: Record<string, string>,
): ApiError {
  return new ApiError(
    429,
    "requests",
    `Rate limit reached for requests per minute (RPM) on ${where(scope)}. ${limitText(share, limit, "RPM")}, used ${used}, requested 1. Please try again in ${formatDuration(waitMs)}.`,
    null,
    "rate_limit_exceeded",
    { ...headers, "retry-after": retryAfterSeconds(waitMs) },
  );
}

export function tokensExceeded(
  scope: Scope,
  share: number,
  limit: number,
  used: number,
  requested: number,
  waitMs: number,
  headers: Record<string, string>,
): ApiError {
  const prefix = `Rate limit reached for tokens per minute (TPM) on ${where(scope)}. ${limitText(share, limit, "TPM")}, used ${used}, requested ${requested}.`;
  // A request larger than the whole limit can never pass: say what to change instead of when to retry.
  const advice =
    requested > share
      ? "This request can never fit: lower max_tokens or shorten the prompt."
      : `Please try again in ${formatDuration(waitMs)}.`;
  return new ApiError(429, "tokens", `${prefix} ${advice}`, null, "rate_limit_exceeded", {
    ...headers,
    "retry-after": retryAfterSeconds(waitMs),
  });
}

export function concurrencyExceeded(
  scope: Scope,
  share: number,
  limit: number,
  headers: Record<string, string>,
): ApiError {
  return new ApiError(
    429,
    "requests",
    `Too many concurrent requests on ${where(scope)}. ${limitText(share, limit, "requests at once")}. Wait for a running request to finish, then retry.`,
    null,
    "rate_limit_exceeded",
    { ...headers, "retry-after": "1" },
  );
}

export function spendCapReached(
  scope: Scope,
  nextMonthMs: number,
  headers: Record<string, string>,
): ApiError {
  return new ApiError(
    429,
    "insufficient_quota",
    `You exceeded the monthly spending cap of ${where(scope)}. Raise the cap or wait for the next month.`,
    null,
    "insufficient_quota",
    { ...headers, "retry-after": retryAfterSeconds(nextMonthMs) },
  );
}

/** Milliseconds until the next calendar month begins (UTC), when monthly spend starts over. */
export function msUntilNextMonth(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) - now;
}
