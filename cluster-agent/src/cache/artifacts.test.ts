import assert from "node:assert/strict";
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeArtifacts, type TestArtifact } from "../test-support/artifacts.js";
import { ArtifactCache, type ArtifactCacheOptions } from "./artifacts.js";

let root: string;
let a: TestArtifact;
let b: TestArtifact;
let c: TestArtifact;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "entrim-artifacts-"));
  [a, b, c] = await makeArtifacts(root, [1, 2, 3]);
});
after(() => rm(root, { recursive: true, force: true }));

let caches = 0;
/** A cache in a fresh directory with a clock the test advances, so "least recently used" is exact. */
function newCache(options: Partial<ArtifactCacheOptions> = {}) {
  const clock = { now: 1_000 };
  const cache = new ArtifactCache({
    dir: join(root, `cache-${++caches}`),
    maxBytes: 10 * a.size,
    now: () => clock.now++,
    ...options,
  });
  return { cache, clock };
}

describe("ArtifactCache with local sources", () => {
  it("stages from a path or a file: URI into sha256/<hex>, verified, then serves from the cache", async () => {
    const { cache } = newCache();
    try {
      const staged = await cache.stage({ uri: a.path, sha256: a.sha256, size: a.size });
      assert.deepEqual(staged, {
        path: join(cache.dir, "sha256", a.sha256),
        sha256: a.sha256,
        size: a.size,
        fetched: true,
      });
      assert.deepEqual(await readFile(staged.path), a.bytes);
      const again = await cache.stage({ uri: a.uri, sha256: a.sha256.toUpperCase(), size: a.size });
      assert.equal(again.fetched, false);
      assert.equal(again.path, staged.path);
      assert.deepEqual(await readdir(join(cache.dir, "tmp")), []);
      assert.equal(cache.usedBytes(), a.size);
    } finally {
      await cache.close();
    }
  });

  it("refuses a local file whose content or size differs from the catalogue, keeping nothing", async () => {
    const { cache } = newCache();
    try {
      await assert.rejects(
        cache.stage({ uri: b.path, sha256: a.sha256, size: a.size }),
        new RegExp(`sha256 mismatch: expected ${a.sha256}, got ${b.sha256}`),
      );
      await assert.rejects(cache.stage({ uri: a.path, sha256: a.sha256, size: a.size + 1 }), /size mismatch/);
      await assert.rejects(
        cache.stage({ uri: join(root, "missing.gguf"), sha256: a.sha256, size: 1 }),
        /ENOENT/,
      );
      await assert.rejects(cache.stage({ uri: "s3://bucket/x", sha256: a.sha256, size: 1 }), /file:, http:/);
      assert.deepEqual(await cache.entries(), []);
      assert.deepEqual(await readdir(join(cache.dir, "sha256")), []);
      assert.deepEqual(await readdir(join(cache.dir, "tmp")), []);
      assert.equal(cache.usedBytes(), 0, "a failed download gives its reservation back");
    } finally {
      await cache.close();
    }
  });

  it("evicts the least recently used unpinned artifact, never a pinned one, and says what it needs", async () => {
    // Room for two artifacts, not three.
    const { cache } = newCache({ maxBytes: 2 * a.size + a.size / 2 });
    const ref = (x: TestArtifact) => ({ uri: x.path, sha256: x.sha256, size: x.size });
    const cached = async () => (await cache.entries()).map((e) => e.sha256).sort();
    try {
      await cache.stage(ref(a));
      await cache.stage(ref(b));
      await cache.stage(ref(a)); // a is now more recent than b
      await cache.stage(ref(c));
      assert.deepEqual(await cached(), [a.sha256, c.sha256].sort(), "b was least recently used");

      await cache.pin(a.sha256, "live");
      await cache.stage(ref(c)); // c is now the most recent, yet a is pinned and c must go
      await cache.stage(ref(b));
      assert.deepEqual(await cached(), [a.sha256, b.sha256].sort());

      await cache.pin(b.sha256, "staged");
      await assert.rejects(
        cache.stage(ref(c)),
        new RegExp(
          `needs ${c.size} bytes but only ${cache.maxBytes - 2 * a.size} of ${cache.maxBytes}.*pinned`,
        ),
      );
      await assert.rejects(
        cache.stage({ ...ref(c), size: cache.maxBytes + 1 }),
        /more than the whole artifact cache/,
      );

      await cache.unpin(a.sha256, "live");
      await cache.stage(ref(c), { pin: "live" });
      assert.deepEqual(await cached(), [b.sha256, c.sha256].sort());
      const pins = Object.fromEntries((await cache.entries()).map((e) => [e.sha256, e.pins]));
      assert.deepEqual(pins, { [b.sha256]: ["staged"], [c.sha256]: ["live"] });
      assert.deepEqual((await readdir(join(cache.dir, "sha256"))).sort(), [b.sha256, c.sha256].sort());
    } finally {
      await cache.close();
    }
  });

  it("after a restart reuses verified files, keeps last use and pins, and re-verifies before use", async () => {
    const { cache } = newCache();
    const dir = cache.dir;
    await cache.stage({ uri: a.path, sha256: a.sha256, size: a.size }, { pin: "live" });
    await cache.stage({ uri: b.path, sha256: b.sha256, size: b.size });
    const bySha = (x: { sha256: string }, y: { sha256: string }) => x.sha256.localeCompare(y.sha256);
    const before = (await cache.entries()).sort(bySha);
    await cache.close();

    // The source is gone: only the cached copy can satisfy the next stage.
    const gone = join(root, "gone.gguf");
    const restarted = new ArtifactCache({ dir, maxBytes: 10 * a.size });
    try {
      const after = (await restarted.entries()).sort(bySha);
      assert.deepEqual(
        after.map((e) => ({ ...e, verified: true })),
        before.map((e) => ({ ...e, verified: true })),
        "entries, last use and pins survive",
      );
      assert.ok(
        after.every((e) => !e.verified),
        "nothing counts as verified before its first use",
      );
      const staged = await restarted.stage({ uri: gone, sha256: a.sha256, size: a.size });
      assert.equal(staged.fetched, false);
      assert.equal((await restarted.entries()).find((e) => e.sha256 === a.sha256)?.verified, true);
    } finally {
      await restarted.close();
    }

    // A cached file changed on disk while the agent was down is found out and fetched again.
    const path = join(dir, "sha256", b.sha256);
    await chmod(path, 0o644);
    await writeFile(path, a.bytes);
    const third = new ArtifactCache({ dir, maxBytes: 10 * a.size });
    try {
      assert.equal(await third.lookup(b.sha256), undefined, "a corrupt file is not served");
      const staged = await third.stage({ uri: b.path, sha256: b.sha256, size: b.size });
      assert.equal(staged.fetched, true);
      assert.deepEqual(await readFile(staged.path), b.bytes);
    } finally {
      await third.close();
    }
  });

  it("adopts files the index missed, drops entries whose file is gone, and discards partial downloads", async () => {
    const { cache } = newCache();
    const dir = cache.dir;
    await cache.stage({ uri: a.path, sha256: a.sha256, size: a.size });
    await cache.close();
    await writeFile(join(dir, "sha256", b.sha256), b.bytes); // renamed in just before a crash
    await rm(join(dir, "sha256", a.sha256), { force: true });
    await writeFile(join(dir, "tmp", `${c.sha256}.0.part`), c.bytes.subarray(0, 100));
    const reopened = new ArtifactCache({ dir, maxBytes: 10 * a.size });
    try {
      assert.deepEqual(
        (await reopened.entries()).map((e) => [e.sha256, e.size]),
        [[b.sha256, b.size]],
      );
      assert.deepEqual(await readdir(join(dir, "tmp")), []);
      assert.equal((await reopened.lookup(b.sha256))?.size, b.size);
    } finally {
      await reopened.close();
    }
  });

  it("belongs to one process at a time", async () => {
    const { cache } = newCache();
    await cache.open();
    const other = new ArtifactCache({ dir: cache.dir, maxBytes: a.size, lockTimeoutMs: 50 });
    try {
      await assert.rejects(other.open(), /in use by another process/);
    } finally {
      await other.close();
      await cache.close();
    }
  });
});
