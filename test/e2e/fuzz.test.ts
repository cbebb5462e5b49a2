import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * Malformed, mistyped, huge and unicode-heavy requests against a real agent: every answer must be a
 * client error in OpenAI's error shape (or a proper answer, when the random input happens to be valid),
 * never a 5xx, a hang or a crash.
 */

let dataDir: string;
let agent: AgentProcess;
let token: string;
const MODEL = "tiny";

before(async () => {
  dataDir = tempDir("fuzz");
  const modelPath = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", modelPath);
  agent = await startAgent(
    dataDir,
    ["--model", `${MODEL}=${modelPath}`, "--parallel", "2", "--threads", "1"],
    {
      api: { bodyLimitBytes: 1024 * 1024 },
    },
  );
  ({ token } = createAccountWithKey(dataDir));
});

after(async () => {
  await agent?.stop();
  removeDir(dataDir);
});

const paths = [
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/models",
  "/v1/models/tiny",
  "/v1/nope",
  "/readyz",
];

async function send(path: string, body: string | Uint8Array, contentType = "application/json", auth = true) {
  const response = await fetch(`${agent.url}${path}`, {
    method: path.includes("completions") ? "POST" : "GET",
    headers: { ...(auth ? { authorization: `Bearer ${token}` } : {}), "content-type": contentType },
    body: path.includes("completions") ? body : undefined,
  });
  const text = await response.text();
  return { status: response.status, text, requestId: response.headers.get("x-request-id") };
}

function assertWellFormed(result: { status: number; text: string; requestId: string | null }, what: string) {
  assert.ok(result.status < 500, `${what} answered ${result.status}: ${result.text.slice(0, 300)}`);
  assert.match(result.requestId ?? "", /^req_/, `${what} carries x-request-id`);
  if (result.status >= 400) {
    const body = JSON.parse(result.text) as { error?: Record<string, unknown> };
    assert.ok(body.error, `${what} has an error object`);
    assert.equal(typeof body.error.message, "string");
    assert.equal(typeof body.error.type, "string");
    assert.ok("param" in body.error && "code" in body.error, `${what} error has param and code`);
  }
}

const fieldValue = fc.oneof(
  fc.anything({ withBigInt: false, withDate: false, withMap: false, withSet: false, withTypedArray: false }),
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.integer(),
  fc.double(),
  fc.constant(null),
);

const chatLike = fc.record(
  {
    model: fc.oneof(fc.constant(MODEL), fieldValue),
    messages: fc.oneof(
      fc.array(
        fc.record(
          {
            role: fc.oneof(fc.constantFrom("system", "user", "assistant", "tool", "developer"), fieldValue),
            content: fieldValue,
          },
          { requiredKeys: [] },
        ),
        { maxLength: 4 },
      ),
      fieldValue,
    ),
    prompt: fieldValue,
    max_tokens: fc.oneof(fc.constantFrom(1, 0, -1, 2.5, 1e12), fieldValue),
    temperature: fieldValue,
    top_p: fieldValue,
    stop: fieldValue,
    stream: fieldValue,
    stream_options: fieldValue,
    response_format: fieldValue,
    n: fieldValue,
    seed: fieldValue,
    [`__proto__`]: fieldValue,
    constructor: fieldValue,
  },
  { requiredKeys: [] },
);

test("random JSON documents and mistyped requests never cause a 5xx", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...paths),
      fc.oneof(
        fc.json(),
        chatLike.map((v) => JSON.stringify(v)),
      ),
      async (path, body) => {
        // Valid requests generate at most one token so the fuzz run stays short.
        const capped = body.replace(/"max_tokens":\s*\d{2,}/g, '"max_tokens":1');
        assertWellFormed(await send(path, capped), `${path} ${capped.slice(0, 120)}`);
      },
    ),
    { numRuns: 400 },
  );
});

test("broken bytes, odd content types and missing credentials are client errors", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom("/v1/chat/completions", "/v1/completions"),
      fc.oneof(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(
          "",
          "{",
          "[]",
          "null",
          '{"model":',
          '{"a":1}{"b":2}',
          "\u0000",
          '{"messages":[{"role":"user","content":"\ud800"}]}',
        ),
      ),
      fc.constantFrom(
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/octet-stream",
      ),
      fc.boolean(),
      async (path, body, contentType, auth) => {
        assertWellFormed(await send(path, body, contentType, auth), `${path} (${contentType}, auth=${auth})`);
      },
    ),
    { numRuns: 300 },
  );
});

test("huge and unicode-heavy bodies: 413 past the limit, a clear 4xx or an answer below it", async () => {
  const heavy = "🇵🇹 ação naïve 東京 Ǆ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ".repeat(30_000); // > 1 MiB of UTF-8
  const oversized = await send(
    "/v1/chat/completions",
    JSON.stringify({ model: MODEL, messages: [{ role: "user", content: heavy }] }),
  );
  assert.equal(oversized.status, 413);
  assertWellFormed(oversized, "oversized body");
  const nearLimit = heavy.slice(0, 300_000);
  const long = await send(
    "/v1/chat/completions",
    JSON.stringify({ model: MODEL, messages: [{ role: "user", content: nearLimit }], max_tokens: 1 }),
  );
  assert.equal(long.status, 400, "a prompt longer than the context window is a 400");
  assert.equal((JSON.parse(long.text) as { error: { code: string } }).error.code, "context_length_exceeded");
  const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
  assertWellFormed(await send("/v1/chat/completions", deep), "deeply nested JSON");
  const ok = await send(
    "/v1/chat/completions",
    JSON.stringify({
      model: MODEL,
      messages: [{ role: "user", content: heavy.slice(0, 400) }],
      max_tokens: 2,
    }),
  );
  assert.equal(ok.status, 200, ok.text);
  assert.ok(agent.process.exitCode === null, "the agent is still running");
  const ready = await fetch(`${agent.url}/readyz`);
  assert.equal(ready.status, 200);
});

const jsonSchemaLike: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  schema: fc.oneof(
    { depthSize: "small" },
    fieldValue,
    fc.record(
      {
        type: fc.oneof(
          fc.constantFrom("object", "string", "number", "integer", "boolean", "array", "null", "date"),
          fieldValue,
        ),
        properties: fc.oneof(
          fc.dictionary(fc.string({ maxLength: 8 }), tie("schema"), { maxKeys: 3 }),
          fieldValue,
        ),
        required: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), fieldValue),
        enum: fc.oneof(fc.array(fieldValue, { maxLength: 3 }), fieldValue),
        items: tie("schema"),
        anyOf: fc.array(tie("schema"), { maxLength: 2 }),
        minimum: fieldValue,
        pattern: fieldValue,
        $ref: fc.constantFrom("#/$defs/x", "#", "http://example.com/s"),
      },
      { requiredKeys: [] },
    ),
  ),
})).schema;

const toolLike = fc.oneof(
  fieldValue,
  fc.record(
    {
      type: fc.oneof(fc.constant("function"), fieldValue),
      function: fc.oneof(
        fieldValue,
        fc.record(
          {
            name: fc.oneof(fc.constantFrom("get_weather", "f", "a-b_c"), fieldValue),
            description: fieldValue,
            parameters: fc.oneof(
              jsonSchemaLike,
              jsonSchemaLike.map((properties) => ({ type: "object", properties: { x: properties } })),
            ),
            strict: fieldValue,
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);

const toolCallLike = fc.record(
  {
    id: fc.oneof(fc.constantFrom("call_1", "call_2"), fieldValue),
    type: fc.oneof(fc.constant("function"), fieldValue),
    function: fc.oneof(
      fieldValue,
      fc.record(
        {
          name: fc.oneof(fc.constant("get_weather"), fieldValue),
          arguments: fc.oneof(fc.constantFrom('{"city":"x"}', "", "{", "[]", "null"), fieldValue),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

const toolRequest = fc.record(
  {
    model: fc.constant(MODEL),
    max_tokens: fc.constant(1),
    messages: fc.array(
      fc.oneof(
        fc.constant({ role: "user", content: "weather?" }),
        fc.record(
          {
            role: fc.constant("assistant"),
            content: fc.oneof(fc.constant(null), fieldValue),
            tool_calls: fc.oneof(fc.array(toolCallLike, { maxLength: 2 }), fieldValue),
          },
          { requiredKeys: ["role"] },
        ),
        fc.record(
          {
            role: fc.constant("tool"),
            content: fieldValue,
            tool_call_id: fc.oneof(fc.constantFrom("call_1", "call_2"), fieldValue),
          },
          { requiredKeys: ["role"] },
        ),
      ),
      { minLength: 1, maxLength: 4 },
    ),
    tools: fc.oneof(fc.array(toolLike, { maxLength: 3 }), fieldValue),
    tool_choice: fc.oneof(
      fc.constantFrom("none", "auto", "required", { type: "function", function: { name: "get_weather" } }),
      fieldValue,
    ),
    parallel_tool_calls: fieldValue,
    logprobs: fc.oneof(fc.boolean(), fieldValue),
    top_logprobs: fc.oneof(fc.integer({ min: -1, max: 21 }), fieldValue),
    presence_penalty: fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fieldValue),
    frequency_penalty: fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fieldValue),
    repetition_penalty: fc.oneof(fc.double({ min: -1, max: 3, noNaN: true }), fieldValue),
    top_k: fc.oneof(fc.integer({ min: -2, max: 50 }), fieldValue),
    min_p: fc.oneof(fc.double({ min: -1, max: 2, noNaN: true }), fieldValue),
    n: fc.oneof(fc.integer({ min: 0, max: 4 }), fieldValue),
  },
  { requiredKeys: ["model", "max_tokens", "messages"] },
);

test("malformed tools, schemas, tool messages and sampling parameters: a 4xx naming the parameter, never a 5xx", async () => {
  await fc.assert(
    fc.asyncProperty(toolRequest, fc.boolean(), async (request, stream) => {
      const body = JSON.stringify({ ...request, stream });
      const result = await send("/v1/chat/completions", body);
      assertWellFormed(result, body.slice(0, 300));
      if (result.status === 400) {
        const { error } = JSON.parse(result.text) as { error: { param: string | null; code: string | null } };
        // A body with a `__proto__` key is refused as a whole (invalid_json) before any parameter is read.
        if (error.code !== "invalid_json")
          assert.ok(error.param, `a 400 names its parameter: ${result.text.slice(0, 300)}`);
      }
    }),
    { numRuns: 400 },
  );
  assert.ok(agent.process.exitCode === null, "the agent is still running");
});
