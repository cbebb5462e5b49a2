// The embedded runtime against node-llama-cpp alone on the same GGUF (the project's tiny model, as
// `npm start` serves it): one stream at a time, generating a fixed number of tokens per request.
// node-llama-cpp alone runs in this process with nothing else to do (the baseline); the agent runs as
// `npm start` runs it, its own process with its embedded PostgreSQL, metering and every admission
// feature on, and is measured through its API. Thread counts are compared for both, because llama.cpp's
// threads spin at their barriers and lose most of their speed when anything else wants the same core.
import { mkdtempSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { cpuSeconds, root, startAgentServing } from "./lib.mjs";

const TOKENS = Number(process.env.BENCH_EMBEDDED_TOKENS ?? 256);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const dist = (p) => join(root, "cluster-agent", "dist", p);

/** Tokens per second of node-llama-cpp alone: one sequence, greedy, `TOKENS` per round, for DURATION s. */
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
  await round();
  let tokens = 0;
  const started = performance.now();
  while (performance.now() - started < DURATION * 1000) tokens += await round();
  const seconds = (performance.now() - started) / 1000;
  const usedThreads = context.currentThreads;
  await context.dispose();
  await model.dispose();
  return { tokensPerSecond: tokens / seconds, threads: usedThreads, gpu: llama.gpu || "none" };
}

/** Tokens per second through the agent's API: one request at a time, `TOKENS` completion tokens each. */
async function throughAgent(agent) {
  const { data } = await (
    await fetch(`${agent.url}/v1/models`, {
      headers: { authorization: `Bearer ${agent.token}` },
    })
  ).json();
  const model = data[0].id;
  const ask = async () => {
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
  await ask();
  let tokens = 0;
  const cpuBefore = cpuSeconds(agent.pid);
  const started = performance.now();
  while (performance.now() - started < DURATION * 1000) tokens += await ask();
  const seconds = (performance.now() - started) / 1000;
  return { tokensPerSecond: tokens / seconds, cores: (cpuSeconds(agent.pid) - cpuBefore) / seconds, model };
}

export async function runEmbeddedBenchmark() {
  const { writeTinyModel } = await import(dist("runtime/tiny-model.js"));
  const modelPath = join(mkdtempSync(join(tmpdir(), "entrim-bench-gguf-")), "tiny.gguf");
  await writeTinyModel({ out: modelPath, seed: 1 });
  const cores = availableParallelism();

  const alone = {};
  for (const threads of [1, cores]) alone[threads] = await nodeLlamaCpp(modelPath, threads);
  const aloneDefault = await nodeLlamaCpp(modelPath, undefined);

  // `npm start`: no model configured, so the agent serves the tiny model with its defaults.
  const defaults = await startAgentServing([]);
  const agentDefaults = await throughAgent(defaults);
  await defaults.stop();
  // The same GGUF configured as an operator would, at each thread count.
  const agentThreads = {};
  for (const threads of [1, cores]) {
    const agent = await startAgentServing(["--model", `tiny=${modelPath}`, "--threads", String(threads)]);
    agentThreads[threads] = await throughAgent(agent);
    await agent.stop();
  }
  const configuredDefault = await startAgentServing(["--model", `tiny=${modelPath}`]);
  const agentConfiguredDefault = await throughAgent(configuredDefault);
  await configuredDefault.stop();

  const baseline = Math.max(
    ...Object.values(alone).map((r) => r.tokensPerSecond),
    aloneDefault.tokensPerSecond,
  );
  return {
    tokensPerRequest: TOKENS,
    cores,
    gpu: aloneDefault.gpu,
    alone,
    aloneDefault,
    agentDefaults,
    agentThreads,
    agentConfiguredDefault,
    baselineTokensPerSecond: baseline,
    ratioDefaults: agentDefaults.tokensPerSecond / baseline,
    ratioConfiguredDefault: agentConfiguredDefault.tokensPerSecond / baseline,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await runEmbeddedBenchmark(), null, 2)}\n`);
  process.exit(0);
}
