// Gateway benchmarks: what the agent's features cost per request, against a bare pass-through proxy
// and against calling the upstream directly, all measured in the same run on the same machine.
import {
  cpuSeconds,
  interleaved,
  load,
  mainThreadCpuSeconds,
  openLoop,
  percentile,
  portkeyHeaders,
  ROUNDS,
  startAgent,
  startBareProxy,
  startFeatureFloor,
  startJsonProxy,
  startPortkey,
  startUpstream,
  sum,
  WARM_SECONDS,
  warmUp,
} from "./lib.mjs";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
/** Each subject gets ROUNDS turns (`interleaved`, bench/lib.mjs) of DURATION / ROUNDS seconds, pooled. */
const TURN_SECONDS = Math.max(2, Math.round(DURATION / ROUNDS));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const body = (stream) =>
  JSON.stringify({
    model: "bench",
    messages: [{ role: "user", content: "Say something short about benchmarks, please." }],
    max_tokens: 16,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });

/**
 * One turn: a second of the same load as warm-up, then the measured load. The CPU of process `pid`
 * (all its threads, and its main thread: the event loop) and the wall time are taken around the
 * measured load alone, so the warm-up's work is not charged to the measured requests. The warm-up
 * runs at the measured concurrency: at 8 connections it left the agent short of its steady state, and
 * its streaming turns read a fifth to a quarter low (BENCHMARKS.md, History).
 */
async function measure(name, url, headers, options, pid) {
  await load({ url, method: "POST", headers, ...options, duration: 1 });
  const cpuBefore = cpuSeconds(pid);
  const mainBefore = mainThreadCpuSeconds(pid);
  const started = performance.now();
  const result = await load({
    url,
    method: "POST",
    headers,
    body: options.body,
    duration: TURN_SECONDS,
    ...options,
  });
  const wall = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  const mainCpu = mainThreadCpuSeconds(pid) - mainBefore;
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${name}: ${bad} of ${result.requests.total} requests failed`);
  return { result, cpu, mainCpu, wall };
}

/**
 * The bare proxy, Portkey, the JSON proxy and the feature floor where given (neither streams) and the
 * agent as subjects of `interleaved`, in that order, each with its process id.
 */
function proxied({ proxy, portkey, jsonProxy, floor, agent, upstream }, suffix = "") {
  const json = { "content-type": "application/json" };
  const path = "/v1/chat/completions";
  return [
    { name: `bare proxy${suffix}`, url: `${proxy.url}${path}`, headers: json, pid: proxy.pid },
    {
      name: `Portkey${suffix}`,
      url: `${portkey.url}${path}`,
      headers: portkeyHeaders(upstream.url),
      pid: portkey.pid,
    },
    ...(jsonProxy
      ? [{ name: `JSON proxy${suffix}`, url: `${jsonProxy.url}${path}`, headers: json, pid: jsonProxy.pid }]
      : []),
    ...(floor
      ? [
          {
            name: `feature floor${suffix}`,
            url: `${floor.url}${path}`,
            headers: { ...json, authorization: `Bearer ${floor.token}` },
            pid: floor.pid,
          },
        ]
      : []),
    {
      name: `agent${suffix}`,
      url: `${agent.url}${path}`,
      headers: { ...json, authorization: `Bearer ${agent.token}` },
      pid: agent.pid,
    },
  ];
}

async function capacity() {
  const upstream = await startUpstream({ "delay-ms": 0, tokens: 16 });
  const origin = new URL(upstream.url).origin;
  const proxy = await startBareProxy(origin);
  const portkey = await startPortkey();
  const jsonProxy = await startJsonProxy(origin);
  const floor = await startFeatureFloor(origin);
  const agent = await startAgent(upstream.url);
  const opts = { body: body(false), connections: 64 };
  const subjects = proxied({ proxy, portkey, jsonProxy, floor, agent, upstream });
  await warmUp(subjects, opts);
  const [bareTurns, pkTurns, jsonTurns, floorTurns, ourTurns] = await interleaved(
    subjects,
    async ({ name, url, headers, pid }) => {
      const { result, cpu, mainCpu, wall } = await measure(name, url, headers, opts, pid);
      return {
        requests: result.requests.total,
        seconds: result.duration,
        wall,
        cpu,
        mainCpu,
        p99: result.latency.p99,
      };
    },
  );
  await Promise.all([
    upstream.stop(),
    proxy.stop(),
    portkey.stop(),
    jsonProxy.stop(),
    floor.stop(),
    agent.stop(),
  ]);
  const pooled = (turns) => ({
    rps: sum(turns.map((t) => t.requests)) / sum(turns.map((t) => t.seconds)),
    p99: median(turns.map((t) => t.p99)),
    cpuMicrosPerRequest: (sum(turns.map((t) => t.cpu)) / sum(turns.map((t) => t.requests))) * 1e6,
    // Cores the process kept busy, all threads (V8's collector helpers, libuv's pool) and the event
    // loop's thread alone: a single event loop can use one core at most.
    cores: sum(turns.map((t) => t.cpu)) / sum(turns.map((t) => t.wall)),
    mainCores: sum(turns.map((t) => t.mainCpu)) / sum(turns.map((t) => t.wall)),
  });
  const [bare, pk, jsonRef, floorRef, ours] = [
    pooled(bareTurns),
    pooled(pkTurns),
    pooled(jsonTurns),
    pooled(floorTurns),
    pooled(ourTurns),
  ];
  const rps = (t) => t.requests / t.seconds;
  return {
    rounds: ROUNDS,
    turnSeconds: TURN_SECONDS,
    warmSeconds: WARM_SECONDS,
    bareRps: bare.rps,
    portkeyRps: pk.rps,
    agentRps: ours.rps,
    ratio: ours.rps / bare.rps,
    ratioPortkey: ours.rps / pk.rps,
    // Each round's own ratio, to show the spread the pooled one hides.
    roundRatios: ourTurns.map((t, i) => rps(t) / rps(bareTurns[i])),
    roundRatiosPortkey: ourTurns.map((t, i) => rps(t) / rps(pkTurns[i])),
    bareP99: bare.p99,
    portkeyP99: pk.p99,
    agentP99: ours.p99,
    bareCpuMicros: bare.cpuMicrosPerRequest,
    portkeyCpuMicros: pk.cpuMicrosPerRequest,
    agentCpuMicros: ours.cpuMicrosPerRequest,
    bareCores: bare.cores,
    portkeyCores: pk.cores,
    agentCores: ours.cores,
    bareMainCores: bare.mainCores,
    portkeyMainCores: pk.mainCores,
    agentMainCores: ours.mainCores,
    // The JSON-reading Fastify proxy: what the framework and the JSON cost before any feature.
    json: {
      rps: jsonRef.rps,
      p99: jsonRef.p99,
      cpuMicros: jsonRef.cpuMicrosPerRequest,
      cores: jsonRef.cores,
      mainCores: jsonRef.mainCores,
    },
    // The hand-written floor of the features' essential work: about the least an implementation of
    // them spends, so the agent's CPU above it is about what a leaner agent could win.
    floor: {
      rps: floorRef.rps,
      p99: floorRef.p99,
      cpuMicros: floorRef.cpuMicrosPerRequest,
      cores: floorRef.cores,
      mainCores: floorRef.mainCores,
      roundRatios: floorTurns.map((t, i) => rps(t) / rps(bareTurns[i])),
    },
  };
}

async function overhead() {
  const upstream = await startUpstream({ "delay-ms": 100, tokens: 16 });
  const portkey = await startPortkey();
  const agent = await startAgent(upstream.url);
  const json = { "content-type": "application/json" };
  const auth = { ...json, authorization: `Bearer ${agent.token}` };
  const subjects = [
    { name: "direct", url: `${upstream.url}/chat/completions`, headers: json },
    { name: "Portkey", url: `${portkey.url}/v1/chat/completions`, headers: portkeyHeaders(upstream.url) },
    { name: "agent", url: `${agent.url}/v1/chat/completions`, headers: auth },
  ];
  const [directTurns, pkTurns, ourTurns] = await interleaved(
    subjects,
    async ({ name, url, headers }, round) => {
      // A fresh connection pool each turn: its first second opens the connections and is not counted.
      await openLoop({ url, headers, body: body(false), rate: 500, duration: round === 0 ? 2 : 1 });
      const result = await openLoop({
        url,
        headers,
        body: body(false),
        rate: 500,
        duration: TURN_SECONDS,
        keepLatencies: true,
      });
      if (result.failed > 0) throw new Error(`${name}: ${result.failed} of ${result.sent} requests failed`);
      return result;
    },
  );
  await Promise.all([upstream.stop(), portkey.stop(), agent.stop()]);
  // Percentiles over every turn's requests together.
  const pooled = (turns) => {
    const latencies = turns.flatMap((t) => t.latencies).sort((a, b) => a - b);
    const at = (p) => percentile(latencies, p);
    return {
      achievedRps: sum(turns.map((t) => t.sent)) / sum(turns.map((t) => t.elapsedSeconds)),
      p50: at(50),
      p90: at(90),
      p99: at(99),
    };
  };
  const [direct, pk, ours] = [pooled(directTurns), pooled(pkTurns), pooled(ourTurns)];
  return {
    offeredRps: 500,
    rounds: ROUNDS,
    turnSeconds: TURN_SECONDS,
    directRps: direct.achievedRps,
    agentRps: ours.achievedRps,
    directP50: direct.p50,
    directP90: direct.p90,
    directP99: direct.p99,
    agentP50: ours.p50,
    agentP90: ours.p90,
    agentP99: ours.p99,
    addedP50: ours.p50 - direct.p50,
    addedP99: ours.p99 - direct.p99,
    // Each round's own added p50 and p99 (agent's turn minus the direct turn of the same round).
    roundAddedP50: ourTurns.map((t, i) => t.p50 - directTurns[i].p50),
    roundAddedP99: ourTurns.map((t, i) => t.p99 - directTurns[i].p99),
    portkeyRps: pk.achievedRps,
    portkeyP50: pk.p50,
    portkeyP90: pk.p90,
    portkeyP99: pk.p99,
    portkeyAddedP50: pk.p50 - direct.p50,
    portkeyAddedP99: pk.p99 - direct.p99,
  };
}

async function streaming() {
  const tokens = 256;
  const upstream = await startUpstream({ "delay-ms": 0, tokens });
  const origin = new URL(upstream.url).origin;
  const proxy = await startBareProxy(origin);
  const portkey = await startPortkey();
  const agent = await startAgent(upstream.url);
  const subjects = proxied({ proxy, portkey, agent, upstream }, " stream");
  const options = { body: body(true).replace('"max_tokens":16', `"max_tokens":${tokens}`), connections: 32 };
  await warmUp(subjects, options);
  const turns = await interleaved(subjects, async ({ name, url, headers, pid }) => {
    const { result, cpu, wall } = await measure(name, url, headers, options, pid);
    return { streams: result.requests.total, seconds: result.duration, wall, cpu };
  });
  await Promise.all([upstream.stop(), proxy.stop(), portkey.stop(), agent.stop()]);
  const pooled = (list) => {
    const streams = sum(list.map((t) => t.streams));
    const wall = sum(list.map((t) => t.wall));
    const cpu = sum(list.map((t) => t.cpu));
    return {
      streamsPerSecond: streams / sum(list.map((t) => t.seconds)),
      tokensPerSecond: (streams * tokens) / wall,
      cpuCores: cpu / wall,
      tokensPerCoreSecond: (streams * tokens) / cpu,
    };
  };
  const [bare, pk, ours] = turns.map(pooled);
  const perCore = (t) => (t.streams * tokens) / t.cpu;
  return {
    tokensPerStream: tokens,
    rounds: ROUNDS,
    turnSeconds: TURN_SECONDS,
    warmSeconds: WARM_SECONDS,
    bare,
    portkey: pk,
    agent: ours,
    ratioPerCore: ours.tokensPerCoreSecond / bare.tokensPerCoreSecond,
    ratioPortkeyPerCore: ours.tokensPerCoreSecond / pk.tokensPerCoreSecond,
    roundRatiosPerCore: turns[2].map((t, i) => perCore(t) / perCore(turns[0][i])),
  };
}

export async function runGatewayBenchmarks() {
  return { capacity: await capacity(), overhead: await overhead(), streaming: await streaming() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runGatewayBenchmarks();
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}
