import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { costPicoEur, type Price } from "@entrim/cluster-agent/dist/domain/pricing.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import OpenAI from "openai";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * Prompt caching as a customer sees it through the official SDK: an account's second request with the
 * same long prefix reports cached tokens (and so costs less); another account's identical request
 * reports none, because cached state is never shared across accounts.
 */

let dataDir: string;
let agent: AgentProcess;
let alice: OpenAI;
let bob: OpenAI;
let carol: { client: OpenAI; accountId: string };
const MODEL = "tiny";

before(async () => {
  dataDir = tempDir("prompt-cache");
  const modelPath = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", modelPath);
  agent = await startAgent(dataDir, [
    "--model",
    `${MODEL}=${modelPath}`,
    "--parallel",
    "2",
    "--threads",
    "1",
  ]);
  alice = new OpenAI({
    baseURL: agent.baseURL,
    apiKey: createAccountWithKey(dataDir, "Alice").token,
    maxRetries: 0,
  });
  const c = createAccountWithKey(dataDir, "Carol");
  carol = {
    client: new OpenAI({ baseURL: agent.baseURL, apiKey: c.token, maxRetries: 0 }),
    accountId: c.accountId,
  };
  bob = new OpenAI({
    baseURL: agent.baseURL,
    apiKey: createAccountWithKey(dataDir, "Bob").token,
    maxRetries: 0,
  });
});

after(async () => {
  await agent?.stop();
  removeDir(dataDir);
});

const SYSTEM = "You are the support desk of a small cluster. Answer briefly and precisely. ".repeat(10);
const ask = (client: OpenAI, question: string) =>
  client.chat.completions.create({
    model: MODEL,
    messages: [
      { role: "system", content: SYSTEM },
      { role: "user", content: question },
    ],
    max_tokens: 8,
    temperature: 0,
  });

const usageOf = (response: OpenAI.Chat.Completions.ChatCompletion) => {
  const usage = response.usage!;
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? -1,
  };
};

test("the same account's second request is served from its cached prefix; another account's is not", async () => {
  const first = usageOf(await ask(alice, "Is the cluster up?"));
  assert.equal(first.cachedTokens, 0);
  const second = usageOf(await ask(alice, "Is the cluster down?"));
  assert.ok(second.cachedTokens > 100, `the long system prompt is reused (${second.cachedTokens})`);
  assert.ok(second.cachedTokens < second.promptTokens);

  const other = usageOf(await ask(bob, "Is the cluster down?"));
  assert.equal(other.cachedTokens, 0, "nothing crosses accounts");
  assert.equal(other.promptTokens, second.promptTokens);

  // Any price with cached tokens cheaper than fresh ones bills the cached request for less.
  const price: Price = {
    version: 1,
    model: MODEL,
    inputMicroEurPerM: 1_000_000n,
    cachedMicroEurPerM: 100_000n,
    outputMicroEurPerM: 2_000_000n,
    effectiveFrom: 0,
  };
  const sameOutput = { ...second, completionTokens: first.completionTokens };
  assert.ok(costPicoEur(sameOutput, price) < costPicoEur({ ...sameOutput, cachedTokens: 0 }, price));
  assert.ok(costPicoEur(second, price) < costPicoEur(other, price));
});

test("streamed responses report cached tokens in the final usage chunk", async () => {
  const stream = await alice.chat.completions.create({
    model: MODEL,
    messages: [
      { role: "system", content: SYSTEM },
      { role: "user", content: "Stream it, please." },
    ],
    max_tokens: 8,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  });
  let cached = -1;
  for await (const chunk of stream)
    if (chunk.usage) cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? -1;
  assert.ok(cached > 100, `cached ${cached}`);
});

/** Asks until the answer is not a 403: the agent applies (un)suspensions by NOTIFY, within moments. */
async function untilStatus(client: OpenAI, question: string, wanted: "refused" | "served") {
  const answer = await until(
    `the account is ${wanted}`,
    async () => {
      try {
        const response = await ask(client, question);
        return wanted === "served" && { response };
      } catch (error) {
        if (!(error instanceof OpenAI.PermissionDeniedError)) throw error;
        return wanted === "refused" && { response: undefined };
      }
    },
    { timeoutMs: 30_000, intervalMs: 0 },
  );
  return answer.response;
}

test("a suspension drops the account's cached prompts: after it is lifted nothing is reused", async () => {
  await ask(carol.client, "Remember this prefix.");
  assert.ok(usageOf(await ask(carol.client, "Remember this prefix too.")).cachedTokens > 0);

  cli(dataDir, "suspend", "--account", carol.accountId, "--reason", "non_payment");
  await untilStatus(carol.client, "Suspended?", "refused");
  cli(dataDir, "unsuspend", "--account", carol.accountId, "--note", "paid");
  const back = await untilStatus(carol.client, "Remember this prefix.", "served");
  assert.equal(usageOf(back!).cachedTokens, 0, "the cached state went with the suspension");
});
