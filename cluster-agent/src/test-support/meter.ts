import { join } from "node:path";
import type { PriceBook } from "../domain/pricing.js";
import { Meter } from "../metering/meter.js";
import type { UnshippedSpend } from "../metering/unshipped-spend.js";
import type { TestStore } from "./postgres.js";

/** A test meter's spool and shipper timings: small segments, shipped within tens of milliseconds. */
export const FAST_SHIPPING = {
  segmentBytes: 64 * 1024,
  fsyncIntervalMs: 2,
  batchSize: 100,
  shipIntervalMs: 20,
  backoffInitialMs: 20,
  backoffMaxMs: 50,
  alarmDepthFraction: 0.5,
} as const;

/**
 * The API tests' meter: a small spool in the test store's data dir that ships to its database within
 * tens of milliseconds, so a test sees its usage rows soon after the response.
 */
export function startTestMeter(
  t: TestStore,
  options: { priceBook?: PriceBook; unshipped?: UnshippedSpend } = {},
): Promise<Meter> {
  return Meter.start({
    dir: join(t.dataDir, "spool"),
    db: t.store.pool,
    node: "node-1",
    ...(options.priceBook ? { priceBook: options.priceBook } : {}),
    unshipped: options.unshipped,
    maxBytes: 1 << 20,
    ...FAST_SHIPPING,
    alarmAfterMs: 10_000,
  });
}
