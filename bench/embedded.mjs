// The embedded runtime against node-llama-cpp alone on the same GGUF (the project's tiny model, as
// `npm start` serves it): one stream at a time, generating a fixed number of tokens per request.
// node-llama-cpp alone runs in this process with nothing else to do (the baseline); the agent runs as
// `npm start` runs it, its own process with its embedded PostgreSQL, metering and every admission
// feature on, and is measured through its API. Thread counts are compared for both, because llama.cpp's
// threads spin at their barriers and lose most of their speed when anything else wants the same core.
// The ratio row then measures the two in interleaved turns (bench/lib.mjs), as the gateway does: this
// machine's speed drifts by a third from one minute to the next, more than the difference measured.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cpuSeconds, interleaved, ROUNDS, root, startAgentServing, sum } from "./lib.mjs";

const TOKENS = Number(process.env.BENCH_EMBEDDED_TOKENS ?? 256);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
/**
 * The ratio's turns: twice as many rounds as the gateway's, shorter, DURATION seconds in all per
 * subject. node-llama-cpp alone swings by a third between seconds on a shared machine, so more
 * alternations cancel more of it (12 rounds of 2 s gave ratios from 0.74 to 0.95 around a median of 0.88).
 */
const RATIO_ROUNDS = 2 * ROUNDS;
const TURN_SECONDS = Math.max(1.5, DURATION / RATIO_ROUNDS);
/** Unmeasured generation before the ratio's turns, so neither subject is measured while it warms up. */
const WARM_SECONDS = 2;
const dist = (p) => join(root, "cluster-agent", "dist", p);

/**
 * Generates `round()` for `seconds` after one warm-up round: tokens and seconds measured. `onStart`
 * runs between the two, to take readings (CPU) that must not include the warm-up.
 */
async function turn(round, seconds, onStart = () => {}) {
  await round();
  onStart();
  let tokens = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) tokens += await round();
  return { tokens, seconds: (performance.now() - started) / 1000 };
}

/** node-llama-cpp alone in this process: one sequence, greedy, `TOKENS` per round. `close()` frees it. */
async function nodeLlamaCpp(modelPath, threads) {
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: "auto", build: "never", logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath, gpuLayers: "auto" });
  const context = await model.createContext({
    contextSize: 2048,
    sequences: 1,
    ...(threads === undefined ? {} : { threads }),
  });
  const prompt = model.tokenize("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n", true);
  const sequence = context.getSequence();
  const round = async () => {
    let n = 0;
    for await (const _ of sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) {
      if (++n === TOKENS) break;
    }
    await sequence.clearHistory();
    return n;
  };
  return {
    threads: context.currentThreads,
    gpu: llama.gpu || "none",
    measure: (seconds) => turn(round, seconds),
    close: async () => {
      await context.dispose();
      await model.dispose();
    },
  };
}

/** Tokens/s of node-llama-cpp alone at one thread count (undefined: its own default), one run. */
async function aloneOnce(modelPath, threads) {
  const alone = await nodeLlamaCpp(modelPath, threads);
  const { tokens, seconds } = await alone.measure(DURATION);
  await alone.close();
  return { tokensPerSecond: tokens / seconds, threads: alone.threads, gpu: alone.gpu };
}

/** The agent's API as a generator: one request at a time, `TOKENS` completion tokens each. */
async function throughAgent(agent) {
  const { data } = await (
    await fetch(`${agent.url}/v1/models`, {
      headers: { authorization: `Bearer ${agent.token}` },
    })
  ).json();
  const model = data[0].id;
  const round = async () => {
    const response = await fetch(`${agent.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${agent.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        model,
        messages: [{ role: "user", content: "Hello!" }],
        max_tokens: TOKENS,
        temperature: 0,
      }),
    });
    const body = await response.json();
    if (response.status !== 200)
      throw new Error(`agent answered ${response.status}: ${JSON.stringify(body)}`);
    return body.usage.completion_tokens;
  };
  return {
    model,
    measure: async (seconds) => {
      let cpuBefore = 0;
      const result = await turn(round, seconds, () => {
        cpuBefore = cpuSeconds(agent.pid);
      });
      return { ...result, cpu: cpuSeconds(agent.pid) - cpuBefore };
    },
  };
}

/** Tokens/s through a fresh agent started with `serveArgs`, one run. */
async function agentOnce(serveArgs) {
  const agent = await startAgentServing(serveArgs);
  try {
    const api = await throughAgent(agent);
    const { tokens, seconds, cpu } = await api.measure(DURATION);
    return { tokensPerSecond: tokens / seconds, cores: cpu / seconds, model: api.model };
  } finally {
    await agent.stop();
  }
}

export async function runEmbeddedBenchmark() {
  const { writeTinyModel } = await import(dist("runtime/tiny-model.js"));
  const modelPath = join(mkdtempSync(join(tmpdir(), "entrim-bench-gguf-")), "tiny.gguf");
  await writeTinyModel({ out: modelPath, seed: 1 });
  const cores = availableParallelism();

  // Thread counts, one run each: which one node-llama-cpp alone does best with, and what the agent's
  // thread settings do.
  const alone = {};
  for (const threads of [1, cores]) alone[threads] = await aloneOnce(modelPath, threads);
  const aloneDefault = await aloneOnce(modelPath, undefined);
  const agentThreads = {};
  for (const threads of [1, cores])
    agentThreads[threads] = await agentOnce(["--model", `tiny=${modelPath}`, "--threads", String(threads)]);
  const agentConfiguredDefault = await agentOnce(["--model", `tiny=${modelPath}`]);

  // The ratio: `npm start`'s agent (no model configured, so it serves the tiny model with its
  // defaults) against node-llama-cpp alone at its best thread count, in interleaved turns, each kept
  // loaded between its turns.
  const [bestThreads] = Object.entries(alone).reduce((a, b) =>
    b[1].tokensPerSecond > a[1].tokensPerSecond ? b : a,
  );
  const baseline = await nodeLlamaCpp(modelPath, Number(bestThreads));
  const defaults = await startAgentServing([]);
  const agent = await throughAgent(defaults);
  // Both run a while before the turns: an agent's first dozen requests after it starts generate at
  // 55–75 % of its later speed (its JavaScript being compiled; waiting before them does not help),
  // while node-llama-cpp alone is already warm from the thread-count runs in this process.
  for (const subject of [baseline, agent]) await subject.measure(WARM_SECONDS);
  const [aloneTurns, agentTurns] = await interleaved(
    [baseline, agent],
    (subject) => subject.measure(TURN_SECONDS),
    RATIO_ROUNDS,
  );
  await Promise.all([baseline.close(), defaults.stop()]);
  rmSync(dirname(modelPath), { recursive: true, force: true });
  const rate = (turns) => sum(turns.map((t) => t.tokens)) / sum(turns.map((t) => t.seconds));
  const [aloneRate, agentRate] = [rate(aloneTurns), rate(agentTurns)];
  const agentSeconds = sum(agentTurns.map((t) => t.seconds));
  return {
    tokensPerRequest: TOKENS,
    cores,
    gpu: aloneDefault.gpu,
    alone,
    aloneDefault,
    agentThreads,
    agentConfiguredDefault,
    rounds: RATIO_ROUNDS,
    turnSeconds: TURN_SECONDS,
    warmSeconds: WARM_SECONDS,
    baselineThreads: baseline.threads,
    baselineTokensPerSecond: aloneRate,
    agentDefaults: {
      tokensPerSecond: agentRate,
      cores: sum(agentTurns.map((t) => t.cpu)) / agentSeconds,
      model: agent.model,
    },
    ratioDefaults: agentRate / aloneRate,
    // Each round's own ratio, to show the spread the pooled one hides.
    roundRatios: agentTurns.map((t, i) => rate([t]) / rate([aloneTurns[i]])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await runEmbeddedBenchmark(), null, 2)}\n`);
  process.exit(0);
}
