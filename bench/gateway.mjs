// Gateway benchmarks: what the agent's features cost per request, against a bare pass-through proxy
// and against calling the upstream directly, all measured in the same run on the same machine.
import {
  cpuSeconds,
  load,
  openLoop,
  portkeyHeaders,
  startAgent,
  startBareProxy,
  startPortkey,
  startUpstream,
} from "./lib.mjs";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const body = (stream) =>
  JSON.stringify({
    model: "bench",
    messages: [{ role: "user", content: "Say something short about benchmarks, please." }],
    max_tokens: 16,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });

async function measure(name, url, headers, options) {
  const warm = await load({ url, method: "POST", headers, body: options.body, connections: 8, duration: 1 });
  void warm;
  const result = await load({
    url,
    method: "POST",
    headers,
    body: options.body,
    duration: DURATION,
    ...options,
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${name}: ${bad} of ${result.requests.total} requests failed`);
  return result;
}

async function capacity() {
  const upstream = await startUpstream({ "delay-ms": 0, tokens: 16 });
  const origin = new URL(upstream.url).origin;
  const proxy = await startBareProxy(origin);
  const portkey = await startPortkey();
  const agent = await startAgent(upstream.url);
  const json = { "content-type": "application/json" };
  const auth = { ...json, authorization: `Bearer ${agent.token}` };
  const opts = { body: body(false), connections: 64 };
  const run = async (name, url, headers, pid) => {
    const before = cpuSeconds(pid);
    const result = await measure(name, url, headers, opts);
    return {
      rps: result.requests.average,
      p99: result.latency.p99,
      cpuMicrosPerRequest: ((cpuSeconds(pid) - before) / result.requests.total) * 1e6,
    };
  };
  const bare = await run("bare proxy", `${proxy.url}/v1/chat/completions`, json, proxy.pid);
  const pk = await run(
    "Portkey",
    `${portkey.url}/v1/chat/completions`,
    portkeyHeaders(upstream.url),
    portkey.pid,
  );
  const ours = await run("agent", `${agent.url}/v1/chat/completions`, auth, agent.pid);
  await Promise.all([upstream.stop(), proxy.stop(), portkey.stop(), agent.stop()]);
  return {
    bareRps: bare.rps,
    portkeyRps: pk.rps,
    agentRps: ours.rps,
    ratio: ours.rps / bare.rps,
    ratioPortkey: ours.rps / pk.rps,
    bareP99: bare.p99,
    portkeyP99: pk.p99,
    agentP99: ours.p99,
    bareCpuMicros: bare.cpuMicrosPerRequest,
    portkeyCpuMicros: pk.cpuMicrosPerRequest,
    agentCpuMicros: ours.cpuMicrosPerRequest,
  };
}

async function overhead() {
  const upstream = await startUpstream({ "delay-ms": 100, tokens: 16 });
  const portkey = await startPortkey();
  const agent = await startAgent(upstream.url);
  const json = { "content-type": "application/json" };
  const auth = { ...json, authorization: `Bearer ${agent.token}` };
  const run = async (name, url, headers) => {
    await openLoop({ url, headers, body: body(false), rate: 500, duration: 2 });
    const result = await openLoop({ url, headers, body: body(false), rate: 500, duration: DURATION });
    if (result.failed > 0) throw new Error(`${name}: ${result.failed} of ${result.sent} requests failed`);
    return result;
  };
  const direct = await run("direct", `${upstream.url}/chat/completions`, json);
  const pk = await run("Portkey", `${portkey.url}/v1/chat/completions`, portkeyHeaders(upstream.url));
  const ours = await run("agent", `${agent.url}/v1/chat/completions`, auth);
  await Promise.all([upstream.stop(), portkey.stop(), agent.stop()]);
  return {
    offeredRps: 500,
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
  const json = { "content-type": "application/json" };
  const auth = { ...json, authorization: `Bearer ${agent.token}` };
  const run = async (name, url, headers, pid) => {
    const before = cpuSeconds(pid);
    const started = performance.now();
    const result = await measure(name, url, headers, {
      body: body(true).replace('"max_tokens":16', `"max_tokens":${tokens}`),
      connections: 32,
    });
    const wall = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - before;
    const tokensPerSecond = (result.requests.total * tokens) / wall;
    return {
      streamsPerSecond: result.requests.average,
      tokensPerSecond,
      cpuCores: cpu / wall,
      tokensPerCoreSecond: (result.requests.total * tokens) / cpu,
    };
  };
  const bare = await run("bare proxy stream", `${proxy.url}/v1/chat/completions`, json, proxy.pid);
  const pk = await run(
    "Portkey stream",
    `${portkey.url}/v1/chat/completions`,
    portkeyHeaders(upstream.url),
    portkey.pid,
  );
  const ours = await run("agent stream", `${agent.url}/v1/chat/completions`, auth, agent.pid);
  await Promise.all([upstream.stop(), proxy.stop(), portkey.stop(), agent.stop()]);
  return {
    tokensPerStream: tokens,
    bare,
    portkey: pk,
    agent: ours,
    ratioPerCore: ours.tokensPerCoreSecond / bare.tokensPerCoreSecond,
    ratioPortkeyPerCore: ours.tokensPerCoreSecond / pk.tokensPerCoreSecond,
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
