import type { UsageEvent } from "../domain/usage-event.js";

let counter = 0;

/** A valid usage event for tests; `n` makes its request id unique and stable. */
export function sampleEvent(n = counter++, overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    requestId: `req_${n.toString(36).padStart(16, "0")}`,
    receivedAt: 1_763_900_000_000 + n,
    firstTokenAt: 1_763_900_000_050 + n,
    finishedAt: 1_763_900_000_100 + n,
    accountId: "acct_test0000000001",
    keyId: "key_test00000000001",
    model: "tiny",
    modelVersion: "",
    node: "node-1",
    status: "completed",
    httpStatus: 200,
    promptTokens: 12,
    cachedTokens: 0,
    completionTokens: 7,
    costPicoEur: 123_456_789_012n,
    priceVersion: 3,
    userAgent: "OpenAI/Python 1.0",
    clientIp: "192.0.2.7",
    endpoint: "chat.completions",
    ...overrides,
  };
}
