// Where the agent's CPU time goes: V8's sampling profiler (`node --cpu-prof`) on a real agent under the
// gateway's capacity load (non-streamed, 64 connections, instant upstream) and under its streaming load
// (32 streams of 256 tokens), summed up by component and by function; and on the JSON-reading Fastify
// proxy (bench/json-proxy.mjs) under the capacity load, so that the agent's busy time per request can be
// set beside it component by component. Profiles are kept in bench/results/profiles/ for a flame-graph
// viewer (Chrome DevTools, speedscope).
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { load, root, startAgentServing, startJsonProxy, startUpstream } from "./lib.mjs";

const SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 8);
/** Sampling interval, µs: finer than V8's default 1 ms, so short runs still have thousands of samples. */
const INTERVAL_US = 200;

const request = (stream) =>
  JSON.stringify({
    model: "bench",
    messages: [{ role: "user", content: "Say something short about benchmarks, please." }],
    max_tokens: stream ? 256 : 16,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });

/** The component a profile node's code belongs to, from its script URL (or, for V8's own entries, its name). */
export function componentOf({ functionName, url }) {
  if (url === "") {
    if (functionName === "(garbage collector)") return "garbage collection";
    if (functionName === "(program)") return "V8 and native code (unattributed)";
    if (functionName === "(idle)") return "idle";
    // Native bindings that enter the kernel: socket writes above all (`writev` is the response going out).
    if (
      /^(writev|writeBuffer|write\w*String|read|readv|close|open|fstat|statfs|realpath|fsync|fdatasync)$/.test(
        functionName,
      )
    )
      return "system calls (socket writes, file I/O)";
    // JSON.parse, JSON.stringify and the like are charged to the JavaScript function that called them.
    return "V8 built-ins and other native bindings";
  }
  const packageMatch = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (packageMatch) {
    const name = packageMatch[1];
    if (
      /^(fastify|find-my-way|avvio|light-my-request|@fastify\/.*|fast-json-stringify|fast-querystring|secure-json-parse|abstract-logging|toad-cache)$/.test(
        name,
      )
    )
      return "Fastify (request cycle, routing, hooks)";
    if (name === "undici") return "undici (upstream client)";
    if (/^(pino|pino-std-serializers|sonic-boom|thread-stream)$/.test(name)) return "logging (pino)";
    if (/^(pg|pg-protocol|pg-pool|pg-types)$/.test(name)) return "PostgreSQL client";
    if (name === "zod") return "validation (zod)";
    if (name === "prom-client") return "metrics (prom-client)";
    return `other libraries (${name})`;
  }
  if (url.startsWith("node:")) {
    const module = url.slice("node:".length);
    if (/^(_http_|internal\/http|http$)/.test(module)) return "Node HTTP (parser, server, responses)";
    if (/^(net$|internal\/stream_base_commons|internal\/net|internal\/tcp)/.test(module)) return "sockets";
    if (/^internal\/streams\//.test(module) || module === "stream") return "Node streams";
    if (/^(internal\/process\/task_queues|internal\/timers|timers)/.test(module)) return "ticks and timers";
    if (/^(internal\/fs|fs)/.test(module)) return "file system (spool)";
    return "Node (other)";
  }
  const agentMatch = /\/cluster-agent\/dist\/([^/]+)\//.exec(url);
  if (agentMatch) return `agent: ${agentMatch[1]}/`;
  return "other";
}

/**
 * Self time per component and per function of one .cpuprofile, idle excluded, shares of the busy time.
 * `window` ({ fromUs, toUs }, on the profile's clock: CLOCK_MONOTONIC, as process.hrtime) keeps only
 * the samples taken in it, so start-up and shutdown do not dilute a load's profile.
 */
export function summarise(profile, window) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  // timeDeltas[i] is the time before sample i; it is charged to the sample before it.
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + Math.max(0, delta));
  }
  const components = new Map();
  const functions = new Map();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const component = componentOf(frame);
    if (component === "idle") continue;
    busyUs += us;
    components.set(component, (components.get(component) ?? 0) + us);
    const file = frame.url.startsWith("file://")
      ? relative(root, fileURLToPath(frame.url)).replace(/^node_modules\//, "")
      : frame.url;
    const where = file ? `${file}:${frame.lineNumber + 1}` : "";
    const key = `${frame.functionName || "(anonymous)"}\u0000${where}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const share = (us) => us / busyUs;
  return {
    busyMs: busyUs / 1000,
    components: [...components].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, share: share(us) })),
    functions: [...functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([key, us]) => {
        const [name, where] = key.split("\u0000");
        return { name, where, share: share(us) };
      }),
  };
}

/**
 * Profiles the agent (or, with `jsonProxy`, the JSON-reading Fastify proxy of bench/json-proxy.mjs)
 * under the capacity or streaming load; the summary gets the measured load's request count.
 */
async function profileUnder(name, stream, { jsonProxy = false } = {}) {
  const dir = join(root, "bench", "results", "profiles", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const upstream = await startUpstream({ "delay-ms": 0, tokens: stream ? 256 : 16 });
  /** The measured load's span on the monotonic clock the profile's timestamps use. */
  const window = { fromUs: 0, toUs: 0 };
  const nodeArgs = ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${INTERVAL_US}`];
  const subject = jsonProxy
    ? await startJsonProxy(new URL(upstream.url).origin, { nodeArgs })
    : await startAgentServing(["--model", `bench=${upstream.url}`], { nodeArgs });
  let requests = 0;
  try {
    const headers = {
      "content-type": "application/json",
      ...(subject.token ? { authorization: `Bearer ${subject.token}` } : {}),
    };
    const url = `${subject.url}/v1/chat/completions`;
    const body = request(stream);
    await load({ url, method: "POST", headers, body, connections: 8, duration: 1 });
    window.fromUs = Number(process.hrtime.bigint() / 1000n);
    const result = await load({
      url,
      method: "POST",
      headers,
      body,
      connections: stream ? 32 : 64,
      duration: SECONDS,
    });
    window.toUs = Number(process.hrtime.bigint() / 1000n);
    if (result.non2xx + result.errors > 0)
      throw new Error(`${name}: ${result.non2xx + result.errors} requests failed`);
    requests = result.requests.total;
  } finally {
    // The profile is written as the process exits cleanly (SIGTERM); start-up is in it too, and small.
    await Promise.all([subject.stop(), upstream.stop()]);
  }
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`${name}: no CPU profile was written`);
  return {
    ...summarise(JSON.parse(readFileSync(join(dir, file), "utf8")), window),
    requests,
    profile: relative(root, join(dir, file)),
  };
}

/**
 * Busy time per request by component, of a reference and a subject summary (each with its `requests`),
 * the components the subject spends most on beyond the reference first: where its extra cost lies.
 */
export function componentsPerRequest(reference, subject) {
  const perRequest = (summary) =>
    new Map(summary.components.map((c) => [c.name, (c.share * summary.busyMs * 1000) / summary.requests]));
  const [ref, sub] = [perRequest(reference), perRequest(subject)];
  return [...new Set([...sub.keys(), ...ref.keys()])]
    .map((name) => ({ name, referenceUs: ref.get(name) ?? 0, subjectUs: sub.get(name) ?? 0 }))
    .sort((a, b) => b.subjectUs - b.referenceUs - (a.subjectUs - a.referenceUs));
}

export async function runProfileBenchmark() {
  return {
    seconds: SECONDS,
    intervalUs: INTERVAL_US,
    capacity: await profileUnder("capacity", false),
    // The same load on the JSON proxy: what the framework and the JSON cost, per request, without features.
    jsonProxy: await profileUnder("json-proxy", false, { jsonProxy: true }),
    streaming: await profileUnder("streaming", true),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runProfileBenchmark();
  const { capacity, jsonProxy, streaming } = results;
  for (const [name, r] of Object.entries({ capacity, "JSON proxy": jsonProxy, streaming })) {
    process.stdout.write(`\n${name}: ${r.busyMs.toFixed(0)} ms busy (${r.profile})\n`);
    for (const c of r.components)
      process.stdout.write(`  ${(c.share * 100).toFixed(1).padStart(5)} %  ${c.name}\n`);
    process.stdout.write("  top functions:\n");
    for (const fn of r.functions)
      process.stdout.write(`  ${(fn.share * 100).toFixed(1).padStart(5)} %  ${fn.name}  ${fn.where}\n`);
  }
  process.stdout.write("\ncapacity, µs of busy time per request: JSON proxy, agent\n");
  for (const row of componentsPerRequest(jsonProxy, capacity))
    process.stdout.write(
      `  ${row.referenceUs.toFixed(1).padStart(6)} ${row.subjectUs.toFixed(1).padStart(6)}  ${row.name}\n`,
    );
  process.exit(0);
}
