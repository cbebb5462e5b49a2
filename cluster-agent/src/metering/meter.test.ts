import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import pg from "pg";
import { ApiError } from "../common/errors.js";
import type { PriceBook } from "../domain/pricing.js";
import { FAST_SHIPPING } from "../test-support/meter.js";
import { until } from "../test-support/until.js";
import { Meter, type RequestOutcome } from "./meter.js";

const root = mkdtempSync(join(tmpdir(), "entrim-meter-"));
// Nothing listens on port 1: a store that is away for the whole test.
const away = new pg.Pool({
  connectionString: "postgres://nobody@127.0.0.1:1/none",
  connectionTimeoutMillis: 200,
});
away.on("error", () => {});
after(async () => {
  await away.end();
  rmSync(root, { recursive: true, force: true });
});

const outcome = (n: number, over: Partial<RequestOutcome> = {}): RequestOutcome => ({
  requestId: `req_${String(n).padStart(16, "0")}`,
  receivedAt: 1_763_900_000_000,
  firstTokenAt: null,
  accountId: "acct_1",
  keyId: "key_1",
  model: "tiny",
  status: "completed",
  httpStatus: 200,
  usage: { promptTokens: 1000, cachedTokens: 400, completionTokens: 10 },
  userAgent: "curl/8",
  clientIp: "::ffff:192.0.2.9",
  ...over,
});

function meter(dir: string, over: { maxBytes?: number; priceBook?: PriceBook } = {}) {
  return Meter.start({
    dir: join(root, dir),
    db: away,
    node: "node-1",
    maxBytes: over.maxBytes ?? 1024 * 1024,
    priceBook: over.priceBook,
    ...FAST_SHIPPING,
    alarmAfterMs: 100,
  });
}

test("a full spool refuses new requests with 503 spool_full and raises the alarm", async () => {
  const m = await meter("full", { maxBytes: 4096 });
  m.ensureCapacity();
  let n = 0;
  while (m.status().depthBytes < 4096) await m.record(outcome(n++));
  assert.throws(
    () => m.ensureCapacity(),
    (error: unknown) =>
      error instanceof ApiError &&
      error.status === 503 &&
      error.code === "spool_full" &&
      error.headers["retry-after"] === "30",
  );
  assert.equal(m.status().alarm, true);
  m.recordRejection(outcome(n++, { status: "rejected", httpStatus: 429, usage: null }));
  assert.equal(m.status().droppedRejections, 1);
  await m.stop();
});

test("the alarm rises once the store has been away longer than allowed", async () => {
  const m = await meter("away");
  await m.record(outcome(1));
  assert.equal(m.status().alarm, false);
  await until("the spool's alarm rises", () => m.status().alarm, { timeoutMs: 10_000, intervalMs: 20 });
  const status = m.status();
  assert.equal(status.alarm, true);
  assert.ok(status.failedAttempts > 0 && status.oldestUnshippedAt !== null);
  assert.equal(status.shippedTotal, 0);
  await m.stop();
});

test("cost comes from the price in force when the request was received", async () => {
  const seen: [string, number][] = [];
  const priceBook: PriceBook = {
    priceAt: (model, at) => {
      seen.push([model, at]);
      return {
        version: 7,
        model,
        inputMicroEurPerM: 1_000_000n,
        cachedMicroEurPerM: 100_000n,
        outputMicroEurPerM: 3_000_000n,
        effectiveFrom: 0,
      };
    },
  };
  const m = await meter("priced", { priceBook });
  const spooled: bigint[] = [];
  const append = m.spool.append.bind(m.spool);
  m.spool.append = (event) => {
    spooled.push(event.costPicoEur);
    assert.equal(event.priceVersion, 7);
    assert.equal(event.clientIp, "192.0.2.9");
    return append(event);
  };
  await m.record(outcome(1));
  assert.deepEqual(seen, [["tiny", 1_763_900_000_000]]);
  assert.deepEqual(spooled, [600n * 1_000_000n + 400n * 100_000n + 10n * 3_000_000n]);
  await m.stop();
});
