import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { endPool } from "@entrim/cluster-agent/dist/store/db.js";
import { type EmbeddedServer, startEmbeddedPostgres } from "@entrim/cluster-agent/dist/store/embedded.js";
import { makeTempDataDir } from "@entrim/cluster-agent/test-support/postgres.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import {
  type AIMessage,
  type AIMessageChunk,
  type BaseMessage,
  HumanMessage,
  ToolMessage,
} from "@langchain/core/messages";
import type { Runnable } from "@langchain/core/runnables";
import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";
import { embedMany, generateText, jsonSchema, streamText, tool } from "ai";
import { Ajv } from "ajv";
import OpenAI from "openai";
import pg from "pg";
import { type AgentProcess, cli, removeDir, startAgent, tempDir } from "./support.js";

/**
 * Tool calls are asked for greedily (temperature 0): the tiny model's weights are random, and sampled
 * string arguments may hold broken UTF-8 that reads longer than the schema's maxLength once decoded.
 *
 * The clients API customers actually use (the openai SDK, the Vercel AI SDK through its
 * OpenAI-compatible provider, LangChain's ChatOpenAI), against a real agent on both runtimes: the
 * embedded tiny model and an external engine that answers tool calls the way vLLM does. Each client
 * has an account of its own, so the usage the store billed can be compared with what the client was
 * told, request by request where the client exposes the request id and in total otherwise.
 */

const EMBEDDED = "tiny";
const ENGINE = "engine";
/** The same engine, as a pooling model: vLLM serves embeddings from a model of their own. */
const ENGINE_EMBED = "engine-embed";
const RUNTIMES = [EMBEDDED, ENGINE] as const;
const EMBEDDERS = [EMBEDDED, ENGINE_EMBED] as const;

let pgDir: string;
let server: EmbeddedServer;
let pool: pg.Pool;
let upstream: Upstream;
let dataDir: string;
let agent: AgentProcess;

const weather = {
  name: "get_weather",
  description: "The weather in a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string", maxLength: 12 }, unit: { type: "string", enum: ["c", "f"] } },
    required: ["city", "unit"],
    additionalProperties: false,
  },
} as const;
const validArguments = new Ajv().compile(weather.parameters);

function customer(name: string): { accountId: string; token: string } {
  const store = (...args: string[]) =>
    cli<{ id: string; token: string }>(dataDir, "--database-url", server.url, ...args);
  const account = store("accounts", "create", "--name", name, "--email", `${name}@example.com`);
  return { accountId: account.id, token: store("keys", "create", "--account", account.id).token };
}

interface Billed {
  request_id: string;
  endpoint: string;
  prompt_tokens: number;
  completion_tokens: number;
}

/** The account's usage rows, once `count` of them have been shipped to the store. */
async function billed(accountId: string, count: number): Promise<Billed[]> {
  let rows: Billed[] = [];
  await until(
    `${count} usage rows for ${accountId}`,
    async () => {
      ({ rows } = await pool.query<Billed>(
        `SELECT request_id, endpoint, prompt_tokens::int, completion_tokens::int FROM usage_events
         WHERE account_id = $1 AND status = 'completed'`,
        [accountId],
      ));
      return rows.length >= count;
    },
    { timeoutMs: 20_000 },
  );
  return rows;
}

function totals(rows: Billed[]) {
  return rows.reduce(
    (sum, r) => ({ input: sum.input + r.prompt_tokens, output: sum.output + r.completion_tokens }),
    { input: 0, output: 0 },
  );
}

before(async () => {
  pgDir = await makeTempDataDir();
  server = await startEmbeddedPostgres({ dir: join(pgDir, "postgres"), fast: true });
  pool = new pg.Pool({ connectionString: server.url, max: 2 });
  upstream = await startUpstream({ tokens: 6, tokenize: "vllm" });
  dataDir = tempDir("clients");
  const modelPath = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", modelPath);
  agent = await startAgent(dataDir, ["--database-url", server.url], {
    metering: { fsyncIntervalMs: 10, shipIntervalMs: 100 },
    models: [
      { id: EMBEDDED, runtime: "embedded", path: modelPath, parallel: 2, threads: 1, embeddings: true },
      { id: ENGINE, runtime: "external", url: upstream.url, contextLength: 4096 },
      { id: ENGINE_EMBED, runtime: "external", url: upstream.url, contextLength: 4096, embeddings: true },
    ],
  });
});

after(async () => {
  await agent?.stop();
  if (pool) await endPool(pool);
  await upstream?.close();
  await server?.stop();
  removeDir(dataDir);
  removeDir(pgDir);
});

describe("the openai SDK", () => {
  let client: OpenAI;
  let accountId: string;
  /** request id → usage the client was told. */
  const told = new Map<string, { prompt_tokens: number; completion_tokens: number }>();

  before(() => {
    const c = customer("openai-sdk");
    accountId = c.accountId;
    client = new OpenAI({ baseURL: agent.baseURL, apiKey: c.token, maxRetries: 0 });
  });

  async function chat(body: OpenAI.ChatCompletionCreateParamsNonStreaming) {
    const { data, request_id } = await client.chat.completions.create(body).withResponse();
    told.set(request_id!, data.usage!);
    return data;
  }

  /** A stream, read to its end: the text, tool calls assembled from their pieces, finish, usage. */
  async function chatStream(body: OpenAI.ChatCompletionCreateParamsStreaming) {
    const { data: stream, request_id } = await client.chat.completions
      .create({ ...body, stream_options: { include_usage: true } })
      .withResponse();
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    const calls: { id?: string; name?: string; arguments: string; ids: number; names: number }[] = [];
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      text += choice.delta.content ?? "";
      finish = choice.finish_reason ?? finish;
      for (const piece of choice.delta.tool_calls ?? []) {
        calls[piece.index] ??= { arguments: "", ids: 0, names: 0 };
        const call = calls[piece.index]!;
        if (piece.id) [call.id, call.ids] = [piece.id, call.ids + 1];
        if (piece.function?.name) [call.name, call.names] = [piece.function.name, call.names + 1];
        call.arguments += piece.function?.arguments ?? "";
      }
    }
    told.set(request_id!, usage!);
    return { text, finish, usage: usage!, calls };
  }

  for (const model of RUNTIMES) {
    test(`${model}: a tool call round trip, not streamed`, async () => {
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Lisbon?" }];
      const tools = [{ type: "function" as const, function: weather }];
      const first = await chat({
        model,
        messages,
        tools,
        tool_choice: "required",
        max_tokens: 120,
        temperature: 0,
      });
      const choice = first.choices[0]!;
      assert.equal(choice.finish_reason, "tool_calls");
      const call = choice.message.tool_calls![0]!;
      assert.ok(call.type === "function");
      assert.equal(call.function.name, "get_weather");
      assert.match(call.id, /\S/);
      assert.ok(validArguments(JSON.parse(call.function.arguments)), call.function.arguments);
      messages.push(choice.message, { role: "tool", tool_call_id: call.id, content: "18 C and sunny" });
      const answer = await chat({
        model,
        messages,
        tools,
        // The tiny random model would call again at random under "auto"; the engine chooses itself.
        tool_choice: model === EMBEDDED ? "none" : "auto",
        max_tokens: 8,
      });
      assert.notEqual(answer.choices[0]!.finish_reason, "tool_calls");
      assert.equal(typeof answer.choices[0]!.message.content, "string");
    });

    test(`${model}: a named tool call, streamed in OpenAI's pieces`, async () => {
      const { finish, calls, usage } = await chatStream({
        model,
        messages: [{ role: "user", content: "Weather in Porto?" }],
        tools: [{ type: "function", function: weather }],
        tool_choice: { type: "function", function: { name: "get_weather" } },
        parallel_tool_calls: false,
        max_tokens: 120,
        temperature: 0,
        stream: true,
      });
      assert.equal(finish, "tool_calls");
      assert.equal(calls.length, 1);
      const [call] = calls;
      assert.deepEqual([call!.ids, call!.names, call!.name], [1, 1, "get_weather"], "id and name come once");
      assert.ok(validArguments(JSON.parse(call!.arguments)), call!.arguments);
      assert.ok(usage.completion_tokens >= 1);
    });

    test(`${model}: penalties, logprobs and two choices`, async () => {
      const penalised = await chat({
        model,
        messages: [{ role: "user", content: "Say something." }],
        presence_penalty: 1.2,
        frequency_penalty: 0.5,
        max_tokens: 6,
        // vLLM's extensions, which the SDK passes on as they are.
        ...({ top_k: 20, min_p: 0.05, repetition_penalty: 1.1 } as object),
      });
      assert.ok(penalised.usage!.completion_tokens >= 1);
      const scored = await chat({
        model,
        messages: [{ role: "user", content: "Score this." }],
        logprobs: true,
        top_logprobs: 2,
        max_tokens: 4,
      });
      const content = scored.choices[0]!.logprobs!.content!;
      assert.ok(content.length >= 1);
      for (const entry of content) {
        assert.ok(entry.logprob <= 0 && entry.top_logprobs.length === 2, JSON.stringify(entry));
      }
      const streamed = await chatStream({
        model,
        messages: [{ role: "user", content: "Two ways." }],
        n: 2,
        max_tokens: 4,
        stream: true,
      });
      assert.ok(streamed.usage.completion_tokens >= 2);
      const two = await chat({
        model,
        messages: [{ role: "user", content: "Two ways." }],
        n: 2,
        max_tokens: 4,
      });
      assert.deepEqual(
        two.choices.map((c) => c.index),
        [0, 1],
      );
    });
  }

  for (const model of RUNTIMES) {
    test(`${model}: structured output validates against its schema`, async () => {
      const answer = await chat({
        model,
        messages: [{ role: "user", content: "Weather as JSON." }],
        response_format: {
          type: "json_schema",
          json_schema: { name: "weather", schema: weather.parameters },
        },
        max_tokens: 200,
        temperature: 0,
      });
      const choice = answer.choices[0]!;
      assert.equal(choice.finish_reason, "stop");
      assert.ok(validArguments(JSON.parse(choice.message.content!)), choice.message.content!);
    });

    test(`${model}: a Responses call, streamed and not`, async () => {
      const { data, request_id } = await client.responses
        .create({ model, input: "Say hello.", instructions: "Be brief.", max_output_tokens: 6 })
        .withResponse();
      assert.equal(data.object, "response");
      assert.equal(typeof data.output_text, "string");
      told.set(request_id!, {
        prompt_tokens: data.usage!.input_tokens,
        completion_tokens: data.usage!.output_tokens,
      });
      const { data: stream, request_id: streamId } = await client.responses
        .create({
          model,
          input: [{ role: "user", content: "Say hello." }],
          max_output_tokens: 6,
          stream: true,
        })
        .withResponse();
      let text = "";
      let completed: OpenAI.Responses.Response | undefined;
      for await (const event of stream) {
        if (event.type === "response.output_text.delta") text += event.delta;
        if (event.type === "response.completed" || event.type === "response.incomplete")
          completed = event.response;
      }
      assert.ok(completed, "the stream ends with the whole response");
      assert.equal(completed.output_text ?? text, text);
      told.set(streamId!, {
        prompt_tokens: completed.usage!.input_tokens,
        completion_tokens: completed.usage!.output_tokens,
      });
    });
  }

  for (const model of EMBEDDERS) {
    test(`${model}: embeddings, float and base64`, async () => {
      const input = ["the sea in Lisbon", "a tram on a hill"];
      const { data, request_id } = await client.embeddings
        .create({ model, input, encoding_format: "float" })
        .withResponse();
      assert.equal(data.data.length, 2);
      assert.ok(data.data.every((e) => e.embedding.length > 0 && e.embedding.every(Number.isFinite)));
      told.set(request_id!, { prompt_tokens: data.usage.prompt_tokens, completion_tokens: 0 });
      // The SDK asks for base64 by default and decodes it: the same vectors.
      const { data: decoded, request_id: decodedId } = await client.embeddings
        .create({ model, input })
        .withResponse();
      const close = (a: number[], b: number[]) => a.every((x, i) => Math.abs(x - b[i]!) < 1e-6);
      assert.ok(close(decoded.data[0]!.embedding, data.data[0]!.embedding));
      told.set(decodedId!, { prompt_tokens: decoded.usage.prompt_tokens, completion_tokens: 0 });
    });
  }

  test("completions: logprobs in the legacy shape", async () => {
    for (const model of RUNTIMES) {
      const { data, request_id } = await client.completions
        .create({ model, prompt: "Once upon", max_tokens: 3, logprobs: 2 })
        .withResponse();
      told.set(request_id!, data.usage!);
      const logprobs = data.choices[0]!.logprobs!;
      assert.equal(logprobs.tokens!.length, logprobs.token_logprobs!.length);
      assert.ok(logprobs.top_logprobs!.every((top) => Object.keys(top).length <= 2));
    }
  });

  test("every request was billed exactly what the client was told", async () => {
    const rows = await billed(accountId, told.size);
    assert.equal(rows.length, told.size);
    for (const row of rows) {
      const usage = told.get(row.request_id);
      assert.ok(usage, `the client saw ${row.request_id}`);
      assert.deepEqual(
        [row.prompt_tokens, row.completion_tokens],
        [usage.prompt_tokens, usage.completion_tokens],
      );
    }
  });
});

describe("the AI SDK (@ai-sdk/openai-compatible)", () => {
  let accountId: string;
  let provider: ReturnType<typeof createOpenAICompatible>;
  const told = { input: 0, output: 0, requests: 0 };

  before(() => {
    const c = customer("ai-sdk");
    accountId = c.accountId;
    provider = createOpenAICompatible({
      name: "entrim",
      baseURL: agent.baseURL,
      apiKey: c.token,
      includeUsage: true,
      supportsStructuredOutputs: true,
    });
  });

  const tools = {
    get_weather: tool({
      description: weather.description,
      inputSchema: jsonSchema<{ city: string; unit: "c" | "f" }>(weather.parameters),
      execute: async ({ city }) => `18 C and sunny in ${city}`,
    }),
  };

  for (const model of RUNTIMES) {
    for (const streamed of [false, true]) {
      test(`${model}: the model calls the tool, the SDK runs it, the model answers (${streamed ? "streamed" : "not streamed"})`, async () => {
        const settings = {
          model: provider.chatModel(model),
          prompt: "What is the weather in Lisbon?",
          tools,
          maxOutputTokens: 120,
          temperature: 0,
          maxRetries: 0,
          // Call first, then answer: two steps, the second with the tool's result in the history.
          prepareStep: ({ stepNumber }: { stepNumber: number }) => ({
            toolChoice: stepNumber === 0 ? ("required" as const) : ("none" as const),
          }),
          stopWhen: ({ steps }: { steps: unknown[] }) => steps.length >= 2,
        };
        const result = streamed ? streamText(settings) : await generateText(settings);
        const steps = await result.steps;
        assert.equal(steps.length, 2);
        const [call] = steps[0]!.toolCalls;
        assert.equal(call?.toolName, "get_weather");
        assert.ok(validArguments(call!.input), JSON.stringify(call!.input));
        assert.equal(steps[0]!.toolResults.length, 1);
        assert.equal(steps[0]!.finishReason, "tool-calls");
        assert.notEqual(steps[1]!.finishReason, "tool-calls");
        const usage = await result.totalUsage;
        told.input += usage.inputTokens ?? Number.NaN;
        told.output += usage.outputTokens ?? Number.NaN;
        told.requests += 2;
      });
    }
  }

  test("embedMany on both runtimes", async () => {
    for (const model of EMBEDDERS) {
      const { embeddings, usage } = await embedMany({
        model: provider.embeddingModel(model),
        values: ["the sea", "a hill"],
        maxRetries: 0,
      });
      assert.equal(embeddings.length, 2);
      told.input += usage.tokens;
      told.requests += 1;
    }
  });

  test("usage billed equals the SDK's total usage", async () => {
    const rows = await billed(accountId, told.requests);
    assert.equal(rows.length, told.requests);
    assert.deepEqual(totals(rows), { input: told.input, output: told.output });
  });
});

describe("LangChain (ChatOpenAI)", () => {
  let accountId: string;
  let token: string;
  const told = { input: 0, output: 0, requests: 0 };
  /** Embedding requests: LangChain does not report their usage, so they are counted, not summed. */
  let embedded = 0;

  before(() => {
    ({ accountId, token } = customer("langchain"));
  });

  const chatModel = (model: string) =>
    new ChatOpenAI({
      model,
      apiKey: token,
      configuration: { baseURL: agent.baseURL },
      maxRetries: 0,
      maxTokens: 120,
      temperature: 0,
      streamUsage: true,
    });

  /**
   * `.stream()` joined chunk by chunk, as streaming apps read it. (The constructor's `streaming: true`
   * would have LangChain estimate tokens with tiktoken, which it downloads: no network here.)
   */
  async function invoke(
    runnable: Runnable<BaseMessage[], AIMessageChunk>,
    history: BaseMessage[],
    streamed: boolean,
  ) {
    if (!streamed) return runnable.invoke(history);
    let joined: AIMessageChunk | undefined;
    for await (const chunk of await runnable.stream(history)) joined = joined ? joined.concat(chunk) : chunk;
    return joined!;
  }

  const count = (message: AIMessage | AIMessageChunk) => {
    told.input += message.usage_metadata?.input_tokens ?? Number.NaN;
    told.output += message.usage_metadata?.output_tokens ?? Number.NaN;
    told.requests++;
  };

  for (const model of RUNTIMES) {
    for (const streaming of [false, true]) {
      test(`${model}: bindTools, a tool result, an answer (${streaming ? "streamed" : "not streamed"})`, async () => {
        const llm = chatModel(model);
        const history: BaseMessage[] = [new HumanMessage("What is the weather in Lisbon?")];
        const calling = await invoke(
          llm.bindTools([{ type: "function", function: weather }], { tool_choice: "required" }),
          history,
          streaming,
        );
        count(calling);
        assert.equal(calling.tool_calls?.length, 1);
        const call = calling.tool_calls![0]!;
        assert.equal(call.name, "get_weather");
        assert.ok(validArguments(call.args), JSON.stringify(call.args));
        history.push(calling, new ToolMessage({ tool_call_id: call.id!, content: "18 C and sunny" }));
        const answer = await invoke(
          llm.bindTools([{ type: "function", function: weather }], { tool_choice: "none" }),
          history,
          streaming,
        );
        count(answer);
        assert.equal(answer.tool_calls?.length ?? 0, 0);
        assert.equal(typeof answer.content, "string");
      });
    }
  }

  test("OpenAIEmbeddings on both runtimes", async () => {
    for (const model of EMBEDDERS) {
      const embeddings = new OpenAIEmbeddings({
        model,
        apiKey: token,
        configuration: { baseURL: agent.baseURL },
      });
      const [one, two] = await embeddings.embedDocuments(["the sea", "a hill"]);
      assert.ok(one!.length > 0 && one!.length === two!.length);
      const query = await embeddings.embedQuery("the sea");
      assert.equal(query.length, one!.length);
      embedded += 2;
    }
  });

  test("usage billed equals the usage LangChain reported", async () => {
    const rows = await billed(accountId, told.requests + embedded);
    assert.equal(rows.length, told.requests + embedded);
    const generations = rows.filter((r) => r.endpoint === "chat.completions");
    assert.deepEqual(totals(generations), { input: told.input, output: told.output });
  });
});
