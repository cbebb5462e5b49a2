// Overload: the agent in front of an upstream that answers at once, so the agent's own CPU is the
// limit. Its capacity is measured closed-loop (autocannon, 64 connections), then that rate and twice
// it are offered open-loop: at 2x the requests admitted should keep a bounded p99, and the rest be
// refused at once (503 server_overloaded / 429 / 503 model_overloaded, with Retry-After) instead of
// every request queueing into client timeouts. Production features stay on (startAgent).
import { cpuSeconds, cpuSplit, load, openLoop, startAgent, startUpstream } from "./lib.mjs";

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
    sentRps: r.achievedRps,
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

export async function runOverloadBenchmark() {
  const split = cpuSplit();
  try {
    return await measureOverload(split);
  } finally {
    split?.restore();
  }
}

async function measureOverload(split) {
  const upstream = await startUpstream({ "delay-ms": 0, tokens: 16 }, { cpus: split?.rest });
  const agent = await startAgent(upstream.url, "bench", { cpus: split?.agent });
  try {
    const url = `${agent.url}/v1/chat/completions`;
    const headers = { "content-type": "application/json", authorization: `Bearer ${agent.token}` };
    await load({ url, method: "POST", headers, body, connections: 8, duration: 1 });
    const closed = await load({
      url,
      method: "POST",
      headers,
      body,
      connections: 64,
      duration: CAPACITY_SECONDS,
    });
    // Only answered requests count: a refusal is not capacity.
    const capacityRps = closed["2xx"] / CAPACITY_SECONDS;
    if (!(capacityRps > 0))
      throw new Error(`no request succeeded in the capacity run (${closed.non2xx} non-2xx)`);
    const rate = Math.round(capacityRps);
    const pids = [agent.pid, upstream.pid];
    const atCapacity = await offer(url, headers, rate, pids);
    const atTwice = await offer(url, headers, 2 * rate, pids);
    return {
      placement: split?.describe ?? "all processes share every core",
      durationSeconds: DURATION,
      clientTimeoutMs: CLIENT_TIMEOUT_MS,
      clientConnections: CONNECTIONS,
      capacity: {
        connections: 64,
        seconds: CAPACITY_SECONDS,
        rps: capacityRps,
        p99Ms: closed.latency.p99,
        non2xx: closed.non2xx,
        errors: closed.errors + closed.timeouts,
      },
      atCapacity,
      atTwice,
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
