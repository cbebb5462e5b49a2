import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { withFakeNvidiaSmi } from "../test-support/fake-nvidia-smi.js";
import { type MetricsServer, startMetricsServer } from "./metrics.js";
import { GpuSampler } from "./nvidia-smi.js";
import { Telemetry } from "./snapshot.js";
import { StoreProbe } from "./store-probe.js";
import { TrafficWindow } from "./traffic.js";

// Nothing listens on port 1: a store that is away, through the real pg client.
const away = new pg.Pool({
  connectionString: "postgres://nobody@127.0.0.1:1/none",
  connectionTimeoutMillis: 200,
});
away.on("error", () => {});

const traffic = new TrafficWindow();
const model = (id: string, kind: string, ok: boolean, active: number, queued: number) => ({
  runtime: { kind, model: { id }, health: async () => ({ ok }) },
  scheduler: { stats: () => ({ active, queued, slots: 8 }) },
});
const telemetry = new Telemetry({
  node: "gpu-node-1",
  region: "eu-central-1",
  version: "0.1.0",
  startedAt: 1_800_000_000_000,
  sampleIntervalMs: 60_000,
  gpus: new GpuSampler({ env: withFakeNvidiaSmi() }),
  traffic,
  models: {
    list: () => [model("llama-70b", "external", true, 3, 2), model("tiny", "embedded", false, 0, 0)],
  },
  store: new StoreProbe({ store: { pool: away, isListening: () => false }, timeoutMs: 1000 }),
  spool: {
    spoolStatus: () => ({
      pendingEvents: 12,
      pendingBytes: 3600,
      capacityBytes: 1 << 30,
      alarm: false,
      oldestPendingAgeMs: 0,
    }),
  },
});
let server: MetricsServer;
let text: string;

before(async () => {
  traffic.record(200, 120, 40, 1000, 600, 50);
  traffic.record(401, 2, -1, 0, 0, 0);
  traffic.record(500, 30, -1, 0, 0, 0);
  await telemetry.start();
  server = await startMetricsServer({ listen: "127.0.0.1:0", telemetry });
  const response = await fetch(`${server.address}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  text = await response.text();
});
after(async () => {
  telemetry.stop();
  await server.stop();
  await away.end();
});

/** Parses exposition text into samples; throws on any line that is not valid text format. */
function parse(exposition: string) {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
  for (const line of exposition.split("\n")) {
    if (line === "" || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line)) continue;
    const match = sample.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(label)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

const value = (name: string, labels: Record<string, string> = {}) =>
  parse(text).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;

test("GPU metrics carry the fake GPUs' values in base units", () => {
  assert.equal(value("entrim_gpus"), 8);
  assert.equal(value("entrim_gpu_read_ok"), 1);
  const gpu3 = { gpu: "3", name: "NVIDIA H100 80GB HBM3" };
  assert.equal(value("entrim_gpu_utilization_ratio", gpu3), 0.93);
  assert.equal(value("entrim_gpu_memory_used_bytes", gpu3), 70_300 * 1024 * 1024);
  assert.equal(value("entrim_gpu_power_draw_watts", gpu3), 603.25);
  assert.equal(value("entrim_gpu_sm_clock_hertz", gpu3), 1.98e9);
  assert.equal(value("entrim_gpu_ecc_corrected_errors_total", gpu3), 2);
  assert.equal(value("entrim_gpu_processes", { gpu: "0" }), 1);
  assert.equal(value("entrim_gpu_processes", { gpu: "2" }), 0);
  // GPU 5 has no fan: the series is absent rather than 0.
  assert.equal(value("entrim_gpu_fan_speed_ratio", { gpu: "5" }), undefined);
  assert.equal(value("entrim_gpu_fan_speed_ratio", { gpu: "6" }), 0.36);
});

test("traffic, models, store, spool and state", () => {
  assert.equal(value("entrim_requests_total"), 3);
  assert.equal(value("entrim_prompt_tokens_total"), 1000);
  assert.equal(value("entrim_requests_errors", { class: "4xx" }), 1);
  assert.equal(value("entrim_requests_errors", { class: "5xx" }), 1);
  assert.equal(value("entrim_prompt_cache_hit_ratio"), 0.6);
  assert.ok(Math.abs(value("entrim_time_to_first_token_seconds", { quantile: "0.5" })! - 0.04) < 0.001);
  assert.equal(value("entrim_requests_in_flight"), 3);
  assert.equal(value("entrim_requests_queued"), 2);
  assert.equal(value("entrim_model_loaded", { model: "llama-70b" }), 1);
  assert.equal(value("entrim_model_loaded", { model: "tiny" }), 0);
  assert.equal(value("entrim_model_slots_busy", { model: "llama-70b" }), 3);
  assert.equal(value("entrim_store_up"), 0);
  assert.equal(value("entrim_spool_pending_events"), 12);
  assert.equal(value("entrim_node_state", { state: "serving" }), 1);
  assert.equal(value("entrim_node_state", { state: "draining" }), 0);
  assert.equal(value("entrim_node_info", { node: "gpu-node-1", region: "eu-central-1" }), 1);
  assert.ok((value("process_resident_memory_bytes") ?? 0) > 0);
  assert.equal(telemetry.latest().store?.connected, false);
  assert.notEqual(telemetry.latest().store?.error, "");
});

test("names follow conventions and no label can carry customer data", () => {
  const allowed = new Set([
    "gpu",
    "uuid",
    "name",
    "model",
    "node",
    "region",
    "version",
    "state",
    "class",
    "quantile",
  ]);
  for (const s of parse(text)) {
    if (!s.name.startsWith("entrim_")) continue;
    for (const key of Object.keys(s.labels)) assert.ok(allowed.has(key), `${s.name} has label ${key}`);
    assert.doesNotMatch(s.name, /account|key|ip|prompt_text|user/);
  }
  assert.doesNotMatch(text, /acct_|sk-|203\.0\.113/);
});

test("only GET /metrics is served", async () => {
  assert.equal((await fetch(`${server.address}/`)).status, 404);
  assert.equal((await fetch(`${server.address}/metrics`, { method: "POST" })).status, 404);
});

test("watchers share one sample and hear every new one", async () => {
  const heard: number[] = [];
  const unsubscribe = telemetry.subscribe((s) => heard.push(s.gpus?.length ?? -1));
  const first = telemetry.sample();
  assert.equal(telemetry.sample(), first);
  const snapshot = await first;
  assert.equal(telemetry.latest(), snapshot);
  assert.deepEqual(heard, [8]);
  unsubscribe();
  await telemetry.sample();
  assert.deepEqual(heard, [8]);
});
