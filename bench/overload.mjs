// Overload: the agent in front of an upstream that answers at once, so the agent's own CPU is the
// limit. Its capacity is measured closed-loop (autocannon, 64 connections), then that rate and twice
// it are offered open-loop: at 2x the requests admitted should keep a bounded p99, and the rest be
// refused at once (503 server_overloaded / 429 / 503 model_overloaded, with Retry-After) instead of
// every request queueing into client timeouts. Production features stay on (startAgent).
// The same, second, where a model's slots are the limit (an upstream answering after 100 ms, the model
// configured with few slots), as when an inference engine is full: the scheduler's queue bounds the wait.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cpuSeconds,
  cpuSplit,
  load,
  openLoop,
  startAgent,
  startAgentServing,
  startUpstream,
} from "./lib.mjs";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
/** Closed-loop capacity run, seconds: a few are enough for a rate. */
const CAPACITY_SECONDS = Math.min(5, DURATION);
/** A client that gets no answer within this long gives up, as SDKs do (openai-node: 10 min; ours is shorter). */
const CLIENT_TIMEOUT_MS = 30_000;
/**
 * Client connections of the open-loop generator. Capped, the excess waits in the generator's own pool,
 * where no server signal can see it (and the latency still counts it); many more fill the agent's
 * accept queue instead. Both are overload as clients see it; which one the agent can detect differs.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 512);

const body = JSON.stringify({
  model: "bench",
  messages: [{ role: "user", content: "Say something short about benchmarks, please." }],
  max_tokens: 16,
});

/**
 * One open-loop run, summed up as the report shows it, with the CPU cores the agent and the upstream
 * used: shedding is for an agent whose own loop is the limit (about one core busy); an upstream or a
 * load generator that saturates first shows up here instead.
 */
async function offer(url, headers, rate, pids) {
  const before = pids.map(cpuSeconds);
  const started = performance.now();
  const r = await openLoop({
    url,
    headers,
    body,
    rate,
    duration: DURATION,
    timeoutMs: CLIENT_TIMEOUT_MS,
    connections: CONNECTIONS,
  });
  const wall = (performance.now() - started) / 1000;
  const [agentCores, upstreamCores] = pids.map((pid, i) => (cpuSeconds(pid) - before[i]) / wall);
  const shed = r.refused.count;
  return {
    offeredRps: rate,
    // The generator's own pace while sending; what the agent answered (every status) over the whole run,
    // the backlog it left draining after the last send included: lower than offered, the rest waited
    // in the clients' connection pools.
    sentRps: r.sentRps,
    answeredRps: r.achievedRps,
    admittedRps: r.admitted.rps,
    admittedP50Ms: r.admitted.p50,
    admittedP99Ms: r.admitted.p99,
    admittedMaxMs: r.admitted.max,
    byStatus: r.byStatus,
    byCode: r.byCode,
    shed,
    shedWithRetryAfter: shed === 0 ? null : r.refused.withRetryAfter / shed,
    shedP50Ms: r.refused.p50,
    shedP99Ms: r.refused.p99,
    timeouts: r.timeouts,
    clientErrors: r.clientErrors,
    // Over a few ms, the load generator could not keep its own schedule: the latencies then measure it too.
    generatorSendLagP99Ms: r.sendLagP99,
    agentCores,
    upstreamCores,
  };
}

/** The model-bound run: requests a model sends upstream at once, and how long the upstream takes. */
const MODEL_SLOTS = 32;
const MODEL_UPSTREAM_MS = 100;

export async function runOverloadBenchmark() {
  const split = cpuSplit();
  try {
    return { ...(await measureOverload(split)), modelBound: await measureModelBound(split) };
  } finally {
    split?.restore();
  }
}

/**
 * Overload of a model, not of the agent: MODEL_SLOTS slots in front of an upstream answering after
 * MODEL_UPSTREAM_MS, so capacity is about MODEL_SLOTS / MODEL_UPSTREAM_MS requests per second, far
 * below what the agent's loop can carry. Capacity is measured closed-loop with as many connections as
 * slots (nothing waits), then that rate and twice it are offered as above.
 */
async function measureModelBound(split) {
  const upstream = await startUpstream({ "delay-ms": MODEL_UPSTREAM_MS, tokens: 16 }, { cpus: split?.rest });
  let agent;
  const configDir = mkdtempSync(join(tmpdir(), "entrim-bench-overload-"));
  try {
    const config = join(configDir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        models: [{ id: "bench", runtime: "external", url: upstream.url, slots: MODEL_SLOTS }],
      }),
    );
    agent = await startAgentServing(["--config", config], { cpus: split?.agent });
    return {
      slots: MODEL_SLOTS,
      upstreamDelayMs: MODEL_UPSTREAM_MS,
      ...(await capacityThenOffers("model-bound", agent, upstream, MODEL_SLOTS, MODEL_SLOTS)),
    };
  } finally {
    await Promise.all([upstream.stop(), agent?.stop()]);
    rmSync(configDir, { recursive: true, force: true });
  }
}

/**
 * Capacity closed-loop (`connections` clients, after a warm-up with `warmConnections`), answered
 * requests only, then that rate and twice it offered open-loop (offer). `name` labels an error.
 */
async function capacityThenOffers(name, agent, upstream, warmConnections, connections) {
  const url = `${agent.url}/v1/chat/completions`;
  const headers = { "content-type": "application/json", authorization: `Bearer ${agent.token}` };
  await load({ url, method: "POST", headers, body, connections: warmConnections, duration: 1 });
  const closed = await load({ url, method: "POST", headers, body, connections, duration: CAPACITY_SECONDS });
  // Only answered requests count: a refusal is not capacity.
  const capacityRps = closed["2xx"] / CAPACITY_SECONDS;
  if (!(capacityRps > 0))
    throw new Error(
      `no request succeeded in the ${name ? `${name} ` : ""}capacity run (${closed.non2xx} non-2xx)`,
    );
  const rate = Math.round(capacityRps);
  const pids = [agent.pid, upstream.pid];
  return {
    capacity: {
      connections,
      seconds: CAPACITY_SECONDS,
      rps: capacityRps,
      p99Ms: closed.latency.p99,
      non2xx: closed.non2xx,
      errors: closed.errors + closed.timeouts,
    },
    atCapacity: await offer(url, headers, rate, pids),
    atTwice: await offer(url, headers, 2 * rate, pids),
  };
}

async function measureOverload(split) {
  const upstream = await startUpstream({ "delay-ms": 0, tokens: 16 }, { cpus: split?.rest });
  const agent = await startAgent(upstream.url, "bench", { cpus: split?.agent });
  try {
    return {
      placement: split?.describe ?? "all processes share every core",
      durationSeconds: DURATION,
      clientTimeoutMs: CLIENT_TIMEOUT_MS,
      clientConnections: CONNECTIONS,
      ...(await capacityThenOffers("", agent, upstream, 8, 64)),
    };
  } finally {
    await Promise.all([upstream.stop(), agent.stop()]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runOverloadBenchmark();
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}
