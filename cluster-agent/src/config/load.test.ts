import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig } from "./load.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-config-"));
function file(value: unknown): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

test("defaults: public API on 127.0.0.1:8080, no models, a data dir, an EU region", () => {
  const config = loadConfig({}, {});
  assert.equal(config.api.listen, "127.0.0.1:8080");
  assert.deepEqual(config.models, []);
  assert.match(config.dataDir, /\.entrim$/);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.scheduler.queueLimit, 256);
});

test("flags win over the environment, which wins over the file", () => {
  const path = file({ api: { listen: "127.0.0.1:9000" }, node: { name: "from-file", region: "eu-west" } });
  const env = {
    ENTRIM_LISTEN: "127.0.0.1:9001",
    ENTRIM_NODE_NAME: "from-env",
    DATABASE_URL: "postgres://u@h/db",
  };
  const config = loadConfig({ config: path, listen: "127.0.0.1:9002" }, env);
  assert.equal(config.api.listen, "127.0.0.1:9002");
  assert.equal(config.node.name, "from-env");
  assert.equal(config.node.region, "eu-west");
  assert.equal(config.databaseUrl, "postgres://u@h/db");
});

test("shorthand models: NAME=PATH is embedded, NAME=URL is external, --parallel applies", () => {
  const config = loadConfig(
    { model: ["tiny=/models/t.gguf", "big=http://127.0.0.1:8000/v1"], parallel: "3" },
    {},
  );
  assert.deepEqual(
    config.models.map((m) => [m.id, m.runtime]),
    [
      ["tiny", "embedded"],
      ["big", "external"],
    ],
  );
  const tiny = config.models[0]!;
  assert.equal(tiny.runtime === "embedded" && tiny.parallel, 3);
});

test("an invalid field stops start-up with a message naming it", () => {
  const path = file({ models: [{ id: "m", runtime: "embedded", path: "/m.gguf", parallel: 0 }] });
  assert.throws(
    () => loadConfig({ config: path }, {}),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /models\[0\]\.parallel/);
      return true;
    },
  );
  assert.throws(() => loadConfig({ listen: "localhost" }, {}), /api\.listen: must be host:port/);
  assert.throws(() => loadConfig({ config: file({ apiTypo: 1 }) }, {}), /apiTypo/);
  assert.throws(() => loadConfig({ config: file("{not json") }, {}), /not valid JSON/);
  assert.throws(
    () => loadConfig({ config: join(dir, "missing.json") }, {}),
    /cannot read config file .*ENOENT/,
  );
  assert.throws(
    () => loadConfig({ model: ["a=/a.gguf"], parallel: "two" }, {}),
    /parallel: expected an integer/,
  );
  const dup = file({
    models: [
      { id: "m", runtime: "embedded", path: "/a" },
      { id: "m", runtime: "embedded", path: "/b" },
    ],
  });
  assert.throws(() => loadConfig({ config: dup }, {}), /models\[1\]\.id: duplicate model id "m"/);
});

test("an external model may name the catalogue version its command serves", () => {
  const model = { id: "big", runtime: "external", url: "http://127.0.0.1:8000/v1", command: ["vllm"] };
  const config = loadConfig({ config: file({ models: [{ ...model, version: "2026-11" }] }) }, {});
  const big = config.models[0]!;
  assert.equal(big.runtime === "external" && big.version, "2026-11");
  assert.throws(
    () => loadConfig({ config: file({ models: [{ ...model, version: "v 2" }] }) }, {}),
    /models\[0\]\.version: a catalogue version name/,
  );
});

test("an external model's URL must be this machine or the private network, unless allowed by name", () => {
  const model = (url: string) => ({ id: "m", runtime: "external", url });
  const load = (url: string, engines?: unknown) =>
    loadConfig({ config: file({ models: [model(url)], ...(engines ? { engines } : {}) }) }, {});
  for (const url of [
    "http://127.0.0.1:8000/v1",
    "http://localhost:8000/v1",
    "http://10.0.4.2:8000/v1",
    "http://[::1]:8000/v1",
    "http://192.168.1.9/v1",
  ])
    assert.equal(load(url).models[0]?.runtime, "external", url);
  assert.throws(
    () => load("https://203.0.113.7/v1"),
    /models\[0\]\.url: 203\.0\.113\.7 is a public address: prompts may only go to this machine or the private network\. Add it to engines\.allowedUpstreams/,
  );
  assert.throws(
    () => load("https://api.openai.com/v1"),
    /api\.openai\.com is a hostname: .*engines\.allowedUpstreams/,
  );
  // The cloud metadata service is link-local, not private.
  assert.throws(() => load("http://169.254.169.254/v1"), /public address/);
  assert.equal(
    load("https://vllm.internal.example.eu/v1", { allowedUpstreams: ["vllm.internal.example.eu"] }).models
      .length,
    1,
  );
  assert.equal(
    load("http://198.51.100.4:8000/v1", { allowedUpstreams: ["198.51.100.0/24"] }).models.length,
    1,
  );
  assert.throws(
    () => load("http://198.51.100.4:8000/v1", { allowedUpstreams: ["198.51.100.4:9000"] }),
    /public address/,
  );
});

test("a supervised model gets a key per start, so it takes no apiKeyEnv", () => {
  const model = {
    id: "m",
    runtime: "external",
    url: "http://127.0.0.1:8000/v1",
    command: ["/opt/vllm/bin/vllm"],
    apiKeyEnv: "K",
  };
  assert.throws(
    () => loadConfig({ config: file({ models: [model] }) }, {}),
    /models\[0\]\.apiKeyEnv: apiKeyEnv is for an engine the agent does not start/,
  );
});

test("the API edge: trusted proxies are networks, PROXY protocol needs them, plain HTTP by default", () => {
  const defaults = loadConfig({}, {});
  assert.deepEqual(defaults.api.trustedProxies, []);
  assert.equal(defaults.api.proxyProtocol, false);
  assert.equal(defaults.api.forwardedHeader, "x-forwarded-for");
  assert.equal(defaults.api.tls, undefined);
  const edge = loadConfig(
    {
      config: file({
        api: {
          trustedProxies: ["10.0.0.0/8", "2001:db8::1"],
          proxyProtocol: true,
          tls: { certFile: "/etc/entrim/api.pem", keyFile: "/etc/entrim/api-key.pem" },
        },
      }),
    },
    {},
  );
  assert.deepEqual(edge.api.trustedProxies, ["10.0.0.0/8", "2001:db8::1"]);
  assert.throws(
    () => loadConfig({ config: file({ api: { trustedProxies: ["10.0.0.1/8"] } }) }, {}),
    /api\.trustedProxies\[0\]: must be an IP address or a network/,
  );
  assert.throws(
    () => loadConfig({ config: file({ api: { proxyProtocol: true } }) }, {}),
    /api\.proxyProtocol: needs api\.trustedProxies/,
  );
});

test("a model may be marked for embeddings: true, or with Matryoshka truncation; typos stop start-up", () => {
  const model = { id: "bge", runtime: "embedded", path: "/models/bge.gguf" };
  const plain = loadConfig({ config: file({ models: [model] }) }, {});
  assert.equal(plain.models[0]!.embeddings, undefined, "a generation model unless marked");
  const marked = loadConfig(
    { config: file({ models: [{ ...model, embeddings: { matryoshka: true } }] }) },
    {},
  );
  assert.deepEqual(marked.models[0]!.embeddings, { matryoshka: true });
  assert.throws(
    () => loadConfig({ config: file({ models: [{ ...model, embeddings: { matroyshka: true } }] }) }, {}),
    /models\[0\]\.embeddings/,
  );
  assert.throws(
    () => loadConfig({ config: file({ models: [{ ...model, embeddings: "yes" }] }) }, {}),
    /models\[0\]\.embeddings/,
  );
});
