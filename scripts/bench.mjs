// `npm run bench`: runs every benchmark and rewrites docs/BENCHMARKS.md with the machine, the method,
// the numbers and the baseline of each ratio. Raw results also go to bench/results/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, run, setup } from "./setup.mjs";

setup();
const { runGatewayBenchmarks } = await import("../bench/gateway.mjs");
const { runSuspensionBenchmark } = await import("../bench/suspension-propagation.mjs");
const { runMeteringBenchmark } = await import("../bench/metering.mjs");
const { runWatcherBenchmark } = await import("../bench/control-watchers.mjs");
const { runConsoleBenchmark } = await import("../bench/console-browser.mjs");
const { runEmbeddedBenchmark } = await import("../bench/embedded.mjs");
const { runSoakBenchmark } = await import("../bench/soak.mjs");
const { runOverloadBenchmark } = await import("../bench/overload.mjs");
const { componentsPerRequest, runProfileBenchmark } = await import("../bench/profile.mjs");
const { machine, sum } = await import("../bench/lib.mjs");
const { writeBenchmarkPlots } = await import("../bench/report-plots.mjs");

// `npm run bench -- --only soak,overload` runs those benchmarks alone and takes the others from the
// last run's bench/results/gateway.json (same machine), so one section can be measured again, at length,
// without the whole hour; the report says which sections come from which run.
const RUNS = {
  gateway: () => runGatewayBenchmarks(),
  embedded: () => runEmbeddedBenchmark(),
  overload: () => runOverloadBenchmark(),
  suspension: () => runSuspensionBenchmark(200),
  metering: () => runMeteringBenchmark(),
  watching: () => runWatcherBenchmark({ watchers: 50 }),
  console: () => runConsoleBenchmark(),
  soak: () => runSoakBenchmark(),
  profile: () => runProfileBenchmark(),
};
const onlyAt = process.argv.indexOf("--only");
const only = onlyAt === -1 ? null : (process.argv[onlyAt + 1] ?? "").split(",").filter(Boolean);
const unknown = (only ?? []).filter((name) => !(name in RUNS));
if (only && (only.length === 0 || unknown.length > 0)) {
  console.error(
    `--only takes a comma-separated list of: ${Object.keys(RUNS).join(", ")}${unknown.length ? ` (not ${unknown.join(", ")})` : ""}`,
  );
  process.exit(2);
}
const resultsFile = join(root, "bench", "results", "gateway.json");
const lastRun = only && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, "utf8")) : null;
if (only && !lastRun) {
  console.error(`--only needs an earlier full run's ${resultsFile}: run npm run bench once first`);
  process.exit(2);
}
const started = new Date();
const results = {};
for (const [name, runBenchmark] of Object.entries(RUNS)) {
  results[name] = only && !only.includes(name) ? lastRun[name] : await runBenchmark();
}
const {
  gateway,
  embedded,
  overload,
  suspension,
  metering,
  watching,
  console: consoleRun,
  soak,
  profile,
} = results;
/**
 * When each section was measured (ISO date and time): this run for those it ran, the earlier run's
 * record for the others (its start, for a results file from before sections had their own dates).
 */
const measured = Object.fromEntries(
  Object.keys(RUNS).map((name) => [
    name,
    only && !only.includes(name) ? (lastRun.measured?.[name] ?? lastRun.started) : started.toISOString(),
  ]),
);
/** Sections measured in earlier runs (with --only), grouped by the day they were measured. */
const carried = only
  ? Object.keys(RUNS)
      .filter((name) => !only.includes(name))
      .reduce((days, name) => {
        const day = String(measured[name]).slice(0, 10);
        days.set(day, [...(days.get(day) ?? []), name]);
        return days;
      }, new Map())
  : null;
const host = machine();
mkdirSync(join(root, "bench", "results"), { recursive: true });
writeFileSync(
  resultsFile,
  `${JSON.stringify({ host, started: only ? lastRun.started : started, measured, ...results }, null, 2)}\n`,
);

// Plots beside the tables, drawn from the same numbers; the report shows only those that were drawn.
const images = writeBenchmarkPlots(
  { gateway, suspension, console: consoleRun, soak },
  join(root, "docs", "images"),
);
const image = (file) => images[file] ?? "";

const f = (n, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const { capacity: c, overhead: o, streaming: s } = gateway;
const portkeyVersion = JSON.parse(
  readFileSync(join(root, "node_modules", "@portkey-ai", "gateway", "package.json"), "utf8"),
).version;
const mib = (bytes) => f(bytes / 2 ** 20, 1);
/**
 * What the soak's RSS holds besides live objects, after the first minute → end: the heap as V8 reserved
 * it (its young generation in it) and memory outside the heap V8 accounts for. Rows only for a run that
 * recorded them.
 */
const soakReserved = ({ reservedStart: first, reservedEnd: last }) =>
  first === undefined
    ? ""
    : `| V8's heap as reserved (young generation ${mib(first.newSpaceBytes)} → ${mib(last.newSpaceBytes)} MiB of it) | ${mib(first.heapTotalBytes)} → ${mib(last.heapTotalBytes)} MiB |\n` +
      `| memory outside the JS heap that V8 accounts for (Buffers, native) | ${mib(first.externalBytes)} → ${mib(last.externalBytes)} MiB |\n`;
const list = (values, digits, unit = "") => values.map((v) => `${f(v, digits)}${unit}`).join(", ");
/** How a gateway section's subjects were measured (runs from before the interleaving have no rounds). */
const turns = (section) =>
  section.rounds
    ? `Each subject was measured in ${section.rounds} turns of ${section.turnSeconds} s, interleaved (each subject once per round, the order rotating each round), and each row pools its turns, so a drift of the machine's speed during the run falls on all of them alike.`
    : "Each subject was measured once, one after the other.";
const verdict = (ok) => (ok ? "meets target" : "**misses target**");
/** Cores a process kept busy, all threads and the event loop's; "–" for runs from before they were measured. */
const cores = (all, loop) => (all === undefined ? "–" : `${f(all, 2)} / ${f(loop, 2)}`);

/**
 * What an overload run measured: a generator that sent clearly less than it was asked to could not keep
 * its schedule, and its own queue is then in the latencies (so they say little about the agent).
 */
function limitedBy(run, slots) {
  const sent = run.sentRps / run.offeredRps;
  if (sent < 0.95) return `**the load generator** (sent ${f(sent * 100)} % of the offered rate)`;
  if (slots !== undefined) return `the model's ${slots} slots (the agent ${f(run.agentCores, 2)} cores busy)`;
  return `the agent (${f(run.agentCores, 2)} cores busy)`;
}

/** An overload table's rows: at capacity and at twice it (`slots`: the model's, where they are the limit). */
function overloadRows(section, slots) {
  return [
    ["capacity (1×)", section.atCapacity],
    ["twice the capacity (2×)", section.atTwice],
  ]
    .map(
      ([name, r]) =>
        `| ${name} | ${f(r.offeredRps)} | ${f(r.sentRps)} | ${r.answeredRps === undefined ? "–" : f(r.answeredRps)} | ${f(r.admittedRps)} | ${f(r.admittedP50Ms, 1)} ms | ${f(r.admittedP99Ms, 1)} ms | ${f(r.shed)} | ${r.shedWithRetryAfter === null ? "–" : `${f(r.shedWithRetryAfter * 100)} %`} | ${r.shed ? `${f(r.shedP99Ms, 1)} ms` : "–"} | ${f(r.timeouts)} | ${limitedBy(r, slots)} |`,
    )
    .join("\n");
}

const OVERLOAD_HEADER = `| offered | requests/s offered | sent by the generator | answered (any status) req/s | admitted (2xx) req/s | admitted p50 | admitted p99 | refused 429/503 | with Retry-After | refusals' p99 | timeouts | what limited the run |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`;

/**
 * The issue's overload goal at 2×: the admitted requests' p99 bounded and the rest refused at once. A
 * run meets it when the agent answered at least 90 % of the rate offered (so no backlog grew in the
 * clients' pools; the queue left at the end drains after the last send) and its refusals' p99 is under
 * a second; results from before the answered rate was recorded have no verdict.
 */
function overloadVerdict(name, run) {
  if (run?.answeredRps === undefined) return "";
  const answered = run.answeredRps / run.offeredRps;
  const ok = answered >= 0.9 && (run.shed === 0 || run.shedP99Ms < 1000);
  return `${name}, the agent answered ${f(answered * 100)} % of the rate offered, admitted p99 ${f(run.admittedP99Ms, 1)} ms, refusals' p99 ${run.shed ? `${f(run.shedP99Ms, 1)} ms` : "–"}: ${ok ? "meets" : "**misses**"} the goal (admitted p99 bounded, the rest refused at once).`;
}

/** The model-bound overload run (absent from results older than it): its table and a word on it. */
function overloadModelBound() {
  const m = overload.modelBound;
  if (!m) return "";
  return `When a model's slots are the limit instead (${m.slots} slots in front of an upstream answering after
${f(m.upstreamDelayMs)} ms, so at most ${f((m.slots * 1000) / m.upstreamDelayMs)} requests/s; capacity measured closed-loop with ${m.capacity.connections} connections:
${f(m.capacity.rps)} req/s), as when an inference engine is full, the same open-loop runs:

${OVERLOAD_HEADER}
${overloadRows(m, m.slots)}

`;
}

/**
 * The embedded ratio: interleaved turns (bench/embedded.mjs), or, for a run from before that, the
 * single runs it was taken from then.
 */
function embeddedRatioRows() {
  const target = `(target ≥ 0.9: ${verdict(embedded.ratioDefaults >= 0.9)})`;
  if (!embedded.roundRatios)
    return `| **agent with \`npm start\`'s defaults** | 1 | **${f(embedded.agentDefaults.tokensPerSecond)}** |
| **ratio, \`npm start\`'s agent / node-llama-cpp alone (best)** | | **${f(embedded.ratioDefaults, 2)}** ${target} |`;
  const warm = embedded.warmSeconds ? ` after ${f(embedded.warmSeconds)} s unmeasured` : "";
  const turns = `${embedded.rounds} interleaved turns of ${f(embedded.turnSeconds, 1)} s each${warm}`;
  return `| node-llama-cpp alone at its best thread count, ${turns} | ${embedded.baselineThreads} | ${f(embedded.baselineTokensPerSecond)} |
| **agent with \`npm start\`'s defaults**, the same turns | 1 | **${f(embedded.agentDefaults.tokensPerSecond)}** |
| **ratio, \`npm start\`'s agent / node-llama-cpp alone** (each round alone: ${embedded.roundRatios.map((r) => f(r, 2)).join(", ")}) | | **${f(embedded.ratioDefaults, 2)}** ${target} |`;
}

/**
 * The capacity table's reference row and its ratios: the JSON-reading Fastify proxy (bench/json-proxy.mjs);
 * runs from before it was measured have none.
 */
function jsonProxyRow() {
  if (!c.json) return "";
  return `| Fastify proxy reading both bodies as JSON, no features (\`bench/json-proxy.mjs\`) — reference | ${f(c.json.rps)} | ${f(c.json.p99)} ms | ${f(c.json.cpuMicros)} µs | ${cores(c.json.cores, c.json.mainCores)} |
`;
}

function jsonProxyRatios() {
  if (!c.json) return "";
  return `| ratio agent / JSON proxy | ${f(c.agentRps / c.json.rps, 2)} | | ${f(c.json.cpuMicros / c.agentCpuMicros, 2)} | |
| ratio JSON proxy / bare proxy | ${f(c.json.rps / c.bareRps, 2)} | | ${f(c.bareCpuMicros / c.json.cpuMicros, 2)} | |
`;
}

/**
 * The hand-written floor of the features' essential work (bench/feature-floor.mjs): its row, its ratios
 * and what it tells; runs from before it was measured have none.
 */
function floorRow() {
  if (!c.floor) return "";
  return `| the features' essential work written by hand on node:http, nothing general (\`bench/feature-floor.mjs\`) — floor | ${f(c.floor.rps)} | ${f(c.floor.p99)} ms | ${f(c.floor.cpuMicros)} µs | ${cores(c.floor.cores, c.floor.mainCores)} |
`;
}

function floorRatios() {
  if (!c.floor) return "";
  return `| ratio feature floor / bare proxy | ${f(c.floor.rps / c.bareRps, 2)} | | ${f(c.bareCpuMicros / c.floor.cpuMicros, 2)} | |
| ratio agent / feature floor | ${f(c.agentRps / c.floor.rps, 2)} | | ${f(c.floor.cpuMicros / c.agentCpuMicros, 2)} | |
`;
}

function floorText() {
  if (!c.floor) return "";
  const budget = c.bareCpuMicros / 0.7;
  const over = c.floor.cpuMicros - budget;
  const beyond = c.agentCpuMicros - c.floor.cpuMicros;
  return `The feature floor is a reference for the 0.7 target, not a product: each feature's essential work
per request (the key's digest compared in memory, suspensions, the rate limits reserved and settled
with their headers, a hand-written check of the body, the upstream call, the usage record encoded as
the agent's spool record and written once per tick before the answer leaves, a group fdatasync, the
records decoded again as a shipper does, the traffic telemetry; an answer of the agent's shape), on
node:http with nothing general in the way; it leaves out the shipper's PostgreSQL insert, so it is if
anything too low. Its ratio to the bare proxy (in each round alone: ${list(c.floor.roundRatios, 2)}) is about the most
an implementation of these features can reach here. At this run's bare proxy, 0.7 asks for at most ${f(budget)} µs per request: the
floor is ${f(Math.abs(over))} µs ${over >= 0 ? "over" : "under"} it, and the agent costs ${Math.abs(beyond) < 0.5 ? "the same as the floor" : `${f(Math.abs(beyond))} µs ${beyond > 0 ? "more" : "less"} than the floor`}.
`;
}

/** A difference of CPU per request in words. */
const moreOrLess = (us) => (us >= 0.5 ? `${f(us)} µs more` : us <= -0.5 ? `${f(-us)} µs less` : "the same");

function jsonProxyText() {
  if (!c.json) return "";
  return `The JSON proxy is the least a gateway that reads what passes through it must do, on the agent's
framework: Fastify with its defaults parses the request as JSON, sends it on with undici, parses the
answer and answers it, with no authentication, limits, metering or log. Its CPU per request against
the bare proxy's is the price of the framework and the JSON (in this run ${moreOrLess(c.json.cpuMicros - c.bareCpuMicros)}); the
agent's against the JSON proxy's is the price of the features (${moreOrLess(c.agentCpuMicros - c.json.cpuMicros)}).
`;
}

/** The CPU-profile tables (bench/profile.mjs); runs from before it existed have none. */
function profileSection() {
  if (!profile) return "";
  const pct = (share) => `${f(share * 100, 1)} %`;
  const table = (summary) => `| component | share of the agent's busy time |
| --- | ---: |
${summary.components
  .filter((c) => c.share >= 0.005)
  .map((c) => `| ${c.name} | ${pct(c.share)} |`)
  .join("\n")}

| function (self time) | where | share |
| --- | --- | ---: |
${summary.functions.map((fn) => `| \`${fn.name}\` | ${fn.where ? `\`${fn.where}\`` : "–"} | ${pct(fn.share)} |`).join("\n")}`;
  return `#### Where the agent's time goes: CPU profiles

V8's sampling profiler (\`node --cpu-prof\`, one sample every ${f(profile.intervalUs)} µs) on a real agent for ${f(profile.seconds)} s of
this capacity load, then of the streaming load below (\`bench/profile.mjs\`; the \`.cpuprofile\` files stay in
\`bench/results/profiles/\` for a flame-graph viewer). Self time, idle excluded; the kernel's share of a
socket write is not in a V8 profile (it is in the CPU-per-request column above).

Under the capacity load (${f(profile.capacity.busyMs)} ms busy):

${table(profile.capacity)}

Under the streaming load (${f(profile.streaming.busyMs)} ms busy):

${table(profile.streaming)}

${jsonProxyProfile()}`;
}

/** The agent's busy time per request beside the JSON proxy's, by component; absent in older runs. */
function jsonProxyProfile() {
  if (!profile.jsonProxy) return "";
  const all = componentsPerRequest(profile.jsonProxy, profile.capacity);
  const rows = all.filter((row) => row.subjectUs >= 0.5 || row.referenceUs >= 0.5);
  const total = (key) => sum(all.map((row) => row[key]));
  return `The same capacity load on the JSON proxy (\`bench/json-proxy.mjs\`, ${f(profile.jsonProxy.busyMs)} ms busy), and the two side by side in
busy time per request: the event loop's time as the profiler saw it (its own overhead in it, the
other threads not), so it does not add up to the CPU column. The components where the agent spends
most beyond the proxy come first; those under 0.5 µs in both are left out of the rows, not the totals.

| component | JSON proxy, µs per request | agent, µs per request | agent beyond the proxy |
| --- | ---: | ---: | ---: |
${rows.map((row) => `| ${row.name} | ${f(row.referenceUs, 1)} | ${f(row.subjectUs, 1)} | ${f(row.subjectUs - row.referenceUs, 1)} |`).join("\n")}
| **all** | **${f(total("referenceUs"), 1)}** | **${f(total("subjectUs"), 1)}** | **${f(total("subjectUs") - total("referenceUs"), 1)}** |`;
}

const doc = `# Benchmarks

Written by \`npm run bench\` on ${started.toISOString().slice(0, 10)}${carried ? ` (${only.join(", ")} measured then; ${[...carried].map(([day, names]) => `${names.join(", ")} from an earlier run of ${day}`).join("; ")}; same machine)` : ""}. Every ratio compares against a
baseline measured in the same run on the same machine, so the numbers travel between machines better
than absolute figures do. Tests never assert timings; this file is where performance is recorded.

Machine: ${host.cpu}, ${host.cores} cores, ${f(host.memoryBytes / 2 ** 30, 1)} GiB of memory, ${host.os}, Node.js ${host.node}. Load generator: autocannon, in the
benchmark's own process; the agent, the upstream and the baseline proxy each run in their own process,
so on a 2-core machine all of them share the same two cores (the figures are a floor, not a ceiling).

## Gateway: the price of our features per request

Setup: a local OpenAI-compatible upstream (\`cluster-agent/src/test-support/upstream.ts\`, answering
16 completion tokens) behind a real agent (\`entrim-agent serve --model bench=<upstream>\`: external
adapter, API-key authentication against the key cache, IP and account suspension checks, the IP
brute-force counter, rate limits (set far above the load, so every request reserves and settles
requests, tokens and a concurrency place), the security-event recorder and its usage-spike baseline,
request validation and the scheduler; its store is the embedded PostgreSQL). Every request is a non-streamed chat completion with \`max_tokens:
16\`; any non-2xx answer fails the benchmark.

### Capacity at concurrency 64, upstream answering at once

| | requests/s | p99 latency | CPU per request (user+system, from /proc) | cores used: all threads / event loop |
| --- | ---: | ---: | ---: | ---: |
| bare pass-through proxy (node:http + undici, nothing else) — baseline | ${f(c.bareRps)} | ${f(c.bareP99)} ms | ${f(c.bareCpuMicros)} µs | ${cores(c.bareCores, c.bareMainCores)} |
| Portkey AI gateway (\`@portkey-ai/gateway\` ${portkeyVersion}, custom host) — second baseline | ${f(c.portkeyRps)} | ${f(c.portkeyP99)} ms | ${f(c.portkeyCpuMicros)} µs | ${cores(c.portkeyCores, c.portkeyMainCores)} |
${jsonProxyRow()}${floorRow()}| entrim agent | ${f(c.agentRps)} | ${f(c.agentP99)} ms | ${f(c.agentCpuMicros)} µs | ${cores(c.agentCores, c.agentMainCores)} |
| **ratio agent / bare proxy** | **${f(c.ratio, 2)}** (target ≥ 0.7: ${verdict(c.ratio >= 0.7)}) | | ${f(c.bareCpuMicros / c.agentCpuMicros, 2)} | |
| **ratio agent / Portkey** | **${f(c.ratioPortkey, 1)}×** (target ≥ 10×: ${verdict(c.ratioPortkey >= 10)}) | | ${f(c.portkeyCpuMicros / c.agentCpuMicros, 1)}× | |
${jsonProxyRatios()}${floorRatios()}
The requests/s ratio is the agent's requests/s over the baseline's; the CPU ratio is the baseline's
CPU per request over the agent's (1.0 against the bare proxy would mean our features cost nothing).
${turns(c)}${c.roundRatios ? ` The ratio to the bare proxy in each round alone: ${list(c.roundRatios, 2)}; to Portkey: ${list(c.roundRatiosPortkey, 1, "×")}. The p99 column is the median of the turns' p99.` : ""}
${jsonProxyText()}${floorText()}Portkey is the open-source gateway from npm, started as its own Node server (\`build/start-server.js
--headless\`, \`NODE_ENV=production\`), each request naming the provider \`openai\` and the same upstream
as its custom host (\`x-portkey-custom-host\`); it does no authentication, metering or rate limiting of
its own in this setup.

All three processes (load generator, upstream, proxy or agent) share the machine's cores, so the
requests/s ratio also depends on how the scheduler splits them; the CPU-per-request column is the
cleaner comparison of work done per request. The agent's own store (PostgreSQL) and its usage shipper
share those cores too. The CPU columns are read around each turn's measured load, not its 1-s
warm-up (the same load, unmeasured)${c.warmSeconds ? `; before the first round each subject ran ${c.warmSeconds} s of it once, unmeasured, so that none is measured while its code warms up` : ""}. "Cores used" is CPU time over the turns' time, of the whole process (V8's
garbage-collector helpers and libuv's thread pool included) and of its main thread alone, the event
loop, which can use one core at most. Where the two event loops get about the same share of a core,
the requests/s ratio follows the CPU-per-request ratio: the 0.7 target then asks the agent for at
most 1/0.7 of the bare proxy's CPU per request.

${profileSection()}

### Overhead under realistic load: upstream answers after 100 ms, 500 requests/s offered

| | achieved req/s | p50 | p99 |
| --- | ---: | ---: | ---: |
| calling the upstream directly — baseline | ${f(o.directRps)} | ${f(o.directP50, 1)} ms | ${f(o.directP99, 1)} ms |
| through the Portkey gateway | ${f(o.portkeyRps)} | ${f(o.portkeyP50, 1)} ms | ${f(o.portkeyP99, 1)} ms |
| through the agent | ${f(o.agentRps)} | ${f(o.agentP50, 1)} ms | ${f(o.agentP99, 1)} ms |
| added by Portkey | | ${f(o.portkeyAddedP50, 1)} ms | ${f(o.portkeyAddedP99, 1)} ms |
| **added by the agent** | | **${f(o.addedP50, 1)} ms** (target < 1 ms: ${verdict(o.addedP50 < 1)}) | **${f(o.addedP99, 1)} ms** (target < 5 ms: ${verdict(o.addedP99 < 5)}) |

"Added by the agent" is the agent's percentile minus the direct call's. ${turns(o)}${o.roundAddedP99 ? ` Added by the agent in each round alone (its turn against the direct turn of the same round): p50 ${list(o.roundAddedP50, 1, " ms")}; p99 ${list(o.roundAddedP99, 1, " ms")}.` : ""}
Latencies come from an open-loop generator (\`openLoop\` in \`bench/lib.mjs\`): each request is sent
at its scheduled time and timed from then, so queueing anywhere shows up in the percentiles instead of
quietly lowering the offered rate.

${image("bench-gateway-latency.svg")}

### Streaming relay: tokens per second per core

Upstream streams ${s.tokensPerStream} tokens per response as fast as it can; 32 concurrent streams
with \`stream_options.include_usage\`. CPU is the relaying process's own user+system time from
\`/proc/<pid>/stat\`, read around each turn's measured load (not its 1-s warm-up at the same
concurrency${s.warmSeconds ? `, nor the ${s.warmSeconds} s each subject ran once before the first round` : ""}).

| | streams/s | tokens/s | cores used | tokens per CPU-second |
| --- | ---: | ---: | ---: | ---: |
| bare pass-through proxy (bytes copied, no parsing) — baseline | ${f(s.bare.streamsPerSecond)} | ${f(s.bare.tokensPerSecond)} | ${f(s.bare.cpuCores, 2)} | ${f(s.bare.tokensPerCoreSecond)} |
| Portkey AI gateway — second baseline | ${f(s.portkey.streamsPerSecond)} | ${f(s.portkey.tokensPerSecond)} | ${f(s.portkey.cpuCores, 2)} | ${f(s.portkey.tokensPerCoreSecond)} |
| entrim agent (reads each upstream event, checks it, splices its text into its own frame, counts usage) | ${f(s.agent.streamsPerSecond)} | ${f(s.agent.tokensPerSecond)} | ${f(s.agent.cpuCores, 2)} | ${f(s.agent.tokensPerCoreSecond)} |
| **ratio per core, agent / bare proxy** | | | | **${f(s.ratioPerCore, 2)}** (target ≥ 0.5: ${verdict(s.ratioPerCore >= 0.5)}) |
| ratio per core, agent / Portkey | | | | ${f(s.ratioPortkeyPerCore, 1)}× |

The ratio is the agent's tokens per CPU-second over the baseline's, each process's own CPU time.
${turns(s)}${s.roundRatiosPerCore ? ` The ratio in each round alone: ${list(s.roundRatiosPerCore, 2)}.` : ""}

${image("bench-gateway-cost.svg")}

### Overload: twice the capacity

The same agent and instant upstream, placed so that the agent is what saturates (${overload.placement ?? "all processes share every core"}).
Capacity is measured closed-loop (autocannon, concurrency 64, answered requests only); then the
open-loop generator offers that rate and twice it, over at most ${overload.clientConnections} connections, each request
timing out after ${f(overload.clientTimeoutMs / 1000)} s.

${OVERLOAD_HEADER}
${overloadRows(overload)}

${overloadModelBound()}${[
  overloadVerdict("At twice the capacity with the agent's own loop as the limit", overload.atTwice),
  overloadVerdict("With a model's slots as the limit", overload.modelBound?.atTwice),
]
  .filter(Boolean)
  .join(" ")}

The agent refuses at once (503 \`server_overloaded\`, \`Retry-After\`) what is over its adaptive
in-flight limit, which busy event-loop samples cut (\`api.overload\`: late past 4 ms once more than 128
requests are in flight, past 50 ms whatever the number), and a model's slots
and queue refuse with 503/429 and \`Retry-After\` when full (\`scheduler\`). Without the pinning, on a
small machine the load generator runs out of CPU first and the backlog forms in its own connection
pool, where no server signal can see it. Where the generator sent clearly less than was offered, it
could not keep its schedule and the latencies measure its own queue as well as the agent. "Answered"
counts every response over the whole run, the backlog left after the last request was sent included:
where it is below the rate offered, the agent answered (admitted or refused) slower than requests
came, and the rest waited in the clients' connection pools, which the latencies include.

## Embedded runtime: the agent against node-llama-cpp alone

The project's tiny GGUF (as \`npm start\` serves it) on ${embedded.cores} cores, GPU: ${embedded.gpu}. One stream at a
time, ${embedded.tokensPerRequest} tokens per request, greedy. node-llama-cpp alone runs one sequence in the benchmark's process
with nothing else running; the agent is a real \`entrim-agent serve\`
process (embedded PostgreSQL, metering, admission) measured through its API (\`/v1/chat/completions\`,
tokens from the answer's \`usage\`). The thread-count rows are one run each, one after the other.

| | threads | tokens/s |
| --- | ---: | ---: |
${Object.entries(embedded.alone)
  .map(([threads, r]) => `| node-llama-cpp alone | ${threads} | ${f(r.tokensPerSecond)} |`)
  .join("\n")}
| node-llama-cpp alone, its own default thread count | ${embedded.aloneDefault.threads} | ${f(embedded.aloneDefault.tokensPerSecond)} |
${Object.entries(embedded.agentThreads)
  .map(
    ([threads, r]) =>
      `| agent, the GGUF configured with \`--threads ${threads}\` | ${threads} | ${f(r.tokensPerSecond)} |`,
  )
  .join("\n")}
| agent, the GGUF configured with the default \`threads: 0\` (every core but one) | ${Math.max(1, embedded.cores - 1)} | ${f(embedded.agentConfiguredDefault.tokensPerSecond)} |
${embeddedRatioRows()}

llama.cpp's threads wait for each other at every step by spinning, so a thread that shares its core
with anything else (the agent's event loop, PostgreSQL, another benchmark process) stalls them all;
that is why \`threads: 0\` means every core but one. With every layer on a GPU the CPU threads matter
far less; no GPU was measured here.

## Suspension propagation

${suspension.agents} agents on one PostgreSQL (embedded, fsync off); ${suspension.suspensions} suspensions of distinct
accounts, each issued with a plain INSERT and lifted again. Time from sending the INSERT until each
agent has applied it (from the agents' own debug log, same clock), over all agents and suspensions:

| | p50 | p90 | p99 | max |
| --- | ---: | ---: | ---: | ---: |
| suspension enforced | ${f(suspension.enforcedMs.p50, 1)} ms | ${f(suspension.enforcedMs.p90, 1)} ms | ${f(suspension.enforcedMs.p99, 1)} ms | ${f(suspension.enforcedMs.max, 1)} ms |
| lift applied | ${f(suspension.liftedMs.p50, 1)} ms | ${f(suspension.liftedMs.p90, 1)} ms | ${f(suspension.liftedMs.p99, 1)} ms | ${f(suspension.liftedMs.max, 1)} ms |

Target p99 < 250 ms: ${verdict(suspension.meetsTarget)}. The path is LISTEN/NOTIFY straight into each
agent's in-memory index; a periodic full resync (30 s) is the safety net.

${image("bench-suspension-propagation.svg")}

## Metering: spool appends and shipper ingest

${f(metering.events)} usage events (${metering.spoolBytesPerEvent} bytes each on disk) appended to the local spool in waves
of 5,000 concurrent requests, each awaiting its write as the API does before a response's last byte
(the default \`durability: "write"\`; group fsync every ${metering.fsyncIntervalMs} ms behind the writes); then shipped by the shipper (batches of ${f(metering.shipperBatchSize)}, two in
flight, \`INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING\`) into \`usage_events\` of a
PostgreSQL with fsync on.

| | events/s |
| --- | ---: |
| spool appends (written before they resolve; fsync in groups) | ${f(metering.spoolAppendsPerSecond)} |
| shipper ingest into PostgreSQL | ${f(metering.shipperEventsPerSecond)} (target ≥ 50,000: ${verdict(metering.shipperEventsPerSecond >= 50_000)}) |

## Control plane: watching a node

One agent with eight GPUs (the fake \`nvidia-smi\` the tests use, printing the real tool's format, so
every snapshot is full-sized: ${f(watching.snapshotJsonBytes)} bytes as JSON) streams
\`NodeService.WatchStatus\` at 1 Hz to ${watching.watchers} watchers, each an operator with their own
certificate on their own mutually authenticated gRPC channel, as separate consoles would be (one
certificate may hold 32 streams on an agent; a watcher refused or cut off fails the benchmark). CPU is the agent process's own user+system time from
\`/proc\`, over ${watching.seconds} s with no watcher (baseline: sampling, heartbeats, idle) and then over
${watching.seconds} s with all of them.

| | agent CPU (cores) | snapshots delivered/s |
| --- | ---: | ---: |
| no watchers — baseline | ${f(watching.idleCores, 4)} | 0 |
| ${watching.watchers} watchers at 1 Hz | ${f(watching.watchedCores, 4)} | ${f(watching.snapshotsPerSecond, 1)} |
| **per watcher** | **${f(watching.perWatcherMsPerSecond, 2)} ms of CPU per second** (${f(watching.perWatcherCores * 100, 3)} % of a core) | |

"Per watcher" is the agent's CPU with the watchers minus the baseline's, divided by the number of
watchers.

Every watcher rides on the node's one sampler: more watchers add serialisation and TLS writes, never
another \`nvidia-smi\` run.

## Console: browser mode watching ${consoleRun.agents} agents at 1 Hz

${consoleRun.agents} lightweight agents in one process (\`bench/console-fleet-host.mjs\`), each the agent's real
control server (gRPC, mutual TLS, role checks) with the real \`NodeService\` fed by the real
\`Telemetry\` sampler at 1 Hz (eight GPUs from the fake \`nvidia-smi\`, run once a second and shared by
every node's sampler) and the real \`ClusterService\` answering \`ListPeers\` from a PostgreSQL node
registry. \`entrim-console web\` connects to one of them, learns the ${consoleRun.agents} nodes and opens a
channel to each; the page runs in Debian's Chromium (headless, through playwright-core), in the fleet view
(${consoleRun.agents * 8} GPU sparklines' rings filling). Busy time is the renderer main thread's \`TaskDuration\`
(Chrome DevTools Protocol \`Performance.getMetrics\`) over wall time; the JS heap is read after a forced
GC at the start and the end; memory is the page's renderer process from \`/proc\` (RSS, and PSS, which
splits the Chromium binary's shared pages between the processes using them). Baseline: the same page,
idle (not connected), in the same run.

| | seconds | main-thread busy | busiest ${10} s | JS heap after GC, start → end | renderer RSS, start → end | renderer PSS, start → end |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| page idle, not connected — baseline | ${f(consoleRun.idle.seconds)} | ${f(consoleRun.idle.busy * 100, 2)} % | ${f(consoleRun.idle.busiestInterval * 100, 2)} % | ${mib(consoleRun.idle.heapStartBytes)} → ${mib(consoleRun.idle.heapEndBytes)} MiB | ${mib(consoleRun.idle.rssStartBytes)} → ${mib(consoleRun.idle.rssEndBytes)} MiB | ${mib(consoleRun.idle.pssStartBytes)} → ${mib(consoleRun.idle.pssEndBytes)} MiB |
| watching ${consoleRun.agents} agents | ${f(consoleRun.watched.seconds)} | **${f(consoleRun.watched.busy * 100, 1)} %** (target < 25 %: ${verdict(consoleRun.watched.busy < 0.25)}) | ${f(consoleRun.watched.busiestInterval * 100, 1)} % | ${mib(consoleRun.watched.heapStartBytes)} → ${mib(consoleRun.watched.heapEndBytes)} MiB | ${mib(consoleRun.watched.rssStartBytes)} → ${mib(consoleRun.watched.rssEndBytes)} MiB | **${mib(consoleRun.watched.pssStartBytes)} → ${mib(consoleRun.watched.pssEndBytes)} MiB** (target < 400 MiB: ${verdict(consoleRun.watched.pssEndBytes < 400 * 2 ** 20)}) |

Growth over the run: JS heap after GC ${f((consoleRun.watched.heapEndBytes - consoleRun.watched.heapStartBytes) / 2 ** 20, 1)} MiB,
RSS trend ${f(consoleRun.watched.rssSlopeBytesPerMinute / 2 ** 20, 1)} MiB/min (least squares over samples every 10 s).
The console's Node side (gRPC channels, one per node, and the WebSocket) used ${f(consoleRun.consoleNodeCores * 100, 1)} % of a
core meanwhile. RSS counts the Chromium binary's shared pages in full (the idle page alone shows
${mib(consoleRun.idle.rssEndBytes)} MiB), which is why the target is judged on PSS.
\`BENCH_CONSOLE_SECONDS\` (default 300) and \`BENCH_CONSOLE_AGENTS\` (default 200) change the run;
\`node bench/console-browser.mjs\` runs this benchmark alone without rewriting this file.

${image("bench-console-busy.svg")}

${image("bench-console-memory.svg")}

## Soak: ${f(soak.minutes)} minutes of steady mixed load

One agent (production features on) serving an external upstream (answering after 20 ms) and the
embedded tiny GGUF, under open-loop load at fixed rates for ${f(soak.minutes)} minutes
(\`bench/soak.mjs\`, \`BENCH_SOAK_MINUTES\` changes the length). Every 10 s: the agent's RSS from
\`/proc\`, its JS heap (live, and as reserved), its memory outside the heap and its event-loop delay from its own \`/metrics\` (prom-client's default series), and
each class's latency over those 10 s. Growth is the least-squares slope after the first minute.

| class | requests/s offered | sent | answered 200 | failed |
| --- | ---: | ---: | ---: | ---: |
${soak.classes.map((c) => `| ${c.name} (\`max_tokens\` ${c.maxTokens}) | ${c.rate} | ${f(c.sent)} | ${f(c.ok)} | ${f(c.failed)} |`).join("\n")}

| | value |
| --- | ---: |
| agent RSS, after the first minute → end | ${mib(soak.rssStartBytes)} → ${mib(soak.rssEndBytes)} MiB |
${soakReserved(soak)}| **RSS trend** | **${f(soak.rssSlopeBytesPerMinute / 2 ** 20, 2)} MiB/min** |
| **JS heap trend** | **${f(soak.heapSlopeBytesPerMinute / 2 ** 20, 2)} MiB/min** |
| event-loop delay p99, worst 10 s | ${f(soak.eventLoopP99MaxMs, 1)} ms |
| agent CPU | ${f(soak.agentCores, 2)} cores |

${image("bench-soak-memory.svg")}

${image("bench-soak-latency.svg")}

## Reproduce

\`\`\`sh
npm run bench                    # all benchmarks, rewrites this file
BENCH_DURATION=30 npm run bench  # longer runs for steadier numbers
BENCH_ROUNDS=5 npm run bench -- --only gateway  # more interleaved turns per gateway subject
BENCH_SOAK_MINUTES=5 npm run bench  # a shorter soak (default 30 minutes)
npm run bench -- --only overload,profile  # these again; the rest from the last full run
node bench/profile.mjs           # the CPU-profile summaries alone, printed
node bench/compare-builds.mjs --before ../before --after . --load latency --busy-disk
                                 # two builds under one load, interleaved (see the script for making ../before);
                                 # --load capacity or streaming for CPU per request or per token
\`\`\`
`;
// The history of single changes' before/after measurements is written by hand and kept.
const report = join(root, "docs", "BENCHMARKS.md");
const previous = existsSync(report) ? readFileSync(report, "utf8") : "";
const history = previous.indexOf("\n## History\n");
writeFileSync(report, history >= 0 ? `${doc.trimEnd()}\n${previous.slice(history)}` : doc);
// The repository's one formatter also formats Markdown tables; keep the generated file as it would.
run(process.execPath, [
  join(root, "node_modules", "@biomejs", "biome", "bin", "biome"),
  "format",
  "--write",
  report,
]);
process.stdout.write(doc);
process.exit(0);
