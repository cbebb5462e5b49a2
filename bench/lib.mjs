// Shared pieces of the benchmarks: child processes that announce their URL, CPU accounting from
// /proc, and autocannon runs.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, release, tmpdir, totalmem, type } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { AGENT_NODE_FLAGS } from "../cluster-agent/dist/common/node-flags.js";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const BIN = join(root, "cluster-agent", "bin", "entrim-agent.js");
const children = new Set();

// A benchmark that ends with children still running (it failed, or it exits without stopping them)
// asks them to stop rather than killing them: an agent killed outright leaves its embedded PostgreSQL
// running, while one asked to stop shuts it down.
process.on("exit", () => {
  for (const child of children) child.kill("SIGTERM");
});

/**
 * Starts a process and resolves with the URL from its first line matching `pattern` (group 1).
 * `options.cpus` (a taskset list such as "0" or "1-3") pins it and every process it starts.
 */
export function spawnService(args, pattern, options = {}) {
  const [command, argv] = options.cpus
    ? ["taskset", ["-c", options.cpus, process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(command, argv, {
    stdio: ["ignore", "pipe", options.stderr ?? "ignore"],
    env: options.env ?? process.env,
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const match = pattern.exec(line);
      if (match) resolve({ url: match[1], pid: child.pid, child, stop: () => stopChild(child) });
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code} before it was ready`)));
  });
}

function stopChild(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => {
      children.delete(child);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export function startUpstream(options = {}, { cpus } = {}) {
  const args = [join(root, "cluster-agent", "dist", "test-support", "upstream-main.js"), "--port", "0"];
  for (const [flag, value] of Object.entries(options)) args.push(`--${flag}`, String(value));
  return spawnService(args, /listening (\S+)/, { cpus });
}

/**
 * Where a benchmark whose subject must be the only thing saturated puts its processes: the agent
 * (with its PostgreSQL) alone on core 0, the load generator (this process) and the upstream on the
 * others. Without it, on a small machine the generator runs out of CPU before the agent does and the
 * latencies measure the generator's own queue. Null on one core or without taskset (util-linux).
 * Call `restore()` when done, or every benchmark after it runs on the generator's cores.
 */
export function cpuSplit() {
  const cores = cpus().length;
  if (cores < 2 || spawnSync("taskset", ["-V"]).status !== 0) return null;
  const rest = cores === 2 ? "1" : `1-${cores - 1}`;
  const pin = (list) => spawnSync("taskset", ["-a", "-p", "-c", list, String(process.pid)]).status === 0;
  if (!pin(rest)) return null;
  return {
    agent: "0",
    rest,
    /** Every core for this process again: processes it starts later inherit its placement. */
    restore: () => void pin(`0-${cores - 1}`),
    describe: `agent on core 0; load generator and upstream on ${rest === "1" ? "core 1" : `cores ${rest}`}`,
  };
}

export function startBareProxy(upstreamOrigin) {
  return spawnService([join(root, "bench", "bare-proxy.mjs"), upstreamOrigin, "0"], /listening (\S+)/);
}

/**
 * The JSON-reading Fastify proxy (bench/json-proxy.mjs), the reference between the bare proxy and the
 * agent. `nodeArgs` go to its Node.js (e.g. --cpu-prof).
 */
export function startJsonProxy(upstreamOrigin, { nodeArgs = [] } = {}) {
  return spawnService(
    [...nodeArgs, join(root, "bench", "json-proxy.mjs"), upstreamOrigin, "0"],
    /listening (\S+)/,
  );
}

/**
 * The hand-written floor of the features' essential work (bench/feature-floor.mjs), a reference for the
 * capacity target: `url` is where it listens, `token` the bearer it accepts.
 */
export async function startFeatureFloor(upstreamOrigin) {
  const floor = await spawnService(
    [join(root, "bench", "feature-floor.mjs"), upstreamOrigin, "0"],
    /listening (\S+ \S+)/,
  );
  const [url, token] = floor.url.split(" ");
  return { ...floor, url, token };
}

/** A port nothing listens on now (for programs that take a port but cannot report the one they got). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The Portkey AI gateway (`@portkey-ai/gateway` from npm, its own Node server) as a second baseline:
 * requests name the provider `openai` and a custom host, so it forwards them to our upstream. Its
 * browser UI and log stream are off (`--headless`, production).
 */
export async function startPortkey() {
  const port = await freePort();
  const gateway = await spawnService(
    [
      join(root, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js"),
      `--port=${port}`,
      "--headless",
    ],
    /(Ready for connections)/,
    { env: { ...process.env, NODE_ENV: "production" } },
  );
  return { ...gateway, url: `http://127.0.0.1:${port}` };
}

/** The headers that route a request through Portkey to `upstreamBase` (an OpenAI-compatible /v1). */
export function portkeyHeaders(upstreamBase) {
  return {
    "content-type": "application/json",
    authorization: "Bearer unused",
    "x-portkey-provider": "openai",
    "x-portkey-custom-host": upstreamBase,
  };
}

/** A real agent on its own data dir, fronting `upstreamBase` through the external adapter, with a key. */
export function startAgent(upstreamBase, model = "bench", { cpus } = {}) {
  return startAgentServing(["--model", `${model}=${upstreamBase}`], { cpus });
}

/**
 * A real agent on its own data dir (`serve` with `serveArgs`, every listener on a free port), an
 * account and a key: `url` is its API, `ready` its readiness line, `cli` runs its CLI on that data dir.
 * `cpus` pins it (spawnService); `nodeArgs` go to its Node.js (e.g. --cpu-prof), after the flags the
 * systemd unit runs it with (AGENT_NODE_FLAGS), so the benchmarks measure the agent as deployed. `bin`
 * runs another build of the agent (bench/compare-builds.mjs), with that build's own flags, so that a
 * change of flags can be compared like a change of code.
 */
export async function startAgentServing(serveArgs, { cpus, nodeArgs = [], bin = BIN } = {}) {
  const flags = bin === BIN ? AGENT_NODE_FLAGS : await nodeFlagsOf(bin);
  const dataDir = mkdtempSync(join(tmpdir(), "entrim-bench-"));
  const cli = (...args) => {
    const result = spawnSync(process.execPath, [bin, "--json", "--data-dir", dataDir, ...args], {
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout);
  };
  const agent = await spawnService(
    [
      ...flags,
      ...nodeArgs,
      bin,
      "--data-dir",
      dataDir,
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--metrics-listen",
      "127.0.0.1:0",
      "--artifacts-listen",
      "127.0.0.1:0",
      ...serveArgs,
    ],
    /^(\{"event":"ready".*)$/,
    // The access log is on, as in production; it goes to a file-like sink, not a terminal.
    { stderr: "ignore", cpus },
  );
  const ready = JSON.parse(agent.url);
  const account = cli("accounts", "create", "--name", "Bench", "--email", "bench@example.com");
  const key = cli("keys", "create", "--account", account.id);
  // Limits far above what the benchmark sends: every request still goes through the reservation path.
  cli(
    "limits",
    "set",
    "--account",
    account.id,
    "--rpm",
    "100000000",
    "--tpm",
    "100000000000",
    "--concurrency",
    "100000",
  );
  return { ...removedOnStop(agent, dataDir), url: ready.api, ready, token: key.token, dataDir, cli };
}

/**
 * `service` whose stop() also removes `dir` once the process has exited: an agent's data dir holds its
 * embedded PostgreSQL, about 100 MB, and a full run starts dozens of agents.
 */
export function removedOnStop(service, dir) {
  return {
    ...service,
    stop: async () => {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Node.js flags of the build whose `bin/entrim-agent.js` is `bin`. */
async function nodeFlagsOf(bin) {
  const module = pathToFileURL(join(dirname(bin), "..", "dist", "common", "node-flags.js")).href;
  return (await import(module)).AGENT_NODE_FLAGS;
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, all its threads. */
export function cpuSeconds(pid) {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds of a process's main thread alone: for Node.js, the event loop's. */
export function mainThreadCpuSeconds(pid) {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuSeconds(path) {
  const stat = readFileSync(path, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export function load(options) {
  return new Promise((resolve, reject) => {
    autocannon({ ...options, setupClient: undefined }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    node: process.version,
  };
}

/**
 * How many interleaved turns each subject of a comparison gets (BENCH_ROUNDS, default 3). On a shared
 * machine the speed of everything drifts within a run (the bare proxy's capacity has varied 2× between
 * runs of one day, node-llama-cpp's tokens/s 30 % from one minute to the next), so measuring each
 * subject once, one after the other, put that drift into the ratios; turns in rotating order, pooled,
 * let it fall on every subject alike.
 */
export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

/**
 * Seconds of the measured load each subject of a closed-loop comparison gets once, unmeasured, before
 * the first round: a fresh agent's first turn ran at about 60 % of its later ones (its code not yet
 * optimised, its heap not yet grown), a bias against it in every pooled figure.
 */
export const WARM_SECONDS = 3;

/** Loads each subject (`url`, `headers`) with `options` for WARM_SECONDS, one after the other, unmeasured. */
export async function warmUp(subjects, options) {
  for (const { url, headers } of subjects) {
    await load({ url, method: "POST", headers, ...options, duration: WARM_SECONDS });
  }
}

/** Calls `measure(subject, round)` for each subject in each of `rounds` rounds, starting one later each round. */
export async function interleaved(subjects, measure, rounds = ROUNDS) {
  const turns = subjects.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < subjects.length; k++) {
      const i = (round + k) % subjects.length;
      turns[i].push(await measure(subjects[i], round));
    }
  }
  return turns;
}

/** The sum of `values`. */
export const sum = (values) => values.reduce((a, b) => a + b, 0);

/** The `p`th percentile (0-100) of ascending `sorted` values: the value below which p % of them lie. */
export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Open-loop load at a fixed rate: each request is sent at its scheduled time whether or not earlier
 * ones have finished, and its latency counts from that time, so a stall shows up in the percentiles
 * instead of silently lowering the offered load (coordinated omission). autocannon's rate-limited mode
 * measures from the actual send, which hides exactly that.
 *
 * Beyond the overall percentiles it reports answers by status, the admitted (2xx) and refused (429,
 * 503) answers' latencies apart, how many refusals carried Retry-After, and client-side errors
 * (`timeoutMs`: no answer by then counts as a timeout).
 */
export async function openLoop({
  url,
  headers,
  body,
  rate,
  duration,
  timeoutMs = 300_000,
  connections = 512,
  keepLatencies = false,
}) {
  const { Pool, errors } = await import("undici");
  const target = new URL(url);
  const pool = new Pool(target.origin, {
    connections,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const total = Math.round(rate * duration);
  const latencies = new Float64Array(total);
  const sendLags = new Float64Array(total);
  const admitted = [];
  const refused = [];
  const byStatus = {};
  const byCode = {};
  let failed = 0;
  let timeouts = 0;
  let clientErrors = 0;
  let refusedWithRetryAfter = 0;
  const started = performance.now();
  const sends = [];
  for (let i = 0; i < total; i++) {
    const at = started + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    // How late the generator itself sends: when this grows, the client is the bottleneck, not the server.
    sendLags[i] = Math.max(0, performance.now() - at);
    sends.push(
      pool
        .request({ path: target.pathname, method: "POST", headers, body })
        .then(async (response) => {
          const status = response.statusCode;
          const text = await response.body.text();
          if (status >= 300) {
            let code = "unparsed";
            try {
              code = JSON.parse(text).error?.code ?? "none";
            } catch {}
            byCode[code] = (byCode[code] ?? 0) + 1;
          }
          const latency = performance.now() - at;
          byStatus[status] = (byStatus[status] ?? 0) + 1;
          if (status !== 200) failed++;
          if (status >= 200 && status < 300) admitted.push(latency);
          else if (status === 429 || status === 503) {
            refused.push(latency);
            if (response.headers["retry-after"] !== undefined) refusedWithRetryAfter++;
          }
          latencies[i] = latency;
        })
        .catch((error) => {
          failed++;
          if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError)
            timeouts++;
          else clientErrors++;
          latencies[i] = performance.now() - at;
        }),
    );
  }
  // The schedule's span: requests handed to the client up to the last one. An agent that answers
  // slower than the offered rate leaves a backlog that drains after it, which `elapsed` includes.
  const sendSeconds = Math.max((performance.now() - started) / 1000, total / rate);
  await Promise.all(sends);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const pct = (p) => percentile(sorted, p);
  const percentiles = (values) => {
    if (values.length === 0) return { count: 0, p50: null, p99: null, max: null };
    values.sort((a, b) => a - b);
    return {
      count: values.length,
      p50: percentile(values, 50),
      p99: percentile(values, 99),
      max: values.at(-1),
    };
  };
  return {
    sent: total,
    failed,
    achievedRps: total / elapsed,
    /** Requests per second handed to the client while sending (its own pace, not the server's). */
    sentRps: total / sendSeconds,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: sorted.at(-1),
    byStatus,
    byCode,
    admitted: { ...percentiles(admitted), rps: admitted.length / elapsed },
    refused: { ...percentiles(refused), withRetryAfter: refusedWithRetryAfter },
    timeouts,
    clientErrors,
    elapsedSeconds: elapsed,
    sendLagP99: Array.from(sendLags).sort((a, b) => a - b)[Math.floor(0.99 * (total - 1))] ?? 0,
    // Every request's latency, sorted, for pooling several runs' percentiles (large: not kept by default).
    ...(keepLatencies ? { latencies: sorted } : {}),
  };
}
