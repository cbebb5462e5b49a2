import assert from "node:assert/strict";
import { test } from "node:test";
import type { GenerationResult } from "../../runtime/types.js";
import { parseResponsesRequest } from "./schema.js";
import { ResponsesStream } from "./stream.js";

const meta = { id: "resp_abc", created: 1_700_000_000, model: "tiny" };
const usage = { promptTokens: 7, completionTokens: 3, cachedTokens: 2 };

interface Event {
  type: string;
  sequence_number: number;
  [key: string]: unknown;
}

/** Reads the stream as an SSE client does: `event:` must name the same type as the data. */
function parse(transcript: string): Event[] {
  assert.ok(transcript.endsWith("\n\n"));
  assert.doesNotMatch(transcript, /\[DONE\]/);
  return transcript
    .slice(0, -2)
    .split("\n\n")
    .map((frame) => {
      const [eventLine, dataLine, ...rest] = frame.split("\n");
      assert.equal(rest.length, 0);
      const event = JSON.parse(dataLine!.replace(/^data: /, "")) as Event;
      assert.equal(eventLine, `event: ${event.type}`);
      return event;
    });
}

function result(fields: Partial<GenerationResult>): GenerationResult {
  return { text: "", finishReason: "stop", usage, aborted: false, ...fields };
}

function run(
  body: Record<string, unknown>,
  feed: (stream: ResponsesStream) => string[],
  end: GenerationResult,
) {
  const stream = new ResponsesStream(meta, parseResponsesRequest({ model: "tiny", input: "hi", ...body }));
  const events = parse([stream.first(), ...feed(stream), stream.finish(end)].join(""));
  assert.deepEqual(
    events.map((e) => e.sequence_number),
    events.map((_, i) => i),
  );
  return events;
}

test("text: the message opens, deltas join to the final text, and the response completes with usage", () => {
  const events = run(
    { metadata: { team: "a" } },
    (s) => [s.delta("Hel", 0, undefined), s.delta("", 0, undefined), s.delta("lo", 0, undefined)],
    result({ text: "Hello" }),
  );
  assert.deepEqual(
    events.map((e) => e.type),
    [
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ],
  );
  const created = events[0]!.response as Record<string, unknown>;
  assert.equal(created.status, "in_progress");
  assert.equal(created.usage, null);
  const deltas = events.filter((e) => e.type === "response.output_text.delta");
  assert.equal(deltas.map((e) => e.delta).join(""), "Hello");
  assert.deepEqual(deltas[0], {
    type: "response.output_text.delta",
    sequence_number: 4,
    item_id: "msg_abc",
    output_index: 0,
    content_index: 0,
    delta: "Hel",
    logprobs: [],
  });
  assert.equal(events[6]!.text, "Hello");
  const completed = events.at(-1)!.response as Record<string, unknown>;
  assert.equal(completed.status, "completed");
  assert.deepEqual(completed.metadata, { team: "a" });
  assert.deepEqual(completed.output, [
    {
      id: "msg_abc",
      type: "message",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: "Hello", annotations: [] }],
    },
  ]);
  assert.deepEqual(completed.usage, {
    input_tokens: 7,
    input_tokens_details: { cached_tokens: 2, cache_write_tokens: 0 },
    output_tokens: 3,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 10,
  });
});

test("cut at max_output_tokens: the message and the response end incomplete", () => {
  const events = run(
    {},
    (s) => [s.delta("Hi", 0, undefined)],
    result({ text: "Hi", finishReason: "length" }),
  );
  const last = events.at(-1)!;
  assert.equal(last.type, "response.incomplete");
  const response = last.response as {
    status: string;
    incomplete_details: unknown;
    output: { status: string }[];
  };
  assert.equal(response.status, "incomplete");
  assert.deepEqual(response.incomplete_details, { reason: "max_output_tokens" });
  assert.equal(response.output[0]!.status, "incomplete");
});

test("a tool call: its item opens with id and name, argument deltas join to the final arguments", () => {
  const call = { id: "call_1", name: "get_weather", arguments: '{"city":"Lisbon"}' };
  const events = run(
    { tools: [{ type: "function", name: "get_weather" }], tool_choice: "required" },
    (s) => [
      s.delta("", 0, { toolCall: { index: 0, id: "call_1", name: "get_weather", arguments: "" } }),
      s.delta("", 0, { toolCall: { index: 0, arguments: '{"city":' } }),
      s.delta("", 0, { toolCall: { index: 0, arguments: '"Lisbon"}' } }),
    ],
    result({ finishReason: "tool_calls", toolCalls: [call] }),
  );
  assert.deepEqual(
    events.map((e) => e.type),
    [
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ],
  );
  assert.deepEqual(events[2]!.item, {
    id: "fc_abc_0",
    type: "function_call",
    status: "in_progress",
    call_id: "call_1",
    name: "get_weather",
    arguments: "",
  });
  const deltas = events.filter((e) => e.type === "response.function_call_arguments.delta");
  assert.equal(deltas.map((e) => e.delta).join(""), call.arguments);
  assert.deepEqual(events[5], {
    type: "response.function_call_arguments.done",
    sequence_number: 5,
    item_id: "fc_abc_0",
    output_index: 0,
    name: "get_weather",
    arguments: call.arguments,
  });
  const response = events.at(-1)!.response as Record<string, unknown>;
  assert.deepEqual(response.output, [
    {
      id: "fc_abc_0",
      type: "function_call",
      status: "completed",
      ...{ call_id: "call_1" },
      name: call.name,
      arguments: call.arguments,
    },
  ]);
  assert.equal(response.tool_choice, "required");
});

test("text then two calls: each item closes before the next opens, at increasing output indexes", () => {
  const events = run(
    { tools: [{ type: "function", name: "f" }] },
    (s) => [
      s.delta("Let me check.", 0, undefined),
      s.delta("", 0, { toolCall: { index: 0, id: "call_a", name: "f", arguments: "{}" } }),
      s.delta("", 0, { toolCall: { index: 1, id: "call_b", name: "f", arguments: "{}" } }),
    ],
    result({
      text: "Let me check.",
      finishReason: "tool_calls",
      toolCalls: [
        { id: "call_a", name: "f", arguments: "{}" },
        { id: "call_b", name: "f", arguments: "{}" },
      ],
    }),
  );
  const items = events.filter((e) => e.type.startsWith("response.output_item."));
  assert.deepEqual(
    items.map((e) => [e.type.slice("response.output_item.".length), e.output_index]),
    [
      ["added", 0],
      ["done", 0],
      ["added", 1],
      ["done", 1],
      ["added", 2],
      ["done", 2],
    ],
  );
  const output = (events.at(-1)!.response as { output: { type: string }[] }).output;
  assert.deepEqual(
    output.map((item) => item.type),
    ["message", "function_call", "function_call"],
  );
});

test("what the deltas did not carry is streamed at the end, and an empty answer still has a message", () => {
  const late = run(
    {},
    () => [],
    result({ toolCalls: [{ id: "c", name: "f", arguments: "{}" }], finishReason: "tool_calls" }),
  );
  const args = late.filter((e) => e.type === "response.function_call_arguments.delta");
  assert.deepEqual(
    args.map((e) => e.delta),
    ["{}"],
  );
  const empty = run({}, () => [], result({ text: "" }));
  const output = (empty.at(-1)!.response as { output: { content: { text: string }[] }[] }).output;
  assert.equal(output[0]!.content[0]!.text, "");
});

test("an error after the start is an error event, then response.failed", () => {
  const stream = new ResponsesStream(meta, parseResponsesRequest({ model: "tiny", input: "hi" }));
  const events = parse(
    stream.first() +
      stream.delta("a", 0, undefined) +
      stream.error("The model failed.", "server_error", null),
  );
  assert.deepEqual(
    events.slice(-2).map((e) => e.type),
    ["error", "response.failed"],
  );
  assert.deepEqual(events.at(-2), {
    type: "error",
    sequence_number: 5,
    code: null,
    message: "The model failed.",
    param: null,
  });
  const failed = events.at(-1)!.response as { status: string; error: unknown };
  assert.equal(failed.status, "failed");
  assert.deepEqual(failed.error, { code: "server_error", message: "The model failed." });
});

test("text after a call opens a message after it; the final response holds every item in order", () => {
  const events = run(
    { tools: [{ type: "function", name: "f" }] },
    (s) => [
      s.delta("", 0, { toolCall: { index: 0, id: "call_a", name: "f", arguments: "{}" } }),
      s.delta("done", 0, undefined),
    ],
    result({ text: "done", toolCalls: [{ id: "call_a", name: "f", arguments: "{}" }] }),
  );
  const output = (events.at(-1)!.response as { output: { id: string; type: string }[] }).output;
  assert.deepEqual(
    output.map((item) => [item.type, item.id]),
    [
      ["function_call", "fc_abc_0"],
      ["message", "msg_abc"],
    ],
  );
  const added = events.filter((e) => e.type === "response.output_item.added");
  assert.deepEqual(
    added.map((e) => e.output_index),
    [0, 1],
  );
});
