import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs, {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { until } from "../test-support/until.js";
import { sampleEvent } from "../test-support/usage-events.js";
import { decodeRecords, encodeRecord } from "./record.js";
import { Spool, type SpoolOptions } from "./spool.js";

const root = mkdtempSync(join(tmpdir(), "entrim-spool-"));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const options = (over: Partial<SpoolOptions> = {}): SpoolOptions => ({
  dir: join(root, String(dirs++)),
  fsyncIntervalMs: 5,
  segmentBytes: 64 * 1024,
  maxBytes: 1024 * 1024,
  ...over,
});

test("with fsync durability, appends in one interval share a flush and resolve once on disk", async () => {
  const spool = await Spool.open(options({ durability: "fsync" }));
  const [segment] = spool.segments();
  await Promise.all([1, 2, 3].map((n) => spool.append(sampleEvent(n))));
  const size = [1, 2, 3].reduce((sum, n) => sum + encodeRecord(sampleEvent(n)).length, 0);
  assert.equal(spool.readableBytes(segment!), size);
  assert.equal(spool.depthBytes({ segment: 0, offset: 0 }), size);
  assert.equal(spool.depthBytes({ segment: segment!, offset: size }), 0);
  await spool.close();
});

test("segments rotate at their size; the cursor deletes those wholly shipped", async () => {
  const opts = options({ segmentBytes: 64 * 1024, durability: "fsync" });
  const spool = await Spool.open(opts);
  const record = encodeRecord(sampleEvent(1)).length;
  const count = Math.ceil((3 * 64 * 1024) / record);
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, j) => spool.append(sampleEvent(i + j))),
    );
  }
  const segments = spool.segments();
  assert.ok(segments.length >= 3, `expected rotation, got ${segments.length} segment(s)`);
  const last = segments.at(-1)!;
  await spool.commitCursor({ segment: last, offset: 0 });
  assert.deepEqual(spool.segments(), [last]);
  assert.deepEqual(readdirSync(opts.dir).sort(), [`${String(last).padStart(12, "0")}.seg`, "cursor.json"]);
  await spool.close();
});

test("with write durability (the default), appends resolve once written; readers see them after the group fsync", async () => {
  const spool = await Spool.open(options({ fsyncIntervalMs: 60_000 }));
  const [segment] = spool.segments();
  await Promise.all([1, 2].map((n) => spool.append(sampleEvent(n))));
  const size = [1, 2].reduce((sum, n) => sum + encodeRecord(sampleEvent(n)).length, 0);
  // Written (a killed agent cannot lose them), not yet synced: the shipper must not read them yet.
  assert.equal(statSync(spool.path(segment!)).size, size, "in the file before the append resolved");
  assert.equal(spool.readableBytes(segment!), 0);
  assert.equal(spool.depthBytes({ segment: 0, offset: 0 }), size);
  const synced = new Promise<void>((resolve) => spool.onDurable(resolve));
  await spool.flush();
  await synced;
  assert.equal(spool.readableBytes(segment!), size);
  await spool.close();
});

test("writes made at once and writes queued behind fsyncs and rotations land every record once, in order", async () => {
  // A 1 ms fsync window and small segments: many ticks find a rotation holding the file (their writes
  // queue behind it on the thread pool), the others write at once from the event loop, also while a
  // group fsync runs.
  const spool = await Spool.open(options({ fsyncIntervalMs: 1, segmentBytes: 8 * 1024 }));
  let n = 0;
  for (let wave = 0; wave < 200; wave++) {
    const size = 1 + (wave % 7);
    const appends = Array.from({ length: size }, () => spool.append(sampleEvent(n++)));
    if (wave % 5 === 0) await Promise.all([...appends, spool.flush()]);
    else if (wave % 3 === 0) await Promise.all(appends);
    else await new Promise((resolve) => setImmediate(resolve));
  }
  await spool.close();
  const records = Buffer.concat(spool.segments().map((segment) => readFileSync(spool.path(segment))));
  const { events, skipped } = decodeRecords(records, true);
  assert.equal(skipped, 0);
  assert.deepEqual(
    events.map((event) => event.requestId),
    Array.from({ length: n }, (_, i) => sampleEvent(i).requestId),
  );
  assert.ok(spool.segments().length > 2, "segments rotated meanwhile");
  // What a shipper reads of each segment is all of it: no write went to a segment after it was sealed.
  for (const segment of spool.segments()) {
    assert.equal(spool.readableBytes(segment), statSync(spool.path(segment)).size, `segment ${segment}`);
  }
});

/**
 * Holds every FileHandle.datasync (the real call runs once released): a disk slow to sync, on demand.
 * `started` resolves when a sync is waiting (at once if one is); `release` lets the waiting ones run.
 */
async function slowSyncs(t: { after(fn: () => void): void }, dir: string) {
  mkdirSync(dir, { recursive: true });
  const probe = await open(join(dir, "probe"), "w");
  const prototype = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
  await probe.close();
  const real = prototype.datasync;
  let held: (() => void)[] = [];
  let onStart: (() => void) | null = null;
  prototype.datasync = function (this: unknown) {
    onStart?.();
    return new Promise<void>((resolve) => held.push(resolve)).then(() => real.call(this));
  };
  t.after(() => {
    prototype.datasync = real;
  });
  return {
    started: () =>
      held.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => (onStart = resolve)),
    release: () => {
      const waiting = held;
      held = [];
      for (const go of waiting) go();
    },
  };
}

const settledWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(() => "resolved"),
    new Promise((resolve) => setTimeout(resolve, ms, "waiting")),
  ]);

test("a slow group fsync holds no write: appends made during it resolve at once, and it makes readable only what it covers", async (t) => {
  const opts = options({ fsyncIntervalMs: 1, segmentBytes: 1024 * 1024 });
  const disk = await slowSyncs(t, opts.dir);
  const spool = await Spool.open(opts);
  const [segment] = spool.segments();
  const sizeOf = (n: number) => encodeRecord(sampleEvent(n)).length;
  const syncing = disk.started();
  await spool.append(sampleEvent(1));
  await syncing;
  // The fsync of record 1 is on the disk now; record 2 goes to the file meanwhile.
  assert.equal(await settledWithin(spool.append(sampleEvent(2)), 500), "resolved");
  assert.equal(statSync(spool.path(segment!)).size, sizeOf(1) + sizeOf(2));
  assert.equal(spool.readableBytes(segment!), 0, "nothing readable before its fsync");
  assert.equal(spool.depthBytes({ segment: 0, offset: 0 }), sizeOf(1) + sizeOf(2));
  const durable = new Promise<void>((resolve) => spool.onDurable(resolve));
  disk.release();
  await durable;
  assert.equal(spool.readableBytes(segment!), sizeOf(1), "the fsync covers only what was written before it");
  assert.equal(spool.depthBytes({ segment: 0, offset: 0 }), sizeOf(1) + sizeOf(2));
  const syncingRest = disk.started();
  const flushed = spool.flush();
  await syncingRest;
  disk.release();
  await flushed;
  assert.equal(spool.readableBytes(segment!), sizeOf(1) + sizeOf(2));
  await spool.close(); // nothing left to sync
});

test("a segment filled while its fsync runs is sealed with the records written meanwhile, synced too", async (t) => {
  const record = encodeRecord(sampleEvent(1)).length;
  const opts = options({ fsyncIntervalMs: 1, segmentBytes: 2 * record, durability: "fsync" });
  const disk = await slowSyncs(t, opts.dir);
  const spool = await Spool.open(opts);
  const [first] = spool.segments();
  const syncing = disk.started();
  const full = Promise.all([spool.append(sampleEvent(1)), spool.append(sampleEvent(2))]);
  await syncing;
  // Written during the fsync that fills the segment: waits for a sync of its own (fsync durability).
  const late = spool.append(sampleEvent(3));
  await until(
    "record 3 written while the first fsync runs",
    () => statSync(spool.path(first!)).size === 3 * record,
    {
      timeoutMs: 2_000,
    },
  );
  assert.equal(await settledWithin(late, 50), "waiting");
  disk.release(); // the fsync that filled the segment
  const second = disk.started();
  await second; // sealing syncs the late record too before the segment is closed
  disk.release();
  await Promise.all([full, late]);
  const [sealed, active] = spool.segments();
  assert.equal(sealed, first);
  assert.equal(spool.isSealed(first!), true);
  assert.equal(spool.readableBytes(first!), 3 * record, "sealed with every record in it");
  assert.equal(statSync(spool.path(active!)).size, 0);
  const decoded = decodeRecords(readFileSync(spool.path(first!)), true);
  assert.deepEqual(
    decoded.events.map((event) => event.requestId),
    [1, 2, 3].map((n) => sampleEvent(n).requestId),
  );
  await spool.close(); // nothing left to sync
});

test("a reopened spool keeps its cursor and old segments, and writes a fresh segment", async () => {
  const opts = options();
  const first = await Spool.open(opts);
  await first.append(sampleEvent(1));
  const [old] = first.segments();
  await first.commitCursor({ segment: old!, offset: 5 });
  await first.close();
  const second = await Spool.open(opts);
  assert.deepEqual(await second.readCursor(), { segment: old, offset: 5 });
  assert.deepEqual(second.segments(), [old, old! + 1]);
  assert.equal(second.isSealed(old!), true);
  assert.equal(second.isSealed(old! + 1), false);
  await second.close();
});

test("a crash's torn tail stays readable (for the reader to skip) and counts in the depth", async () => {
  const opts = options();
  const first = await Spool.open(opts);
  await first.append(sampleEvent(1));
  const [segment] = first.segments();
  await first.close();
  const path = first.path(segment!);
  appendFileSync(path, encodeRecord(sampleEvent(2)).subarray(0, 20));
  const second = await Spool.open(opts);
  assert.equal(second.readableBytes(segment!), encodeRecord(sampleEvent(1)).length + 20);
  assert.equal(second.depthBytes({ segment: 0, offset: 0 }), second.readableBytes(segment!));
  await second.close();
});

test("a disk that refuses a write: its records are cut back, the spool says why, and a probe finds room again", async (t) => {
  const dir = join(root, "full");
  mkdirSync(dir);
  // A real ENOSPC needs a small filesystem of its own; a tmpfs is the cheapest (root only).
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir], { encoding: "utf8" });
  if (mounted.status !== 0) {
    t.skip(`needs a tmpfs, and mount was refused: ${(mounted.stderr || mounted.error?.message) ?? ""}`);
    return;
  }
  // The spool's file must be closed before the tmpfs can be unmounted, also when an assertion failed.
  let spool: Spool | undefined;
  t.after(async () => {
    await spool?.close().catch(() => {});
    spawnSync("umount", [dir]);
  });
  // Something else on the disk takes most of it, and is what the operator deletes to make room.
  const filler = join(dir, "other-data");
  writeFileSync(filler, Buffer.alloc(160 * 1024));
  spool = await Spool.open(options({ dir, durability: "write" }));
  let written = 0;
  let refused: Error | null = null;
  // Batches of 100 until the disk is full; the failing batch may have reached the file in part.
  while (!refused) {
    const batch = Array.from({ length: 100 }, (_, i) => spool.append(sampleEvent(written + i)));
    const settled = await Promise.allSettled(batch);
    const failed = settled.find((s) => s.status === "rejected");
    if (failed) refused = (failed as PromiseRejectedResult).reason as Error;
    else written += batch.length;
  }
  assert.equal((refused as NodeJS.ErrnoException).code, "ENOSPC");
  assert.equal(spool.writeFailure?.code, "ENOSPC");
  await spool.flush();
  // Exactly the records whose appends succeeded are in the segments: none of the refused batch. (A
  // sync between batches may have sealed the first segment at its size limit and begun a second.)
  const decoded = spool
    .segments()
    .map((segment) => decodeRecords(readFileSync(spool!.path(segment)), true, Number.MAX_SAFE_INTEGER));
  assert.equal(
    decoded.reduce((sum, d) => sum + d.skipped, 0),
    0,
  );
  assert.equal(
    decoded.reduce((sum, d) => sum + d.events.length, 0),
    written,
  );
  assert.equal(await spool.probe(), false, "no room yet");

  rmSync(filler);
  assert.equal(await spool.probe(), true);
  assert.equal(spool.writeFailure, null);
  await spool.close();
});

/**
 * Makes the next `count` synchronous writes take `ms` longer (the thread blocked, as in a throttled
 * write() or a preemption), and counts every synchronous write.
 */
function slowWrites(t: { after(fn: () => void): void }) {
  const real = fs.writeSync;
  let slow = 0;
  let calls = 0;
  const blocker = new Int32Array(new SharedArrayBuffer(4));
  fs.writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    calls++;
    if (slow > 0) {
      slow--;
      Atomics.wait(blocker, 0, 0, 8);
    }
    return real(...args);
  }) as typeof fs.writeSync;
  syncBuiltinESMExports();
  t.after(() => {
    fs.writeSync = real;
    syncBuiltinESMExports();
  });
  return {
    get calls() {
      return calls;
    },
    next(count: number) {
      slow = count;
    },
  };
}

test("one slow synchronous write keeps the writes synchronous; two in a row send them to the thread pool", async (t) => {
  const writes = slowWrites(t);
  const spool = await Spool.open(options());
  const [segment] = spool.segments();
  const sizeOf = (n: number) => encodeRecord(sampleEvent(n)).length;
  writes.next(1);
  await spool.append(sampleEvent(1));
  const afterOne = writes.calls;
  await spool.append(sampleEvent(2));
  assert.equal(writes.calls, afterOne + 1, "a single slow write (a preemption, say) changes nothing");
  writes.next(2);
  await spool.append(sampleEvent(3));
  await spool.append(sampleEvent(4));
  const afterTwo = writes.calls;
  await Promise.all([spool.append(sampleEvent(5)), spool.append(sampleEvent(6))]);
  assert.equal(writes.calls, afterTwo, "after two in a row, the writes leave the event loop");
  await spool.flush();
  // Every record is in the segment, in order, whichever way it was written.
  const { events } = decodeRecords(readFileSync(spool.path(segment!)), true);
  assert.deepEqual(
    events.map((event) => event.requestId),
    [1, 2, 3, 4, 5, 6].map((n) => sampleEvent(n).requestId),
  );
  assert.equal(
    spool.readableBytes(segment!),
    [1, 2, 3, 4, 5, 6].reduce((sum, n) => sum + sizeOf(n), 0),
  );
  await spool.close();
});
