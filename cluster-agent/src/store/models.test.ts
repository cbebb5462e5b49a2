import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { StoreError } from "./db.js";
import {
  addModelVersion,
  createModel,
  getModelVersion,
  listModels,
  listNodeModels,
  MODELS_CHANNEL,
  setNodeModel,
} from "./models.js";
import { upsertNode } from "./nodes.js";

let t: TestStore;
before(async () => {
  t = await openTestStore();
  for (const name of ["gpu-01", "gpu-02"])
    await upsertNode(t.store.pool, { name, region: "eu-central", addresses: [], version: "test" });
});
after(() => t.close());

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
const storeError = (code: StoreError["code"], message: RegExp) => (error: unknown) =>
  error instanceof StoreError && error.code === code && message.test(error.message);
const version = (overrides: Record<string, unknown> = {}) => ({
  model: "llama-8b",
  version: "v1",
  artifactUri: "https://models.example.eu/llama-8b-q4.gguf",
  sha256: SHA_A,
  sizeBytes: 4_700_000_000,
  createdBy: "test",
  ...overrides,
});

describe("model catalogue", () => {
  it("round-trips models and versions, defaults included", async () => {
    const model = await createModel(t.store.pool, {
      name: "llama-8b",
      description: "Llama 8B",
      createdBy: "test",
    });
    assert.equal(model.name, "llama-8b");
    assert.deepEqual(model.versions, []);
    const v1 = await addModelVersion(t.store.pool, version({ sha256: SHA_A.toUpperCase() }));
    assert.equal(v1.sha256, SHA_A, "stored in lowercase");
    assert.equal(v1.sizeBytes, 4_700_000_000, "bigint sizes come back as numbers");
    assert.equal(v1.runtime, "embedded");
    assert.deepEqual(v1.runtimeOptions, {});
    assert.equal(v1.contextLength, null);
    const v2 = await addModelVersion(
      t.store.pool,
      version({
        version: "v2",
        artifactUri: `agent://gpu-01/${SHA_B}`,
        sha256: SHA_B,
        runtime: "external",
        runtimeOptions: { command: ["vllm", "serve", "{artifact}", "--port", "{port}"] },
        contextLength: 8192,
        defaultParams: { temperature: 0.7 },
      }),
    );
    assert.deepEqual(await getModelVersion(t.store.pool, "llama-8b", "v2"), v2);
    assert.equal(await getModelVersion(t.store.pool, "llama-8b", "v9"), undefined);
    const [listed] = await listModels(t.store.pool);
    assert.equal(listed!.description, "Llama 8B");
    assert.deepEqual(
      listed!.versions.map((v) => [v.version, v.runtime, v.runtimeOptions, v.defaultParams]),
      [
        ["v1", "embedded", {}, {}],
        [
          "v2",
          "external",
          { command: ["vllm", "serve", "{artifact}", "--port", "{port}"] },
          { temperature: 0.7 },
        ],
      ],
    );
  });

  it("refuses duplicates, unknown models and malformed versions with clear errors", async () => {
    const db = t.store.pool;
    await assert.rejects(
      createModel(db, { name: "llama-8b", createdBy: "t" }),
      storeError("conflict", /already/),
    );
    await assert.rejects(
      createModel(db, { name: "-bad", createdBy: "t" }),
      storeError("invalid", /not a model name/),
    );
    await assert.rejects(
      addModelVersion(db, version()),
      storeError("conflict", /already has a version v1.*immutable/),
    );
    await assert.rejects(
      addModelVersion(db, version({ model: "nope", version: "v1" })),
      storeError("not_found", /no model nope/),
    );
    await assert.rejects(
      addModelVersion(db, version({ version: "v3", sha256: "abc" })),
      storeError("invalid", /64 hex/),
    );
    await assert.rejects(
      addModelVersion(db, version({ version: "v3", sizeBytes: 0 })),
      storeError("invalid", /above 0/),
    );
    await assert.rejects(
      addModelVersion(db, version({ version: "v3", artifactUri: "s3://bucket/x" })),
      storeError("invalid", /file:, http:, https: or agent:/),
    );
    await assert.rejects(
      addModelVersion(db, version({ version: "v3", artifactUri: `agent://gpu-01/${SHA_B}` })),
      storeError("invalid", /agent:\/\/<node>\/<sha256/),
    );
    await assert.rejects(
      addModelVersion(db, version({ version: "v3", contextLength: 10 })),
      storeError("invalid", /context length/),
    );
    // An external version is run by its command: without one a node could not start it.
    await assert.rejects(
      addModelVersion(db, version({ version: "v3", runtime: "external", runtimeOptions: {} })),
      storeError("invalid", /command is required/),
    );
    // Whether a version embeds is read by every node that builds it: a typo fails here.
    await assert.rejects(
      addModelVersion(db, version({ version: "v3", runtimeOptions: { embeddings: { matryoska: true } } })),
      storeError("invalid", /embeddings\.matryoska is not known/),
    );
    await assert.rejects(
      addModelVersion(db, version({ version: "v3", runtimeOptions: { embeddings: "yes" } })),
      storeError("invalid", /embeddings is true, false or/),
    );
    // The table's own checks hold for writers that bypass this module.
    await assert.rejects(
      db.query(
        `INSERT INTO model_versions (model, version, artifact_uri, sha256, size_bytes, runtime, created_by)
         VALUES ('llama-8b', 'raw', 'file:///x', 'XYZ', 1, 'embedded', 't')`,
      ),
      /model_versions_sha256_check/,
    );
    await assert.rejects(db.query("UPDATE model_versions SET size_bytes = 1"), /immutable/);
  });

  it("records which version is live and staged on which node, and notifies", async () => {
    const db = t.store.pool;
    const payloads: string[] = [];
    let heard: () => void = () => {};
    const unlisten = await t.store.listen(MODELS_CHANNEL, (payload) => {
      payloads.push(payload);
      heard();
    });
    try {
      const notified = new Promise<void>((resolve) => {
        heard = resolve;
      });
      const live = await setNodeModel(db, {
        node: "gpu-01",
        model: "llama-8b",
        liveVersion: "v1",
        state: "live",
      });
      assert.deepEqual([live.liveVersion, live.stagedVersion, live.state], ["v1", null, "live"]);
      await notified;
      assert.deepEqual(JSON.parse(payloads[0]!), {
        kind: "node",
        op: "insert",
        node: "gpu-01",
        model: "llama-8b",
        liveVersion: "v1",
        stagedVersion: null,
        state: "live",
      });
    } finally {
      await unlisten();
    }
    // Undefined fields keep their value: staging v2 leaves v1 live.
    const staging = await setNodeModel(db, {
      node: "gpu-01",
      model: "llama-8b",
      stagedVersion: "v2",
      state: "staging",
    });
    assert.deepEqual([staging.liveVersion, staging.stagedVersion], ["v1", "v2"]);
    // A state that needs a staged version, given without one, keeps the row's (loading after staging).
    const loading = await setNodeModel(db, { node: "gpu-01", model: "llama-8b", state: "loading" });
    assert.deepEqual([loading.liveVersion, loading.stagedVersion, loading.state], ["v1", "v2", "loading"]);
    await setNodeModel(db, { node: "gpu-01", model: "llama-8b", state: "staging" });
    await setNodeModel(db, {
      node: "gpu-02",
      model: "llama-8b",
      stagedVersion: "v2",
      state: "failed",
      error: "disk full",
    });
    const rows = await listNodeModels(db, "llama-8b");
    assert.deepEqual(
      rows.map((r) => [r.node, r.liveVersion, r.stagedVersion, r.state, r.error]),
      [
        ["gpu-01", "v1", "v2", "staging", null],
        ["gpu-02", null, "v2", "failed", "disk full"],
      ],
    );
    assert.equal((await listNodeModels(db, "other")).length, 0);
    assert.equal((await listNodeModels(db)).length, 2);
  });

  it("refuses node rows that point at nothing or contradict their state", async () => {
    const db = t.store.pool;
    await assert.rejects(
      setNodeModel(db, { node: "gpu-99", model: "llama-8b", liveVersion: "v1", state: "live" }),
      storeError("not_found", /no node gpu-99/),
    );
    await assert.rejects(
      setNodeModel(db, { node: "gpu-01", model: "nope", liveVersion: "v1", state: "live" }),
      storeError("not_found", /no model nope/),
    );
    await assert.rejects(
      setNodeModel(db, { node: "gpu-01", model: "llama-8b", liveVersion: "v7", state: "live" }),
      storeError("not_found", /no version v7/),
    );
    await assert.rejects(
      setNodeModel(db, { node: "gpu-02", model: "llama-8b", state: "live" }),
      storeError("invalid", /needs a live version/),
    );
    // A version some node uses cannot disappear.
    await assert.rejects(db.query("DELETE FROM model_versions WHERE version = 'v1'"), /foreign key/);
  });
});
