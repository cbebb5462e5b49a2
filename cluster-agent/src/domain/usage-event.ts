/**
 * The billing record of one request. By construction it has no field that could carry a prompt or an
 * output: counts, identifiers, times, and the two pieces of client metadata the privacy policy names
 * (user agent and IP address). Written to the local spool before the response's last byte, shipped
 * to `usage_events` (see migrations/0005_usage_events.sql), where request id + received time is the key.
 */
/** The API endpoint a request called. */
export type UsageEndpoint = "chat.completions" | "completions" | "embeddings" | "responses";
export const USAGE_ENDPOINTS: readonly UsageEndpoint[] = [
  "chat.completions",
  "completions",
  "embeddings",
  "responses",
];

export interface UsageEvent {
  /** The request's id (`req_...`), also in the x-request-id header and the completion id. */
  requestId: string;
  /** Epoch milliseconds. */
  receivedAt: number;
  firstTokenAt: number | null;
  finishedAt: number;
  accountId: string;
  keyId: string;
  /** Public model name, and the version serving it ("" until model versions exist). */
  model: string;
  modelVersion: string;
  node: string;
  /** completed: answered in full; cut: ended early (client gone, suspension); failed: our error; rejected: refused before running. */
  status: "completed" | "cut" | "failed" | "rejected";
  httpStatus: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  /** Exact cost in pico-euros (1e-12 EUR), from the price version in force when the request started. */
  costPicoEur: bigint;
  priceVersion: number | null;
  userAgent: string | null;
  clientIp: string | null;
  /** The endpoint called; "" for events spooled or stored before the field existed. */
  endpoint: UsageEndpoint | "";
}
