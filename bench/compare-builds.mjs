// Two builds of the agent under the same load in one run, their turns interleaved, for an
// optimisation's before/after in docs/BENCHMARKS.md' History. Each build is a checkout whose agent is
// built (`<dir>/cluster-agent/bin/entrim-agent.js`), e.g. a git worktree of the commit before:
//
//   git worktree add ../before HEAD~1
//   ln -s "$PWD/node_modules" ../before/node_modules
//   (cd ../before && npx tsc -b cluster-agent)
//   node bench/compare-builds.mjs --before ../before --after . --load latency --busy-disk
//
// --load latency: 500 requests/s offered in an open loop, upstream answering after 100 ms; the direct
//   call to the upstream is a third subject, so each build's added latency is read against it.
// --load capacity: 64 connections, upstream answering at once; requests/s and CPU per request.
// --load streaming: 32 streams at once, 256 tokens each with usage, upstream streaming as fast as it
//   can; tokens per CPU-second of the agent process, as the gateway benchmark's streaming row.
// --busy-disk: a process writes and fsyncs 256 MiB over and over in the temp directory meanwhile, as
//   a node loading a model or a database checkpointing would.
// --agents N (default 2): agents started per build. Two agent processes of one build can differ by a
//   fifth or more in CPU per request for a whole run (the JIT inlines their hot paths differently; and
//   until 2026-12-06 half of them promoted every request, docs/BENCHMARKS.md History), so each build's
//   figures pool several, and each agent's own figure is printed too. Each build runs with its own
//   Node.js flags (its dist/common/node-flags.js), so a change of flags compares like one of code.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  cpuSeconds,
  interleaved,
  load,
  openLoop,
  percentile,
  startAgentServing,
  startUpstream,
  sum,
  warmUp,
} from "./lib.mjs";

const USAGE = `usage: node bench/compare-builds.mjs --before DIR --after DIR [--load latency|capacity|streaming] [--rounds N] [--agents N] [--busy-disk]
  DIR is a checkout with a built agent (DIR/cluster-agent/bin/entrim-agent.js; build it with
  \`npx tsc -b cluster-agent\` there).`;

function fail(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      before: { type: "string" },
      after: { type: "string" },
      load: { type: "string", default: "latency" },
      rounds: { type: "string", default: "6" },
      agents: { type: "string", default: "2" },
      "busy-disk": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  }));
} catch (error) {
  fail(error.message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!values.before || !values.after) fail("--before and --after are both required");
if (!["latency", "capacity", "streaming"].includes(values.load))
  fail(`--load must be latency, capacity or streaming, not ${values.load}`);
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1)
  fail(`--rounds must be a whole number of 1 or more, not ${values.rounds}`);
const agentsPerBuild = Number(values.agents);
if (!Number.isInteger(agentsPerBuild) || agentsPerBuild < 1)
  fail(`--agents must be a whole number of 1 or more, not ${values.agents}`);
const builds = ["before", "after"].map((name) => {
  const bin = join(resolve(values[name]), "cluster-agent", "bin", "entrim-agent.js");
  const built = join(resolve(values[name]), "cluster-agent", "dist", "cli", "main.js");
  if (!existsSync(bin) || !existsSync(built)) fail(`--${name} ${values[name]}: no built agent at ${built}`);
  return { name, bin };
});

const TURN_SECONDS = 3;
const streaming = values.load === "streaming";
const TOKENS = streaming ? 256 : 16;
const body = JSON.stringify({
  model: "bench",
  messages: [{ role: "user", content: "Say something short about benchmarks, please." }],
  max_tokens: TOKENS,
  ...(streaming ? { stream: true, stream_options: { include_usage: true } } : {}),
});
const json = { "content-type": "application/json" };

/** Writes and fsyncs 256 MiB over and over until stopped. */
function busyDisk() {
  const dir = mkdtempSync(join(tmpdir(), "entrim-busy-disk-"));
  const code = `
    const { openSync, writeSync, fdatasyncSync, closeSync } = require("node:fs");
    const chunk = Buffer.alloc(1 << 20, 7);
    for (;;) {
      const fd = openSync(${JSON.stringify(join(dir, "fill"))}, "w");
      for (let i = 0; i < 256; i++) writeSync(fd, chunk);
      fdatasyncSync(fd);
      closeSync(fd);
    }`;
  const child = spawn(process.execPath, ["-e", code], { stdio: "ignore" });
  return () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
}

const upstream = await startUpstream({ "delay-ms": values.load === "latency" ? 100 : 0, tokens: TOKENS });
const subjects = [];
if (values.load === "latency") {
  subjects.push({ name: "direct", url: `${upstream.url}/chat/completions`, headers: json });
}
for (let k = 0; k < agentsPerBuild; k++) {
  for (const build of builds) {
    const agent = await startAgentServing(["--model", `bench=${upstream.url}`], { bin: build.bin });
    subjects.push({
      name: build.name,
      url: `${agent.url}/v1/chat/completions`,
      headers: { ...json, authorization: `Bearer ${agent.token}` },
      agent,
    });
  }
}
const stopDisk = values["busy-disk"] ? busyDisk() : () => {};

const loadOptions = { method: "POST", body, connections: streaming ? 32 : 64 };
if (values.load !== "latency") await warmUp(subjects, loadOptions);
const turnLists = await interleaved(subjects, measure, rounds);
/** Each build's turns (all its agents'), and each of its agents' turns apart. */
const turns = Object.fromEntries(subjects.map((s) => [s.name, []]));
const agentTurns = Object.fromEntries(subjects.map((s) => [s.name, []]));
subjects.forEach((s, i) => {
  turns[s.name].push(...turnLists[i]);
  agentTurns[s.name].push(turnLists[i]);
});
stopDisk();
await Promise.all([upstream.stop(), ...subjects.filter((s) => s.agent).map((s) => s.agent.stop())]);

async function measure({ name, url, headers, agent }, round) {
  if (values.load === "latency") {
    // A fresh client pool each turn: its first second opens the connections and is not counted.
    await openLoop({ url, headers, body, rate: 500, duration: round === 0 ? 2 : 1 });
    const result = await openLoop({
      url,
      headers,
      body,
      rate: 500,
      duration: TURN_SECONDS,
      keepLatencies: true,
    });
    if (result.failed > 0) throw new Error(`${name}: ${result.failed} of ${result.sent} requests failed`);
    return { latencies: result.latencies, p50: result.p50, p99: result.p99 };
  }
  const options = { ...loadOptions, url, headers };
  await load({ ...options, duration: 1 });
  const cpuBefore = cpuSeconds(agent.pid);
  const result = await load({ ...options, duration: TURN_SECONDS });
  const cpu = cpuSeconds(agent.pid) - cpuBefore;
  if (result.non2xx > 0) throw new Error(`${name}: ${result.non2xx} answers were not 2xx`);
  return { requests: result.requests.total, seconds: result.duration, cpu };
}

const fixed = (value, digits = 1) => Number(value.toFixed(digits));
const summary = {
  load: values.load,
  rounds,
  agentsPerBuild,
  turnSeconds: TURN_SECONDS,
  busyDisk: values["busy-disk"],
};
if (values.load === "latency") {
  for (const [name, list] of Object.entries(turns)) {
    const all = list.flatMap((t) => t.latencies).sort((a, b) => a - b);
    summary[name] = {
      p50: fixed(percentile(all, 50)),
      p90: fixed(percentile(all, 90)),
      p99: fixed(percentile(all, 99)),
      turnsP99: list.map((t) => fixed(t.p99)),
    };
  }
  for (const { name } of builds) {
    summary[name].addedP50 = fixed(summary[name].p50 - summary.direct.p50);
    summary[name].addedP99 = fixed(summary[name].p99 - summary.direct.p99);
  }
} else {
  const total = (list, field) => sum(list.map((t) => t[field]));
  const cpuMicros = (list) => fixed((total(list, "cpu") / total(list, "requests")) * 1e6);
  const tokensPerCpuSecond = (list) => Math.round((total(list, "requests") * TOKENS) / total(list, "cpu"));
  for (const [name, list] of Object.entries(turns)) {
    summary[name] = {
      rps: Math.round(total(list, "requests") / total(list, "seconds")),
      cpuMicrosPerRequest: cpuMicros(list),
      agentsCpuMicrosPerRequest: agentTurns[name].map(cpuMicros),
      turnsRps: list.map((t) => Math.round(t.requests / t.seconds)),
      ...(streaming
        ? {
            tokensPerCpuSecond: tokensPerCpuSecond(list),
            agentsTokensPerCpuSecond: agentTurns[name].map(tokensPerCpuSecond),
          }
        : {}),
    };
  }
  summary.afterOverBefore = fixed(summary.after.rps / summary.before.rps, 3);
  if (streaming) {
    summary.tokensPerCpuSecondAfterOverBefore = fixed(
      summary.after.tokensPerCpuSecond / summary.before.tokensPerCpuSecond,
      3,
    );
  }
}
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
process.exit(0);
