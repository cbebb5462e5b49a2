import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../common/log.js";
import { ModelRegistry } from "../serving/models.js";
import type { PublicStatus } from "../status/derive.js";
import { StatusPage } from "../status/page.js";
import { upsertNode } from "../store/nodes.js";
import { createIncident, updateIncident } from "../store/status-incidents.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { until } from "../test-support/until.js";
import { type ApiServer, createApiServer } from "./server.js";

let t: TestStore;
let page: StatusPage;
let app: ApiServer;
let url: string;

before(async () => {
  t = await openTestStore();
  page = new StatusPage({ store: t.store, downAfterSeconds: 15, ttlMs: 60_000 });
  await page.start();
  app = createApiServer({
    models: new ModelRegistry(),
    // Every key is refused: the status routes must not need one.
    authenticator: { authenticate: () => ({ ok: false, reason: "unknown" }) },
    logger: createLogger({ level: "silent" }),
    bodyLimitBytes: 1 << 20,
    requestTimeoutMs: 30_000,
    statusPage: () => page.current(),
  });
  url = await app.listen({ host: "127.0.0.1", port: 0 });
});
after(async () => {
  await app.close();
  await page.stop();
  await t.close();
});

const node = (name: string, region: string, models: string[], state: "ready" | "draining" = "ready") =>
  upsertNode(t.store.pool, {
    name,
    region,
    addresses: [`10.0.0.${name.length}:8080`],
    version: "test",
    models: models.map((id) => ({ id })),
    state,
  });

/** Well-formed enough for assistive technology: every tag closed in order, headings never skip a level. */
function checkHtml(html: string): void {
  const voids = new Set(["meta", "link", "br", "hr", "img", "input"]);
  const open: string[] = [];
  let lastHeading = 0;
  for (const [, close, name] of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g)) {
    const tag = name!.toLowerCase();
    const level = /^h([1-6])$/.exec(tag);
    if (level && !close) {
      assert.ok(Number(level[1]) <= lastHeading + 1, `heading ${tag} after h${lastHeading}`);
      lastHeading = Number(level[1]);
    }
    if (voids.has(tag)) continue;
    if (close) assert.equal(open.pop(), tag, `</${tag}> closes what it did not open`);
    else open.push(tag);
  }
  assert.deepEqual(open, [], "every element is closed");
}

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("GET /status and /status.json", () => {
  it("say all services are online when every node serving a model is up, without an API key", async () => {
    await node("gpu-a", "eu-central", ["llama-8b", "qwen-7b"]);
    await node("gpu-b", "eu-central", ["llama-8b"]);
    const response = await fetch(`${url}/status`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type")!, /^text\/html/);
    assert.match(response.headers.get("content-security-policy")!, /default-src 'none'/);
    const html = await response.text();
    checkHtml(html);
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<title>Service status<\/title>/);
    assert.doesNotMatch(html, /<script/);
    assert.match(text(html), /All services are online/);
    assert.match(text(html), /llama-8b: Operational/);
    // Nothing private: no node names or addresses.
    assert.doesNotMatch(html, /gpu-a|gpu-b|10\.0\.0/);

    const json = (await (await fetch(`${url}/status.json`)).json()) as PublicStatus;
    assert.equal(json.summary, "All services are online");
    assert.equal(json.allOnline, true);
    assert.deepEqual(
      json.models.map((m) => [m.model, m.state, m.regions]),
      [
        ["llama-8b", "operational", [{ region: "eu-central", state: "operational" }]],
        ["qwen-7b", "operational", [{ region: "eu-central", state: "operational" }]],
      ],
    );
    assert.doesNotMatch(JSON.stringify(json), /gpu-a|10\.0\.0/);
  });

  it("shows a model degraded when a node that should serve it drains, and unavailable when none serves it", async () => {
    await node("gpu-b", "eu-central", ["llama-8b"], "draining");
    // Silent past the threshold, by the database clock: down, whatever its registered state.
    await t.store.pool.query(
      "UPDATE nodes SET heartbeat_at = now() - interval '1 minute' WHERE name = 'gpu-a'",
    );
    // Nothing notifies node changes: the page shows them after its TTL, here a fresh page.
    const fresh = new StatusPage({ store: t.store, downAfterSeconds: 15, ttlMs: 0 });
    const status = (await fresh.current()).status;
    assert.equal(status.allOnline, false);
    assert.equal(status.summary, "Some services are affected: llama-8b and qwen-7b are unavailable.");
    await t.store.pool.query("UPDATE nodes SET heartbeat_at = now() WHERE name = 'gpu-a'");
    const partly = (await fresh.current()).status;
    assert.equal(partly.summary, "Some services are affected: llama-8b is degraded.");
    await node("gpu-b", "eu-central", ["llama-8b"]);
    assert.equal((await fresh.current()).status.summary, "All services are online");
  });

  it("shows a posted incident at once, its model at least degraded, and its resolution", async () => {
    // Warm the cache: the incident must show despite it (NOTIFY drops it).
    await fetch(`${url}/status.json`);
    const incident = await createIncident(t.store.pool, {
      title: "Errors from qwen-7b",
      body: "Some requests fail.",
      models: ["qwen-7b"],
      by: "alice",
    });
    const json = await until("the incident is on the page", async () => {
      const j = (await (await fetch(`${url}/status.json`)).json()) as PublicStatus;
      return j.incidents.length === 1 && j;
    });
    assert.equal(json.allOnline, false);
    assert.equal(json.summary, "Some services are affected: qwen-7b is degraded.");
    assert.equal(json.incidents[0]!.title, "Errors from qwen-7b");
    assert.equal(json.incidents[0]!.status, "investigating");
    assert.equal(
      (json.incidents[0]!.updates[0] as { by?: string }).by,
      undefined,
      "operators' names stay private",
    );
    const html = await (await fetch(`${url}/status`)).text();
    checkHtml(html);
    assert.match(text(html), /Errors from qwen-7b Status: Investigating/);
    assert.doesNotMatch(html, /alice/);

    await updateIncident(t.store.pool, { id: incident.id, status: "resolved", text: "Fixed.", by: "alice" });
    const after = await until("the resolution is on the page", async () => {
      const j = (await (await fetch(`${url}/status.json`)).json()) as PublicStatus;
      return j.incidents.length === 0 && j;
    });
    assert.equal(after.summary, "All services are online");
    assert.equal(after.resolvedIncidents[0]!.status, "resolved");
    assert.match(
      text(await (await fetch(`${url}/status`)).text()),
      /Resolved incidents \(last 14 days\) Errors from qwen-7b Status: Resolved/,
    );
  });

  it("escapes posted text", async () => {
    await createIncident(t.store.pool, { title: "<script>alert(1)</script>", body: "a & b", by: "alice" });
    const html = await until("the incident is on the page", async () => {
      const h = await (await fetch(`${url}/status`)).text();
      return h.includes("alert(1)") && h;
    });
    assert.doesNotMatch(html, /<script>/);
    checkHtml(html);
  });
});
