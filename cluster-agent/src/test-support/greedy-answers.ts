import { EmbeddedRuntime } from "../runtime/embedded.js";

/**
 * What a model version answers to each prompt with greedy decoding (deterministic across runs and
 * processes), computed once by the real runtime, so a test under load can tell which version answered.
 */
export async function greedyAnswers(
  path: string,
  options: { modelId: string; prompts: readonly string[]; maxTokens: number },
): Promise<Map<string, string>> {
  const runtime = new EmbeddedRuntime({
    modelPath: path,
    modelId: options.modelId,
    parallel: 1,
    threads: 1,
    gpuLayers: 0,
  });
  await runtime.load();
  const out = new Map<string, string>();
  try {
    for (const prompt of options.prompts) {
      const result = await runtime.generate({
        kind: "chat",
        messages: [{ role: "user", content: prompt }],
        maxTokens: options.maxTokens,
        temperature: 0,
        signal: new AbortController().signal,
      });
      out.set(prompt, result.text);
    }
  } finally {
    await runtime.unload();
  }
  return out;
}
