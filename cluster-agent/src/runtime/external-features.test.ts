import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { rejectsWith } from "../test-support/api-error.js";
import {
  countChatTokens,
  countWords,
  pieceText,
  startUpstream,
  type Upstream,
} from "../test-support/upstream.js";
import { ExternalRuntime } from "./external.js";
import type {
  ChatGenerationRequest,
  ChatMessage,
  CompletionGenerationRequest,
  DeltaDetail,
  ToolDefinition,
} from "./types.js";

const weather: ToolDefinition = {
  name: "get_weather",
  description: "Current weather in a city",
  parameters: {
    type: "object",
    properties: {
      city: { type: "string" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
      days: { type: "integer", minimum: 1 },
      detail: {
        type: "object",
        properties: { hourly: { type: "boolean" }, fields: { type: "array", items: { type: "string" } } },
        required: ["hourly", "fields"],
      },
      note: { type: "string" },
    },
    required: ["city", "unit", "days", "detail"],
  },
};
const time: ToolDefinition = { name: "get_time", parameters: {} };

const question: ChatMessage[] = [{ role: "user", content: "What is the weather in Paris?" }];

function chat(extra: Partial<ChatGenerationRequest> = {}): ChatGenerationRequest {
  return {
    kind: "chat",
    messages: question,
    maxTokens: 64,
    signal: new AbortController().signal,
    ...extra,
  };
}

function completion(extra: Partial<CompletionGenerationRequest> = {}): CompletionGenerationRequest {
  return {
    kind: "completion",
    prompt: "Once upon a time",
    maxTokens: 5,
    signal: new AbortController().signal,
    ...extra,
  };
}

interface Delta {
  text: string;
  choice: number;
  detail: DeltaDetail | undefined;
}

function collector(): { deltas: Delta[]; sink: (t: string, c?: number, d?: DeltaDetail) => void } {
  const deltas: Delta[] = [];
  return { deltas, sink: (text, choice, detail) => deltas.push({ text, choice: choice ?? 0, detail }) };
}

describe("ExternalRuntime tool calls, choices and logprobs against a vLLM-like upstream", () => {
  let u: Upstream;
  let rt: ExternalRuntime;
  before(async () => {
    u = await startUpstream({ tokens: 6, model: "m" });
    rt = new ExternalRuntime({
      modelId: "public",
      upstreamModel: "m",
      upstreamUrl: u.url,
      contextLength: 4096,
    });
    await rt.load();
  });
  after(async () => {
    await rt.unload();
    await u.close();
  });

  it("answers with a tool call whose arguments validate against the tool's schema", async () => {
    const result = await rt.generate(chat({ tools: [weather], toolChoice: "auto" }));
    assert.equal(result.finishReason, "tool_calls");
    assert.equal(result.text, "");
    assert.equal(result.toolCalls?.length, 1);
    const call = result.toolCalls![0]!;
    assert.equal(call.name, "get_weather");
    assert.match(call.id, /^chatcmpl-tool-/);
    assert.deepEqual(JSON.parse(call.arguments), {
      city: "x",
      unit: "celsius",
      days: 1,
      detail: { hourly: true, fields: ["x"] },
    });
    assert.equal(result.usage.completionTokens, 1 + countWords(call.arguments));
    // What went upstream is OpenAI's wire shape.
    const sent = u.lastGeneration!;
    assert.deepEqual(sent.tools, [
      {
        type: "function",
        function: { name: weather.name, description: weather.description, parameters: weather.parameters },
      },
    ]);
    assert.equal(sent.tool_choice, "auto");
  });

  it("streams tool calls in pieces: id and name once, arguments concatenating to the call's JSON", async () => {
    const plain = await rt.generate(chat({ tools: [weather, time] }));
    const { deltas, sink } = collector();
    const result = await rt.generate(chat({ tools: [weather, time] }), sink);
    assert.equal(result.finishReason, "tool_calls");
    assert.deepEqual(
      result.toolCalls?.map((c) => c.name),
      ["get_weather", "get_time"],
    );
    assert.deepEqual(result.usage, plain.usage);
    for (const [index, call] of result.toolCalls!.entries()) {
      const pieces = deltas.flatMap((d) => (d.detail?.toolCall?.index === index ? [d.detail.toolCall] : []));
      assert.ok(pieces.length > 1);
      assert.equal(pieces.filter((p) => p.id !== undefined).length, 1);
      assert.equal(pieces.filter((p) => p.name !== undefined).length, 1);
      assert.equal(pieces[0]!.id, call.id);
      assert.equal(pieces[0]!.name, call.name);
      const args = pieces.map((p) => p.arguments).join("");
      assert.equal(args, call.arguments);
      assert.doesNotThrow(() => JSON.parse(args));
    }
    assert.ok(deltas.every((d) => d.text === "" && d.choice === 0));
  });

  it("calls the named function only, and one function when parallel calls are off", async () => {
    const named = await rt.generate(chat({ tools: [weather, time], toolChoice: { name: "get_time" } }));
    assert.deepEqual(
      named.toolCalls?.map((c) => [c.name, c.arguments]),
      [["get_time", "{}"]],
    );
    assert.deepEqual(u.lastGeneration!.tool_choice, { type: "function", function: { name: "get_time" } });
    const single = await rt.generate(chat({ tools: [weather, time], parallelToolCalls: false }));
    assert.equal(single.toolCalls?.length, 1);
    assert.equal(u.lastGeneration!.parallel_tool_calls, false);
    const none = await rt.generate(chat({ tools: [weather], toolChoice: "none" }));
    assert.equal(none.finishReason, "stop");
    assert.equal(none.toolCalls, undefined);
    assert.equal(none.text, pieceText(6));
  });

  it("sends the call and its result back in OpenAI's shape and gets a text answer, billed as counted", async () => {
    const first = await rt.generate(chat({ tools: [weather] }));
    const call = first.toolCalls![0]!;
    const followUp = chat({
      tools: [weather],
      messages: [
        ...question,
        { role: "assistant", content: "", toolCalls: [call] },
        { role: "tool", toolCallId: call.id, content: "Sunny, 21 degrees" },
      ],
    });
    const answer = await rt.generate(followUp);
    assert.equal(answer.finishReason, "stop");
    assert.equal(answer.text, pieceText(6));
    const sent = u.lastGeneration!.messages as Record<string, unknown>[];
    assert.deepEqual(sent.slice(1), [
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } },
        ],
      },
      { role: "tool", tool_call_id: call.id, content: "Sunny, 21 degrees" },
    ]);
    assert.equal(
      answer.usage.promptTokens,
      countChatTokens(sent as { content: string | null }[], u.lastGeneration!.tools),
    );
    assert.equal(await rt.countPromptTokens(followUp), answer.usage.promptTokens);
  });

  it("answers n choices in one call, streamed by choice index, with usage covering all of them", async () => {
    const plain = await rt.generate(chat({ n: 3 }));
    assert.equal(u.lastGeneration!.n, 3);
    assert.equal(plain.others?.length, 2);
    assert.equal(plain.text, pieceText(6));
    assert.notEqual(plain.others![0]!.text, plain.text);
    assert.equal(plain.usage.completionTokens, 18);
    const { deltas, sink } = collector();
    const streamed = await rt.generate(chat({ n: 3 }), sink);
    assert.deepEqual(streamed.usage, plain.usage);
    for (const [choice, expected] of [plain, ...plain.others!].entries()) {
      const text = deltas
        .filter((d) => d.choice === choice)
        .map((d) => d.text)
        .join("");
      assert.equal(text, expected.text);
    }
    assert.deepEqual(
      streamed.others?.map((o) => [o.text, o.finishReason]),
      plain.others?.map((o) => [o.text, o.finishReason]),
    );
  });

  it("reports chat logprobs per token, streamed with the text they belong to", async () => {
    const plain = await rt.generate(chat({ logprobs: { top: 2 } }));
    assert.equal(u.lastGeneration!.logprobs, true);
    assert.equal(u.lastGeneration!.top_logprobs, 2);
    const logprobs = plain.logprobs!;
    assert.equal(logprobs.length, plain.usage.completionTokens);
    assert.equal(logprobs.map((l) => l.token).join(""), plain.text);
    for (const l of logprobs) {
      assert.ok(l.logprob < 0);
      assert.deepEqual(l.bytes, [...Buffer.from(l.token)]);
      assert.equal(l.top.length, 2);
      assert.equal(l.top[0]!.token, l.token);
      assert.ok(l.top[0]!.logprob >= l.top[1]!.logprob);
    }
    const { deltas, sink } = collector();
    const streamed = await rt.generate(chat({ logprobs: { top: 2 } }), sink);
    assert.deepEqual(streamed.logprobs, logprobs);
    for (const d of deltas) assert.equal(d.detail?.logprobs?.map((l) => l.token).join(""), d.text);
  });

  it("reads completions logprobs (parallel arrays) into the same shape, alternatives most likely first", async () => {
    const plain = await rt.generate(completion({ logprobs: { top: 3 } }));
    assert.equal(u.lastGeneration!.logprobs, 3);
    assert.equal(u.lastGeneration!.top_logprobs, undefined);
    assert.equal(plain.logprobs!.map((l) => l.token).join(""), pieceText(5));
    for (const l of plain.logprobs!) {
      assert.deepEqual(
        l.top.map((t) => t.token),
        [l.token, "alt1", "alt2"],
      );
      assert.deepEqual(l.bytes, [...Buffer.from(l.token)]);
    }
    let text = "";
    const streamed = await rt.generate(completion({ logprobs: { top: 3 } }), (d) => {
      text += d;
    });
    assert.equal(text, pieceText(5));
    assert.deepEqual(streamed.logprobs, plain.logprobs);
  });

  it("passes sampling penalties through in vLLM's names, and the engine's range errors back as 400s", async () => {
    await rt.generate(
      chat({ presencePenalty: 0.5, frequencyPenalty: -0.25, repetitionPenalty: 1.1, topK: 40, minP: 0.05 }),
    );
    const sent = u.lastGeneration!;
    assert.equal(sent.presence_penalty, 0.5);
    assert.equal(sent.frequency_penalty, -0.25);
    assert.equal(sent.repetition_penalty, 1.1);
    assert.equal(sent.top_k, 40);
    assert.equal(sent.min_p, 0.05);
    await rt.generate(chat({ topK: 0 }));
    assert.equal("top_k" in u.lastGeneration!, false);
    const err = await rejectsWith(rt.generate(chat({ repetitionPenalty: 0 })), 400, "upstream_rejected");
    assert.equal(err.param, "repetition_penalty");
    await rejectsWith(rt.generate(chat({ logprobs: { top: 21 } })), 400, "upstream_rejected");
  });

  it("sends a plain request exactly as before: none of the new fields", async () => {
    await rt.generate(chat(), () => {});
    assert.deepEqual(Object.keys(u.lastGeneration!).sort(), [
      "max_tokens",
      "messages",
      "model",
      "stream",
      "stream_options",
    ]);
    assert.equal(rt.nativeChoices, true);
  });
});

describe("ExternalRuntime without auto tool choice upstream", () => {
  it("gets vLLM's 400 when the engine was started without a tool parser", async () => {
    const u = await startUpstream({ autoToolChoice: false });
    const rt = new ExternalRuntime({ modelId: "m", upstreamUrl: u.url, contextLength: 4096 });
    try {
      await rejectsWith(rt.generate(chat({ tools: [weather] })), 400, "upstream_rejected");
      const forced = await rt.generate(chat({ tools: [weather], toolChoice: { name: "get_weather" } }));
      assert.equal(forced.finishReason, "tool_calls");
    } finally {
      await rt.unload();
      await u.close();
    }
  });
});

describe("ExternalRuntime prompt counts with tools", () => {
  it("counts tool definitions, calls and results as every tokenizer dialect bills them", async () => {
    const call = { id: "call_1", name: "get_weather", arguments: '{"city": "Paris"}' };
    const request = chat({
      tools: [weather, time],
      messages: [
        ...question,
        { role: "assistant", content: "", toolCalls: [call] },
        { role: "tool", toolCallId: call.id, content: "Sunny, 21 degrees" },
      ],
    });
    for (const tokenize of ["vllm", "llama", "none"] as const) {
      const u = await startUpstream({ tokenize });
      const rt = new ExternalRuntime({ modelId: "m", upstreamUrl: u.url, contextLength: 4096 });
      try {
        const billed = (await rt.generate(request)).usage.promptTokens;
        const counted = await rt.countPromptTokens(request);
        if (tokenize === "none") assert.ok(counted >= billed, `${counted} < ${billed}`);
        else assert.equal(counted, billed, tokenize);
      } finally {
        await rt.unload();
        await u.close();
      }
    }
  });
});
