import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import fc from "fast-check";
import OpenAI from "openai";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * What POST /v1/responses refuses, and what it never lets out: stored state and unserved tools are
 * refused by name, malformed requests get a 4xx naming the parameter (never a 5xx), and content sent
 * in any Responses field reaches no error message, log line or file, even at debug level.
 */

let dataDir: string;
let agent: AgentProcess;
let client: OpenAI;
const MODEL = "tiny";
const input = "Write a short poem about the sea in Lisbon.";

before(async () => {
  dataDir = tempDir("responses-refusals");
  const modelPath = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", modelPath, "--seed", "7");
  agent = await startAgent(dataDir, [
    "--log-level",
    "debug",
    "--model",
    `${MODEL}=${modelPath}`,
    "--parallel",
    "2",
    "--threads",
    "1",
  ]);
  const { token } = createAccountWithKey(dataDir);
  client = new OpenAI({ baseURL: agent.baseURL, apiKey: token, maxRetries: 0 });
});

after(async () => {
  await agent?.stop();
  removeDir(dataDir);
});

const weather: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "The weather in a city.",
  parameters: {
    type: "object",
    properties: { city: { type: "string", enum: ["Lisbon", "Porto"] } },
    required: ["city"],
    additionalProperties: false,
  },
  strict: true,
};

test("stored state and other tool types are refused with param set, before any generation", async () => {
  const refused = async (body: Record<string, unknown>, param: string) => {
    await assert.rejects(
      client.responses.create({
        model: MODEL,
        input,
        ...body,
      } as OpenAI.Responses.ResponseCreateParamsNonStreaming),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.param, param);
        return true;
      },
    );
  };
  await refused({ store: true }, "store");
  await refused({ previous_response_id: "resp_x" }, "previous_response_id");
  await refused({ background: true }, "background");
  await refused({ tools: [{ type: "web_search" }] }, "tools[0].type");
  await refused({ temprature: 0 }, "temprature");
});

const anyValue = fc.oneof(
  fc.anything({ withBigInt: false, withDate: false, withMap: false, withSet: false, withTypedArray: false }),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.integer(),
  fc.constant(null),
);
const textPart = fc.record(
  { type: fc.oneof(fc.constantFrom("input_text", "output_text", "input_image"), anyValue), text: anyValue },
  { requiredKeys: [] },
);
const itemLike = fc.oneof(
  anyValue,
  fc.record(
    {
      type: fc.oneof(
        fc.constantFrom("message", "function_call", "function_call_output", "reasoning"),
        anyValue,
      ),
      role: fc.oneof(fc.constantFrom("user", "assistant", "system", "developer", "tool"), anyValue),
      content: fc.oneof(fc.constant("hi"), fc.array(textPart, { maxLength: 2 }), anyValue),
      call_id: fc.oneof(fc.constantFrom("call_1", "call_2"), anyValue),
      name: fc.oneof(fc.constant("get_weather"), anyValue),
      arguments: fc.oneof(fc.constantFrom('{"city":"Lisbon"}', "", "{", "[]"), anyValue),
      output: anyValue,
      status: anyValue,
    },
    { requiredKeys: [] },
  ),
);
const responsesLike = fc.record(
  {
    model: fc.oneof(fc.constant(MODEL), anyValue),
    input: fc.oneof(fc.constant("hi"), fc.array(itemLike, { minLength: 1, maxLength: 4 }), anyValue),
    instructions: anyValue,
    max_output_tokens: fc.constant(1),
    temperature: anyValue,
    top_p: anyValue,
    text: fc.oneof(
      fc.record(
        {
          format: fc.oneof(
            fc.record(
              {
                type: fc.constantFrom("text", "json_object", "json_schema"),
                name: anyValue,
                schema: anyValue,
              },
              { requiredKeys: [] },
            ),
            anyValue,
          ),
        },
        { requiredKeys: [] },
      ),
      anyValue,
    ),
    tools: fc.oneof(
      fc.array(
        fc.record(
          {
            type: fc.oneof(fc.constantFrom("function", "web_search", "file_search"), anyValue),
            name: fc.oneof(fc.constant("get_weather"), anyValue),
            parameters: fc.oneof(fc.constant(weather.parameters), anyValue),
            strict: anyValue,
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      anyValue,
    ),
    tool_choice: fc.oneof(
      fc.constantFrom(
        "none",
        "auto",
        "required",
        { type: "function", name: "get_weather" },
        { type: "web_search" },
      ),
      anyValue,
    ),
    parallel_tool_calls: anyValue,
    store: anyValue,
    previous_response_id: anyValue,
    background: anyValue,
    include: anyValue,
    reasoning: anyValue,
    truncation: anyValue,
    metadata: anyValue,
    stream: fc.boolean(),
  },
  { requiredKeys: ["max_output_tokens"] },
);

test("malformed Responses requests: a 4xx naming the parameter, never a 5xx", async () => {
  await fc.assert(
    fc.asyncProperty(responsesLike, async (request) => {
      const body = JSON.stringify(request);
      const response = await fetch(`${agent.baseURL}/responses`, {
        method: "POST",
        headers: { authorization: `Bearer ${client.apiKey}`, "content-type": "application/json" },
        body,
      });
      const text = await response.text();
      assert.ok(response.status < 500, `${response.status}: ${text.slice(0, 300)} for ${body.slice(0, 300)}`);
      if (response.status === 400) {
        const { error } = JSON.parse(text) as { error: { param: string | null; code: string | null } };
        // A body with a `__proto__` key is refused as a whole before any parameter is read.
        if (error.code !== "invalid_json")
          assert.ok(error.param, `a 400 names its parameter: ${text.slice(0, 300)}`);
      }
    }),
    { numRuns: 300 },
  );
});

/** Regular files under `dir` (links are not followed) holding any of `needles`. */
function scan(dir: string, needles: Buffer[]): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...scan(path, needles));
    else if (entry.isFile() && lstatSync(path).isFile()) {
      const bytes = readFileSync(path);
      if (needles.some((needle) => bytes.includes(needle))) found.push(path);
    }
  }
  return found;
}

// Last: it stops the agent to read everything it left behind.
test("the canary: Responses content reaches no error message, no log line, no file", async () => {
  const CANARY = `CANARY-${randomBytes(12).toString("hex")}`;
  const tool: OpenAI.Responses.FunctionTool = {
    type: "function",
    name: CANARY,
    description: `Looks up ${CANARY}.`,
    parameters: {
      type: "object",
      properties: { [CANARY]: { type: "string", enum: [CANARY] } },
      required: [CANARY],
      additionalProperties: false,
    },
    strict: true,
  };
  const question: OpenAI.Responses.ResponseInputItem[] = [{ role: "user", content: `Find ${CANARY}.` }];
  await client.responses.create({
    model: MODEL,
    instructions: `The secret is ${CANARY}.`,
    input: question,
    max_output_tokens: 8,
    metadata: { note: CANARY },
  });
  for await (const _ of await client.responses.create({
    model: MODEL,
    input: question,
    max_output_tokens: 8,
    text: {
      format: { type: "json_schema", name: "answer", schema: { type: "object", description: CANARY } },
    },
    stream: true,
  }));
  const first = await client.responses.create({
    model: MODEL,
    input: question,
    tools: [tool],
    tool_choice: "required",
    max_output_tokens: 400,
  });
  const calls = first.output.filter((item) => item.type === "function_call");
  assert.ok(calls.length >= 1);
  for await (const _ of await client.responses.create({
    model: MODEL,
    input: [
      ...question,
      ...calls,
      ...calls.map((c) => ({ type: "function_call_output" as const, call_id: c.call_id, output: CANARY })),
    ],
    tools: [tool],
    max_output_tokens: 8,
    stream: true,
  }));

  const refused: [string, Record<string, unknown>][] = [
    ["store", { input: CANARY, store: true }],
    ["previous response", { input: CANARY, previous_response_id: CANARY }],
    ["web search", { input: CANARY, tools: [{ type: "web_search", search_context_size: CANARY }] }],
    ["bad tool name", { input: CANARY, tools: [{ ...tool, name: `${CANARY} !` }] }],
    [
      "forced unknown tool",
      { input: CANARY, tools: [tool], tool_choice: { type: "function", name: `${CANARY}x` } },
    ],
    [
      "bad arguments",
      { input: [{ type: "function_call", call_id: "c", name: "f", arguments: `{${CANARY}` }] },
    ],
    ["result without a call", { input: [{ type: "function_call_output", call_id: CANARY, output: CANARY }] }],
    ["bad schema", { input: CANARY, tools: [{ ...tool, parameters: { type: CANARY } }] }],
    ["context exceeded", { input: `${CANARY} `.repeat(600) }],
  ];
  for (const [what, body] of refused) {
    const response = await fetch(`${agent.baseURL}/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${client.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, ...body }),
    });
    const text = await response.text();
    assert.equal(response.status, 400, `${what}: ${text}`);
    assert.ok(!text.includes(CANARY), `${what}: the error quotes content: ${text}`);
  }

  await agent.stop();
  assert.ok(!agent.log().includes(CANARY), "the agent's log holds content");
  const needles = [CANARY, CANARY.toLowerCase()].flatMap((text) => [
    Buffer.from(text, "utf8"),
    Buffer.from(text, "utf16le"),
  ]);
  assert.deepEqual(scan(dataDir, needles), []);
});
