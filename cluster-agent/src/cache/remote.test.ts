import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  makeArtifacts,
  startHttpServer,
  type TestArtifact,
  type TestHttpServer,
} from "../test-support/artifacts.js";
import { ArtifactCache, type ArtifactCacheOptions } from "./artifacts.js";
import { handleArtifactRequest, serveArtifact } from "./serve.js";

let root: string;
let a: TestArtifact;
let b: TestArtifact;
let server: TestHttpServer;
/** Resolved by the test to let a held ("/held") download proceed. */
let release: () => void = () => {};
let held = Promise.resolve();
let arrived: () => void = () => {};

function send(response: ServerResponse, bytes: Buffer, length = bytes.length): void {
  response.writeHead(200, { "content-length": String(length) });
  response.end(bytes);
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), "entrim-artifacts-remote-"));
  [a, b] = await makeArtifacts(root, [1, 2]);
  server = await startHttpServer(async (request, response) => {
    const half = a.bytes.subarray(0, a.size / 2);
    switch (request.url) {
      case "/a.gguf?signature=secret":
        return send(response, a.bytes);
      case "/wrong": // the right length, other bytes: only the hash can tell
        return send(response, b.bytes);
      case "/short": // no length announced, so the transfer ends "cleanly" too early
        response.writeHead(200);
        return response.end(half);
      case "/long":
        response.writeHead(200);
        return response.end(Buffer.concat([a.bytes, Buffer.from("trailing junk")]));
      case "/cut": // the full length announced, then the connection drops
        response.writeHead(200, { "content-length": String(a.size) });
        response.write(half);
        return response.socket?.destroy();
      case "/stall":
        response.writeHead(200, { "content-length": String(a.size) });
        return response.write(half);
      case "/held":
        arrived();
        await held;
        return send(response, a.bytes);
      default:
        response.writeHead(404).end();
    }
  });
});
after(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

let caches = 0;
function newCache(options: Partial<ArtifactCacheOptions> = {}): ArtifactCache {
  return new ArtifactCache({ dir: join(root, `cache-${++caches}`), maxBytes: 10 * a.size, ...options });
}
const refA = (path: string) => ({ uri: `${server.url}${path}`, sha256: a.sha256, size: a.size });

async function assertNothingKept(cache: ArtifactCache): Promise<void> {
  assert.deepEqual(await cache.entries(), []);
  assert.deepEqual(await readdir(join(cache.dir, "sha256")), []);
  assert.deepEqual(await readdir(join(cache.dir, "tmp")), [], "no partial file is left behind");
  assert.equal(await cache.lookup(a.sha256), undefined);
  assert.equal(cache.usedBytes(), 0);
}

describe("ArtifactCache over HTTP", () => {
  it("downloads, verifies and then serves from disk; errors never show a query string", async () => {
    const cache = newCache();
    try {
      const staged = await cache.stage(refA("/a.gguf?signature=secret"));
      assert.equal(staged.fetched, true);
      assert.deepEqual(await readFile(staged.path), a.bytes);
      assert.equal((await cache.stage(refA("/a.gguf?signature=secret"))).fetched, false);
      await assert.rejects(
        cache.stage({ ...refA("/missing?signature=secret"), sha256: b.sha256 }),
        (error: Error) => {
          assert.match(error.message, /answered 404/);
          assert.doesNotMatch(error.message, /secret/);
          return true;
        },
      );
    } finally {
      await cache.close();
    }
  });

  it("refuses wrong, truncated, overlong, cut and stalled downloads and keeps nothing of them", async () => {
    const cache = newCache({ idleTimeoutMs: 200 });
    try {
      await assert.rejects(
        cache.stage(refA("/wrong")),
        new RegExp(`sha256 mismatch: expected ${a.sha256}, got ${b.sha256}`),
      );
      await assert.rejects(cache.stage(refA("/short")), /ended after \d+ of \d+ bytes \(truncated\)/);
      await assert.rejects(cache.stage(refA("/long")), /more than the expected/);
      await assert.rejects(cache.stage(refA("/cut")), /Cannot stage/);
      await assert.rejects(cache.stage(refA("/stall")), /timeout/i);
      await assertNothingKept(cache);
    } finally {
      await cache.close();
    }
  });

  it("lets concurrent stages of one artifact share a single download", async () => {
    const cache = newCache();
    held = new Promise((resolve) => {
      release = resolve;
    });
    const requested = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const before = server.requests.length;
    try {
      const first = cache.stage(refA("/held"));
      const second = cache.stage(refA("/held"));
      await requested;
      // Joins while the bytes are on their way, even from another URI: the cache is by content.
      const third = cache.stage({ ...refA("/a.gguf"), uri: a.path });
      release();
      const results = await Promise.all([first, second, third]);
      assert.deepEqual(new Set(results.map((r) => r.path)).size, 1);
      assert.equal(server.requests.length - before, 1, "one request for three stages");
      assert.deepEqual(await readFile(results[0]!.path), a.bytes);
    } finally {
      await cache.close();
    }
  });
});

describe("agent:// artifacts from a peer", () => {
  it("fetches through the peer's serveArtifact and names what is missing", async () => {
    const source = newCache();
    const peer = await startHttpServer(async (request, response) => {
      if (!(await handleArtifactRequest(source, request, response))) response.writeHead(404).end();
    });
    const target = newCache({ peerUrl: (node) => (node === "gpu-01" ? peer.url : undefined) });
    try {
      await source.stage({ uri: a.path, sha256: a.sha256, size: a.size });
      assert.equal(await serveArtifact(source, b.sha256), undefined);
      assert.equal(await serveArtifact(source, "not-a-hash"), undefined);

      const staged = await target.stage({
        uri: `agent://gpu-01/${a.sha256}`,
        sha256: a.sha256,
        size: a.size,
      });
      assert.equal(staged.fetched, true);
      assert.deepEqual(await readFile(staged.path), a.bytes);
      assert.deepEqual(peer.requests, [`/artifacts/sha256/${a.sha256}`]);

      await assert.rejects(
        target.stage({ uri: `agent://gpu-01/${b.sha256}`, sha256: b.sha256, size: b.size }),
        /answered 404/,
      );
      await assert.rejects(
        target.stage({ uri: `agent://gpu-02/${b.sha256}`, sha256: b.sha256, size: b.size }),
        /no address is known for agent gpu-02/,
      );
      await assert.rejects(
        target.stage({ uri: `agent://gpu-01/${a.sha256}`, sha256: b.sha256, size: b.size }),
        /names other content/,
      );
    } finally {
      await target.close();
      await peer.close();
      await source.close();
    }
  });
});
