import assert from "node:assert/strict";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { test } from "node:test";
import { WriteStallGuard } from "./write-stall.js";

const CHUNK = Buffer.alloc(64 * 1024, 97);

/**
 * A server whose handler writes until the socket pushes back, then keeps writing a chunk whenever
 * it drains; resolves with whether the guard cut the response off.
 */
async function serveOnce(read: boolean): Promise<{ stalled: boolean; bytes: number }> {
  let stalled = false;
  let bytes = 0;
  let ended!: () => void;
  const done = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const server = createServer((_req, res: ServerResponse) => {
    const guard = new WriteStallGuard(res, 300, () => {
      stalled = true;
    });
    res.writeHead(200, { "content-type": "text/event-stream" });
    const pump = () => {
      // 16 MiB in all: far beyond what the kernel buffers for a client that reads nothing.
      while (bytes < 16 * 1024 * 1024) {
        bytes += CHUNK.length;
        const accepted = res.write(CHUNK);
        guard.wrote(accepted);
        if (!accepted) return void res.once("drain", pump);
      }
      res.end();
      guard.ended();
    };
    res.once("close", ended);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = connect((server.address() as AddressInfo).port, "127.0.0.1");
  client.on("error", () => {});
  client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  if (read) client.resume();
  else client.once("data", () => client.pause());
  await done;
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  return { stalled, bytes };
}

test("a client that stops reading is cut off once a write has waited the timeout", async () => {
  const { stalled, bytes } = await serveOnce(false);
  assert.equal(stalled, true);
  assert.ok(bytes < 16 * 1024 * 1024, "the response was ended before all of it was written");
});

test("a client that keeps reading gets the whole response, however large", async () => {
  const { stalled, bytes } = await serveOnce(true);
  assert.equal(stalled, false);
  assert.equal(bytes, 16 * 1024 * 1024);
});
