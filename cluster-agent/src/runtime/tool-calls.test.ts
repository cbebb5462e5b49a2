import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Ajv } from "ajv";
import { ApiError } from "../common/errors.js";
import { EmbeddedRuntime } from "./embedded.js";
import { writeTinyModel } from "./tiny-model.js";
import type {
  ChatGenerationRequest,
  DeltaDetail,
  GenerationRequest,
  TokenLogprob,
  ToolDefinition,
} from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-tools-"));
let runtime: EmbeddedRuntime;

before(async () => {
  const modelPath = (await writeTinyModel({ out: join(dir, "tiny.gguf"), seed: 1 })).path;
  runtime = new EmbeddedRuntime({ modelPath, modelId: "tiny", threads: 1, gpuLayers: 0 });
  await runtime.load();
});

after(async () => {
  await runtime.unload();
  rmSync(dir, { recursive: true, force: true });
});

// Random weights wander inside strings; a length bound lets the call finish within the budget.
const weather = {
  type: "object",
  properties: { city: { type: "string", maxLength: 12 }, unit: { enum: ["c", "f"] } },
  required: ["city", "unit"],
};
const tools: ToolDefinition[] = [
  { name: "get_weather", description: "Current weather", parameters: weather },
  { name: "get_time", parameters: {} },
];
const chat = (extra: Partial<ChatGenerationRequest> = {}): GenerationRequest => ({
  kind: "chat",
  messages: [{ role: "user", content: "What is the weather in Paris?" }],
  maxTokens: 120,
  temperature: 0,
  signal: new AbortController().signal,
  tools,
  ...extra,
});

async function generate(request: GenerationRequest) {
  const texts: string[] = [];
  const details: DeltaDetail[] = [];
  const result = await runtime.generate(request, (text, _choice, detail) => {
    texts.push(text);
    if (detail) details.push(detail);
  });
  assert.equal(texts.join(""), result.text, "the deltas add up to the text");
  // Streamed calls: id and name once per call, then argument pieces that add up to the arguments.
  const streamed = new Map<number, { id?: string; name?: string; arguments: string }>();
  for (const { toolCall } of details) {
    if (!toolCall) continue;
    const call = streamed.get(toolCall.index);
    if (!call)
      streamed.set(toolCall.index, { id: toolCall.id, name: toolCall.name, arguments: toolCall.arguments });
    else {
      assert.equal(toolCall.id, undefined);
      call.arguments += toolCall.arguments;
    }
  }
  assert.deepEqual(
    [...streamed.values()],
    (result.toolCalls ?? []).map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
  );
  return { ...result, details };
}

const validate = new Ajv().compile(weather);

test('"required" makes a call whose arguments validate against the schema', async () => {
  const r = await generate(chat({ toolChoice: "required" }));
  assert.equal(r.finishReason, "tool_calls");
  assert.ok(r.toolCalls && r.toolCalls.length >= 1);
  for (const call of r.toolCalls) {
    assert.match(call.id, /^call_[A-Za-z0-9]{24}$/);
    assert.ok(["get_weather", "get_time"].includes(call.name));
    const args = JSON.parse(call.arguments);
    if (call.name === "get_weather") assert.ok(validate(args), JSON.stringify(validate.errors));
    else assert.deepEqual(args, {});
  }
  assert.equal(r.text, "");
  assert.equal(r.usage.promptTokens, await runtime.countPromptTokens(chat({ toolChoice: "required" })));
});

test("a named choice calls that function, once; sampled calls validate too", async () => {
  for (const seed of [1, 2, 3]) {
    const r = await generate(chat({ toolChoice: { name: "get_weather" }, temperature: 1, seed }));
    assert.equal(r.finishReason, "tool_calls");
    assert.equal(r.toolCalls?.length, 1);
    assert.equal(r.toolCalls?.[0]?.name, "get_weather");
    assert.ok(validate(JSON.parse(r.toolCalls?.[0]?.arguments ?? "")));
  }
  const time = await generate(chat({ toolChoice: { name: "get_time" } }));
  assert.deepEqual(
    time.toolCalls?.map((c) => [c.name, JSON.parse(c.arguments)]),
    [["get_time", {}]],
  );
});

test("parallel_tool_calls false yields exactly one call, billed to the token", async () => {
  const request = (maxTokens: number) =>
    chat({ toolChoice: "required", parallelToolCalls: false, maxTokens });
  const r = await generate(request(120));
  assert.equal(r.toolCalls?.length, 1);
  // Greedy: exactly N completion tokens finish the call (forced syntax included), N-1 do not.
  const n = r.usage.completionTokens;
  const exact = await generate(request(n));
  assert.equal(exact.finishReason, "tool_calls");
  assert.deepEqual(
    exact.toolCalls?.map((c) => c.arguments),
    r.toolCalls?.map((c) => c.arguments),
  );
  const short = await generate(request(n - 1));
  assert.equal(short.finishReason, "length");
  assert.ok(short.usage.completionTokens <= n - 1);
});

test("a history with an assistant tool call and its result renders and generates", async () => {
  const history = (result: string): GenerationRequest =>
    chat({
      messages: [
        { role: "user", content: "What is the weather in Paris?" },
        {
          role: "assistant",
          content: "",
          toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' }],
        },
        { role: "tool", toolCallId: "call_1", content: result },
      ],
    });
  const a = await runtime.countPromptTokens(history('{"temperature": 21}'));
  const b = await runtime.countPromptTokens(history('{"temperature": 21, "sky": "clear and blue"}'));
  assert.ok(b > a, "the tool result is part of the prompt");
  const r = await generate({ ...history('{"temperature": 21}'), toolChoice: "auto" } as GenerationRequest);
  assert.equal(r.usage.promptTokens, a);
  assert.ok(r.usage.completionTokens > 0);
  assert.ok(["stop", "length", "tool_calls"].includes(r.finishReason));
});

test('tool choice "none" offers no functions and answers in text', async () => {
  const none = chat({ toolChoice: "none" });
  const plain = chat({ tools: undefined });
  assert.equal(await runtime.countPromptTokens(none), await runtime.countPromptTokens(plain));
  assert.ok((await runtime.countPromptTokens(chat())) > (await runtime.countPromptTokens(plain)));
  const r = await generate(none);
  assert.equal(r.toolCalls, undefined);
  assert.notEqual(r.finishReason, "tool_calls");
});

test("a schema the grammar cannot enforce is a 400 on tools, naming no customer text", async () => {
  const pattern = { type: "object", properties: { secret_field: { type: "string", pattern: "^a+$" } } };
  for (const [parameters, strict] of [
    [pattern, true],
    [{ type: "object", properties: { secret_field: { type: "nonsense" } } }, false],
    [{ type: "object", properties: { secret_field: { $ref: "#/elsewhere" } } }, false],
    [{ type: "object", allOf: [{ properties: { secret_field: { type: "string" } } }] }, false],
  ] as const) {
    await assert.rejects(
      runtime.generate(chat({ toolChoice: "required", tools: [{ name: "f", parameters, strict }] })),
      (error: unknown) => {
        assert.ok(error instanceof ApiError);
        assert.equal(error.status, 400);
        assert.equal(error.param, "tools");
        assert.doesNotMatch(error.message, /secret_field/);
        return true;
      },
    );
  }
  assert.equal(runtime.stats().active, 0);
});

test("a schema past OpenAI's structured-output bounds is refused before any grammar is built", async () => {
  const huge = {
    type: "object",
    properties: { pick: { enum: Array.from({ length: 1001 }, (_, i) => `v${i}`) } },
  };
  const many = {
    type: "object",
    properties: Object.fromEntries(Array.from({ length: 5001 }, (_, i) => [`p${i}`, { type: "string" }])),
  };
  const refusals: [GenerationRequest, string][] = [
    [chat({ toolChoice: "required", tools: [{ name: "f", parameters: huge }] }), "tools"],
    [chat({ toolChoice: "required", tools: [{ name: "f", parameters: many }] }), "tools"],
    [
      chat({
        tools: undefined,
        responseFormat: { type: "json_schema", name: "x", schema: many, strict: false },
      }),
      "response_format",
    ],
  ];
  for (const [request, param] of refusals) {
    // Judged before the prompt (which documents the tools) is counted: the error names the schema.
    for (const attempt of [() => runtime.countPromptTokens(request), () => runtime.generate(request)]) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof ApiError);
        assert.deepEqual([error.status, error.param], [400, param]);
        assert.match(error.message, /at most 5000 properties and 1000 enum values/);
        return true;
      });
    }
  }
});

test("outside strict mode, value constraints the grammar cannot hold are left out; the shape still holds", async () => {
  const parameters = {
    type: "object",
    properties: {
      city: { type: "string", maxLength: 12, pattern: "^[A-Z]" },
      days: { type: "integer", minimum: 1, maximum: 7 },
    },
    required: ["city", "days"],
    additionalProperties: false,
    definitions: { unused: { type: "string" } },
  };
  const r = await generate(
    chat({ toolChoice: "required", tools: [{ name: "f", parameters }], maxTokens: 200 }),
  );
  assert.equal(r.finishReason, "tool_calls");
  const args = JSON.parse(r.toolCalls![0]!.arguments) as Record<string, unknown>;
  assert.deepEqual(Object.keys(args).sort(), ["city", "days"]);
  assert.equal(typeof args.city, "string");
  assert.ok(Number.isInteger(args.days), r.toolCalls![0]!.arguments);
});

test("logprobs: one entry per text token, most likely alternatives first, the same streamed", async () => {
  const request = chat({ tools: undefined, maxTokens: 30, logprobs: { top: 3 } });
  const r = await generate(request);
  const entries = r.logprobs as TokenLogprob[];
  assert.equal(entries.length, r.usage.completionTokens);
  assert.equal(entries.map((e) => e.token).join(""), r.text);
  for (const e of entries) {
    assert.equal(e.top.length, 3);
    assert.ok(e.logprob <= 0);
    // Greedy picks the most likely token.
    assert.equal(e.top[0]?.token, e.token);
    assert.ok((e.top[0]?.logprob ?? 0) >= (e.top[1]?.logprob ?? 0));
    assert.deepEqual(e.bytes, [...Buffer.from(e.token, "utf8")]);
  }
  assert.deepEqual(
    r.details.flatMap((d) => d.logprobs ?? []),
    entries,
  );
  assert.equal((await generate(chat({ tools: undefined, maxTokens: 30 }))).logprobs, undefined);

  // A stop string's tokens leave with it.
  const stop = r.text.slice(10, 14);
  const cut = await generate({ ...request, stop: [stop] } as GenerationRequest);
  assert.equal(cut.text, r.text.slice(0, r.text.indexOf(stop)));
  assert.ok(
    (cut.logprobs as TokenLogprob[])
      .map((e) => e.token)
      .join("")
      .startsWith(cut.text),
  );
  assert.ok((cut.logprobs as TokenLogprob[]).length < cut.usage.completionTokens);
});

test("penalties change greedy output and lower repetition", async () => {
  const base = chat({ tools: undefined, maxTokens: 80 });
  const plain = await generate(base);
  const repeats = (text: string) => {
    const words = text.split(/\s+/).filter(Boolean);
    return words.length - new Set(words).size;
  };
  for (const extra of [{ frequencyPenalty: 2 }, { presencePenalty: 2 }, { repetitionPenalty: 2 }]) {
    const penalised = await generate({ ...base, ...extra } as GenerationRequest);
    assert.notEqual(penalised.text, plain.text, JSON.stringify(extra));
    assert.ok(repeats(penalised.text) < repeats(plain.text), JSON.stringify(extra));
  }
});
