import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { WebSocket } from "ws";
import type { Router } from "../node/router.js";
import { startWebConsole, type WebConsole } from "./server.js";

let web: WebConsole;
let dir: string;
const router: Router = {
  call: async (channel, payload) => {
    if (channel !== "profiles.list") throw new Error(`No request channel "${channel}".`);
    return [{ echo: payload }];
  },
  open: async (_channel, _payload, emit, signal) => {
    emit({ n: 1 });
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
  },
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "console-web-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>x</title>");
  writeFileSync(join(dir, "app.js"), "console.log(1)");
  web = await startWebConsole({ router, staticDir: dir });
});

after(async () => {
  await web.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, host?: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${web.origin}${path}`, { headers: host ? { host } : {} }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on("error", reject).end();
  });
}

/** Opens a socket and resolves with the first frame, or the close code when it is closed instead. */
function socket(
  origin: string | undefined,
  token: string,
): Promise<{ ws: WebSocket; first: unknown } | { code: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${web.origin.replace("http", "ws")}/ws`, origin ? { origin } : {});
    ws.on("open", () => ws.send(JSON.stringify({ type: "hello", token })));
    ws.once("message", (data) => resolve({ ws, first: JSON.parse(String(data)) }));
    ws.on("close", (code) => resolve({ code }));
    ws.on("error", () => resolve({ code: -1 }));
  });
}

test("the page is served with a strict CSP; nothing outside the bundle is", async () => {
  const page = await get("/");
  assert.equal(page.status, 200);
  assert.match(String(page.headers["content-security-policy"]), /script-src 'self'/);
  assert.equal(page.headers["x-frame-options"], "DENY");
  assert.equal((await get("/app.js")).status, 200);
  assert.equal((await get("/../../etc/passwd")).status, 404);
  assert.equal((await get("/%2e%2e%2fsecret.js")).status, 404);
});

test("a DNS-rebinding Host is refused", async () => {
  assert.equal((await get("/", "evil.example:80")).status, 421);
});

test("the socket takes the page's own origin with the token, nothing else", async () => {
  const good = await socket(web.origin, web.token);
  assert.ok("ws" in good);
  assert.deepEqual(good.first, { type: "ready" });
  good.ws.close();
  assert.deepEqual(await socket("https://evil.example", web.token), { code: -1 });
  assert.deepEqual(await socket(undefined, web.token), { code: -1 });
  assert.deepEqual(await socket(web.origin, "x".repeat(32)), { code: 4401 });
});

test("calls and streams run by id over an authenticated socket", async () => {
  const opened = await socket(web.origin, web.token);
  assert.ok("ws" in opened);
  const { ws } = opened;
  const frames: unknown[] = [];
  const waiters: (() => void)[] = [];
  ws.on("message", (data) => {
    frames.push(JSON.parse(String(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  const got = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (frames.length >= n) resolve();
        else waiters.push(check);
      };
      check();
    });
  ws.send(JSON.stringify({ type: "call", id: 1, channel: "profiles.list", payload: { a: 1 } }));
  ws.send(JSON.stringify({ type: "call", id: 2, channel: "nope", payload: {} }));
  ws.send(JSON.stringify({ type: "open", id: 3, channel: "fleet.watch", payload: {} }));
  await got(3);
  assert.deepEqual(
    frames.sort((a, b) => (a as { id: number }).id - (b as { id: number }).id),
    [
      { type: "result", id: 1, value: [{ echo: { a: 1 } }] },
      { type: "error", id: 2, message: 'No request channel "nope".' },
      { type: "message", id: 3, value: { n: 1 } },
    ],
  );
  ws.send(JSON.stringify({ type: "close", id: 3 }));
  await got(4);
  assert.deepEqual(frames[3], { type: "end", id: 3 });
  ws.send("not json");
  const code = await new Promise((resolve) => ws.on("close", resolve));
  assert.equal(code, 4400);
});
