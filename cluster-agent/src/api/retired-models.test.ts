import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CatalogueNames } from "../metering/model-names.js";
import { createModel, setModelRetirement } from "../store/models.js";
import { heldApiServer } from "../test-support/held-runtime.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { until } from "../test-support/until.js";

/**
 * A deprecation notice promises that requests naming the model are refused from its date. The date
 * lives in the catalogue; every agent's catalogue learns it through NOTIFY and refuses from then on,
 * whatever model files a node still has loaded.
 */
let t: TestStore;
let catalogue: CatalogueNames;
let api: Awaited<ReturnType<typeof heldApiServer>>;
const DAY = 86_400_000;

before(async () => {
  t = await openTestStore();
  await createModel(t.store.pool, { name: "held", createdBy: "test" });
  await createModel(t.store.pool, { name: "successor-8b", createdBy: "test" });
  catalogue = new CatalogueNames({ store: t.store, resyncIntervalMs: 600_000 });
  await catalogue.start();
  api = await heldApiServer({ gates: [], isAcceptingTraffic: () => true, catalogue });
  // Every generation that starts finishes at once: a served model answers 200.
  api.runtime.on("started", () => api.runtime.releaseAll());
});

after(async () => {
  await api?.app.close();
  await catalogue?.stop();
  await t.close();
});

const call = (url: string, payload: Record<string, unknown>) =>
  api.app.inject({
    method: "POST",
    url,
    headers: { authorization: "Bearer test", "content-type": "application/json" },
    payload,
  });
const chat = () =>
  call("/v1/chat/completions", { model: "held", max_tokens: 4, messages: [{ role: "user", content: "x" }] });
const listed = async () =>
  (
    await api.app.inject({ method: "GET", url: "/v1/models", headers: { authorization: "Bearer test" } })
  ).json().data as { id: string; retires_at?: number; replacement?: string | null }[];

test("a scheduled retirement is shown; from its date the model is refused everywhere; cancelling restores it", async () => {
  assert.equal((await chat()).statusCode, 200, "served before any retirement");

  const future = new Date(Date.now() + 30 * DAY);
  await setModelRetirement(t.store.pool, "held", future, "successor-8b");
  await until(
    "the scheduled retirement listed",
    async () => (await listed()).find((m) => m.id === "held")?.retires_at !== undefined,
  );
  const [model] = await listed();
  assert.equal(model?.retires_at, Math.floor(future.getTime() / 1000));
  assert.equal(model?.replacement, "successor-8b");
  assert.equal((await chat()).statusCode, 200, "still served before the date");

  await setModelRetirement(t.store.pool, "held", new Date(Date.now() - DAY), "successor-8b");
  await until("the retired model refused", async () => (await chat()).statusCode === 404);
  const refused = (await chat()).json() as { error: { message: string; code: string; param: string } };
  assert.equal(refused.error.code, "model_not_found");
  assert.equal(refused.error.param, "model");
  assert.match(
    refused.error.message,
    /`held` was retired on \d{4}-\d{2}-\d{2}\. Use `successor-8b` instead\./,
  );
  const embeddings = await call("/v1/embeddings", { model: "held", input: "x" });
  assert.equal(embeddings.statusCode, 404);
  assert.match(embeddings.json().error.message, /was retired/);
  const responses = await call("/v1/responses", { model: "held", input: "x" });
  assert.equal(responses.statusCode, 404);
  assert.deepEqual(await listed(), [], "no longer offered");
  const one = await api.app.inject({
    method: "GET",
    url: "/v1/models/held",
    headers: { authorization: "Bearer test" },
  });
  assert.equal(one.statusCode, 404);

  await setModelRetirement(t.store.pool, "held", null, null);
  await until("the model served again", async () => (await chat()).statusCode === 200);
  assert.equal((await listed())[0]?.retires_at, undefined);
});
