import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, it } from "node:test";
import { ApiError } from "../common/errors.js";
import type { Suspension } from "../store/suspensions.js";
import { type IpBlockedEvent, IpBlocker, type IpBlockOptions } from "./ip-block.js";

type Recorded = Parameters<IpBlockOptions["record"]>[0];

function blocker(overrides: Partial<IpBlockOptions> = {}) {
  let clock = 1_000_000;
  const recorded: Recorded[] = [];
  const detector = new IpBlocker({
    failures: 3,
    windowMs: 10_000,
    blockMs: 60_000,
    maxTrackedIps: 100,
    allowList: [],
    record: async (block) => {
      recorded.push(block);
      return { id: `susp_${recorded.length}` } as Suspension;
    },
    now: () => clock,
    ...overrides,
  });
  return { detector, recorded, advance: (ms: number) => (clock += ms) };
}

describe("IP brute-force blocking", () => {
  it("blocks an address once at the threshold, for the configured time, and announces it", async () => {
    const { detector, recorded } = blocker();
    const blocked = once(detector, "blocked");
    detector.onAuthFailure("203.0.113.5", "unknown");
    detector.onAuthFailure("203.0.113.5", "malformed");
    assert.equal(recorded.length, 0);
    detector.onAuthFailure("203.0.113.5", "revoked");
    for (let i = 0; i < 10; i++) detector.onAuthFailure("203.0.113.5", "unknown");
    assert.equal(recorded.length, 1, "recorded once, not per further failure");
    assert.deepEqual(recorded[0], {
      network: "203.0.113.5/32",
      expiresAt: new Date(1_000_000 + 60_000),
      note: "automatic: 3 failed authentications in 10 s",
    });
    const [event] = (await blocked) as [IpBlockedEvent];
    assert.deepEqual(event, {
      ip: "203.0.113.5",
      network: "203.0.113.5/32",
      failures: 3,
      windowSeconds: 10,
      expiresAt: new Date(1_060_000),
      suspensionId: "susp_1",
    });
    // The suspension cache enforces recorded blocks; the detector itself lets the request through.
    detector.checkIp("203.0.113.5");
  });

  it("counts in a sliding window, per address, and ignores requests without any key", () => {
    const { detector, recorded, advance } = blocker();
    detector.onAuthFailure("198.51.100.1", "unknown");
    detector.onAuthFailure("198.51.100.1", "unknown");
    advance(10_001);
    detector.onAuthFailure("198.51.100.1", "unknown");
    detector.onAuthFailure("198.51.100.2", "unknown");
    detector.onAuthFailure("198.51.100.2", "unknown");
    for (let i = 0; i < 5; i++) detector.onAuthFailure("198.51.100.3", "missing");
    assert.equal(recorded.length, 0);
    detector.onAuthFailure("::ffff:198.51.100.1", "unknown");
    detector.onAuthFailure("2001:db8::7", "unknown");
    assert.equal(recorded.length, 0);
    detector.onAuthFailure("198.51.100.1", "unknown");
    assert.deepEqual(
      recorded.map((r) => r.network),
      ["198.51.100.1/32"],
    );
    detector.onAuthFailure("2001:db8::7", "unknown");
    detector.onAuthFailure("2001:db8::7", "unknown");
    // IPv6 is held per /64 (one end site), see below.
    assert.equal(recorded[1]?.network, "2001:db8::/64");
  });

  it("blocks again after a block has run out", () => {
    const { detector, recorded, advance } = blocker();
    for (let i = 0; i < 3; i++) detector.onAuthFailure("192.0.2.1", "unknown");
    advance(60_001);
    for (let i = 0; i < 3; i++) detector.onAuthFailure("192.0.2.1", "unknown");
    assert.equal(recorded.length, 2);
  });

  it("never blocks allow-listed networks", () => {
    const { detector, recorded } = blocker({ allowList: ["10.0.0.0/8", "::1"] });
    for (let i = 0; i < 10; i++) {
      detector.onAuthFailure("10.1.2.3", "unknown");
      detector.onAuthFailure("::1", "unknown");
    }
    assert.equal(recorded.length, 0);
  });

  it("keeps bounded memory, forgetting the least recently failing address", () => {
    const { detector, recorded } = blocker({ maxTrackedIps: 2 });
    detector.onAuthFailure("192.0.2.1", "unknown");
    detector.onAuthFailure("192.0.2.1", "unknown");
    detector.onAuthFailure("192.0.2.2", "unknown");
    detector.onAuthFailure("192.0.2.3", "unknown");
    assert.equal(detector.trackedIps, 2);
    detector.onAuthFailure("192.0.2.1", "unknown"); // forgotten: counting starts over
    assert.equal(recorded.length, 0);
  });

  it("holds the block itself when the store cannot record it (fail-static)", async () => {
    const { detector, advance } = blocker({ record: () => Promise.reject(new Error("store down")) });
    const blocked = once(detector, "blocked");
    for (let i = 0; i < 3; i++) detector.onAuthFailure("192.0.2.9", "unknown");
    const [event] = (await blocked) as [IpBlockedEvent];
    assert.equal(event.suspensionId, null);
    let refused: unknown;
    try {
      detector.checkIp("192.0.2.9");
    } catch (error) {
      refused = error;
    }
    assert.ok(refused instanceof ApiError);
    assert.equal(refused.status, 403);
    assert.equal(refused.code, "ip_blocked");
    assert.equal(refused.headers["retry-after"], "60");
    detector.checkIp("192.0.2.10");
    advance(60_000);
    detector.checkIp("192.0.2.9");
  });
  it("counts and blocks an IPv6 client per /64: rotating addresses inside it does not dodge the count", async () => {
    const { detector, recorded } = blocker({ record: () => Promise.reject(new Error("store down")) });
    const blocked = once(detector, "blocked");
    detector.onAuthFailure("2001:db8:1:2::1", "unknown");
    detector.onAuthFailure("2001:db8:1:2:aaaa::7", "unknown");
    // Another /64 is another client: it neither adds to the count nor gets blocked.
    detector.onAuthFailure("2001:db8:1:3::1", "unknown");
    detector.onAuthFailure("2001:db8:1:2:ffff:ffff:ffff:fffe", "unknown");
    const [event] = (await blocked) as [IpBlockedEvent];
    assert.equal(recorded.length, 0);
    assert.equal(event.ip, "2001:db8:1:2:ffff:ffff:ffff:fffe", "the event keeps the full address");
    assert.equal(event.network, "2001:db8:1:2::/64");
    assert.throws(
      () => detector.checkIp("2001:db8:1:2::9999"),
      (e: ApiError) => e.code === "ip_blocked",
    );
    detector.checkIp("2001:db8:1:3::1");
    // IPv4 stays per address.
    for (let i = 0; i < 3; i++) detector.onAuthFailure("192.0.2.20", "unknown");
    detector.checkIp("192.0.2.21");
  });

  it("records an IPv6 block as the client's /64", async () => {
    const { detector, recorded } = blocker();
    const blocked = once(detector, "blocked");
    for (let i = 0; i < 3; i++) detector.onAuthFailure(`2001:db8::${i + 1}`, "unknown");
    await blocked;
    assert.equal(recorded[0]?.network, "2001:db8::/64");
  });
});
