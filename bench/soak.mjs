// Soak: one agent under a steady mixed load for BENCH_SOAK_MINUTES (default 30): streamed and
// non-streamed chat completions, to an external upstream (answering after 20 ms) and to the embedded
// runtime (the tiny GGUF), open-loop at fixed rates. Every 10 s it records the agent's RSS (/proc), its
// JS heap and event-loop delay (the agent's own /metrics: prom-client's default metrics) and the
// latency of each class, so growth shows as a trend (least squares over the run) and a plot.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cpuSeconds, root, startAgentServing, startUpstream } from "./lib.mjs";

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 30);
const SAMPLE_EVERY_S = 10;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests per second of each class; a quarter of the external ones streamed. */
const CLASSES = [
  { name: "external", model: "bench", stream: false, rate: 60, maxTokens: 32 },
  { name: "external, streamed", model: "bench", stream: true, rate: 20, maxTokens: 64 },
  { name: "embedded", model: "tiny", stream: false, rate: 2, maxTokens: 32 },
  { name: "embedded, streamed", model: "tiny", stream: true, rate: 2, maxTokens: 32 },
];

function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : 0;
}

/** A few of prom-client's default series from the agent's /metrics. */
async function agentMetrics(metricsUrl) {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const value = (name) => {
    const match = new RegExp(`^${name} ([0-9.eE+-]+)$`, "m").exec(text);
    return match ? Number(match[1]) : Number.NaN;
  };
  return {
    heapUsedBytes: value("nodejs_heap_size_used_bytes"),
    // What the RSS holds besides the live objects: the heap as V8 reserved it (the young generation's
    // semi-spaces included) and memory outside the heap (Buffers and native allocations V8 knows of).
    heapTotalBytes: value("nodejs_heap_size_total_bytes"),
    newSpaceBytes: value('nodejs_heap_space_size_total_bytes\\{space="new"\\}'),
    externalBytes: value("nodejs_external_memory_bytes"),
    eventLoopP99Ms: value("nodejs_eventloop_lag_p99_seconds") * 1000,
    eventLoopMaxMs: value("nodejs_eventloop_lag_max_seconds") * 1000,
  };
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den > 0 ? num / den : 0;
}

const percentile = (sorted, p) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function runSoakBenchmark({ minutes = MINUTES } = {}) {
  const { Pool } = await import("undici");
  const { writeTinyModel } = await import(join(root, "cluster-agent", "dist", "runtime", "tiny-model.js"));
  const gguf = join(mkdtempSync(join(tmpdir(), "entrim-bench-soak-")), "tiny.gguf");
  await writeTinyModel({ out: gguf, seed: 1 });
  const upstream = await startUpstream({ "delay-ms": 20, tokens: 64 });
  const agent = await startAgentServing(["--model", `bench=${upstream.url}`, "--model", `tiny=${gguf}`]);
  const { ready } = agent;
  const target = new URL(ready.api);
  const metricsUrl = ready.metrics.startsWith("http") ? ready.metrics : `http://${ready.metrics}`;
  const pool = new Pool(target.origin, { connections: 256, keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${agent.token}`, "content-type": "application/json" };
  const stats = CLASSES.map(() => ({ sent: 0, ok: 0, failed: 0, statuses: {}, latencies: [] }));
  const inFlight = new Set();
  const send = (c, i) => {
    const s = stats[i];
    s.sent++;
    const at = performance.now();
    const body = JSON.stringify({
      model: c.model,
      messages: [{ role: "user", content: "Tell me something about soak tests." }],
      max_tokens: c.maxTokens,
      ...(c.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    });
    const p = pool
      .request({ path: "/v1/chat/completions", method: "POST", headers, body })
      .then(async (response) => {
        await response.body.arrayBuffer();
        if (response.statusCode === 200) {
          s.ok++;
          s.latencies.push(performance.now() - at);
        } else {
          s.failed++;
          s.statuses[response.statusCode] = (s.statuses[response.statusCode] ?? 0) + 1;
        }
      })
      .catch((error) => {
        s.failed++;
        s.statuses[error.code ?? error.message] = (s.statuses[error.code ?? error.message] ?? 0) + 1;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const started = performance.now();
  const end = started + minutes * 60_000;
  // Each class on its own fixed schedule: request k at started + k / rate.
  const schedules = CLASSES.map(async (c, i) => {
    for (let k = 0; ; k++) {
      const at = started + (k * 1000) / c.rate;
      if (at >= end) return;
      const wait = at - performance.now();
      if (wait > 1) await sleep(wait);
      send(c, i);
    }
  });

  const samples = [];
  const cpuAtStart = cpuSeconds(agent.pid);
  const sampler = (async () => {
    while (performance.now() < end) {
      await sleep(Math.min(SAMPLE_EVERY_S * 1000, Math.max(0, end - performance.now())));
      const m = await agentMetrics(metricsUrl).catch(() => ({}));
      const window = stats.map((s) => {
        const sorted = s.latencies.splice(0).sort((a, b) => a - b);
        return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
      });
      samples.push({
        t: (performance.now() - started) / 1000,
        rssBytes: rssBytes(agent.pid),
        ...m,
        latency: window,
      });
    }
  })();
  await Promise.all([...schedules, sampler]);
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  const agentCores = (cpuSeconds(agent.pid) - cpuAtStart) / seconds;
  await pool.close();
  await agent.stop();
  await upstream.stop();
  rmSync(dirname(gguf), { recursive: true, force: true });

  // Growth is judged after the first minute (caches, JIT and pools warm up).
  const steady = samples.filter((s) => s.t >= 60);
  const perMinute = (value) => slope(steady.map((s) => ({ x: s.t / 60, y: value(s) })));
  // The heap as reserved and the memory outside it, over the same span as the RSS (a sample whose
  // /metrics read failed has none).
  const withReserved = steady.filter((s) => Number.isFinite(s.heapTotalBytes));
  const reserved = (s) =>
    s && { heapTotalBytes: s.heapTotalBytes, newSpaceBytes: s.newSpaceBytes, externalBytes: s.externalBytes };
  return {
    minutes,
    seconds,
    agentCores,
    classes: CLASSES.map((c, i) => ({
      ...c,
      sent: stats[i].sent,
      ok: stats[i].ok,
      failed: stats[i].failed,
      failures: stats[i].statuses,
    })),
    samples,
    rssStartBytes: steady[0]?.rssBytes ?? samples[0]?.rssBytes,
    rssEndBytes: samples.at(-1)?.rssBytes,
    reservedStart: reserved(withReserved[0]),
    reservedEnd: reserved(withReserved.at(-1)),
    rssSlopeBytesPerMinute: perMinute((s) => s.rssBytes),
    heapSlopeBytesPerMinute: perMinute((s) => s.heapUsedBytes),
    eventLoopP99MaxMs: Math.max(...samples.map((s) => s.eventLoopP99Ms).filter(Number.isFinite)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runSoakBenchmark();
  const mib = (b) => (b / 2 ** 20).toFixed(1);
  process.stdout.write(
    `${JSON.stringify({ ...result, samples: result.samples.length }, null, 2)}\n` +
      `RSS ${mib(result.rssStartBytes)} -> ${mib(result.rssEndBytes)} MiB (trend ${mib(result.rssSlopeBytesPerMinute)} MiB/min after the first minute), heap trend ${mib(result.heapSlopeBytesPerMinute)} MiB/min, event-loop p99 at most ${result.eventLoopP99MaxMs.toFixed(1)} ms\n`,
  );
  process.exit(0);
}
