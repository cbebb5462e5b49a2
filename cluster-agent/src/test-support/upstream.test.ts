import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { countChatTokens, pieceText, startUpstream, type Upstream } from "./upstream.js";

const messages = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Say something nice." },
];

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}
interface Choice {
  message?: { content: string };
  delta?: { content?: string };
  text?: string;
  finish_reason: string | null;
}
interface Body {
  object: string;
  choices: Choice[];
  usage?: Usage | null;
}

function post(
  u: Upstream,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const root = u.url.replace(/\/v1$/, "");
  return fetch(`${root}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function events(text: string): Body[] {
  assert.ok(text.endsWith("data: [DONE]\n\n"));
  return text
    .split("\n\n")
    .filter((e) => e.startsWith("data: ") && e !== "data: [DONE]")
    .map((e) => JSON.parse(e.slice(6)) as Body);
}

describe("stand-in upstream", () => {
  let u: Upstream;
  before(async () => {
    u = await startUpstream({ tokens: 6, model: "m" });
  });
  after(() => u.close());

  it("lists its model and answers health checks", async () => {
    const models = (await (await fetch(`${u.url}/models`)).json()) as { data: { id: string }[] };
    assert.equal(models.data[0]?.id, "m");
    assert.equal((await fetch(u.url.replace(/\/v1$/, "/health"))).status, 200);
  });

  it("answers a chat completion in OpenAI's shape with deterministic usage", async () => {
    const res = await post(u, "/v1/chat/completions", { model: "m", messages });
    const body = (await res.json()) as Body;
    assert.equal(body.object, "chat.completion");
    assert.equal(body.choices[0]?.message?.content, pieceText(6));
    assert.equal(body.choices[0]?.finish_reason, "stop");
    const prompt = countChatTokens(messages);
    assert.deepEqual(body.usage, { prompt_tokens: prompt, completion_tokens: 6, total_tokens: prompt + 6 });
  });

  it("streams chunks, honours max_tokens and include_usage, and agrees with /tokenize", async () => {
    const res = await post(u, "/v1/chat/completions", {
      model: "m",
      messages,
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    const chunks = events(await res.text());
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    assert.equal(text, pieceText(4));
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "length");
    const usage = chunks.at(-1)?.usage;
    assert.equal(usage?.completion_tokens, 4);
    const tokenized = (await (await post(u, "/tokenize", { model: "m", messages })).json()) as {
      count: number;
    };
    assert.equal(tokenized.count, usage?.prompt_tokens);
  });

  it("streams completions without usage unless asked", async () => {
    const res = await post(u, "/v1/completions", { model: "m", prompt: "a b c", stream: true });
    const chunks = events(await res.text());
    assert.equal(chunks.map((c) => c.choices[0]?.text).join(""), pieceText(6));
    assert.ok(chunks.every((c) => c.usage === undefined));
  });

  it("rejects malformed JSON and unknown models with OpenAI error objects", async () => {
    const bad = await post(u, "/v1/chat/completions", "{not json");
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { type: string } }).error.type, "invalid_request_error");
    const unknown = await post(u, "/v1/chat/completions", { model: "other", messages });
    assert.equal(unknown.status, 404);
  });

  it("requires its key when configured", async () => {
    const locked = await startUpstream({ requireKey: "k" });
    try {
      assert.equal((await post(locked, "/v1/completions", { prompt: "x" })).status, 401);
      assert.equal(
        (await post(locked, "/v1/completions", { prompt: "x" }, { authorization: "Bearer k" })).status,
        200,
      );
      assert.ok(locked.requests >= 2);
    } finally {
      await locked.close();
    }
  });
});

describe("stand-in upstream as vLLM with --enable-auto-tool-choice --tool-call-parser hermes", () => {
  let u: Upstream;
  let client: OpenAI;
  const asked: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Find it." }];
  const tools = [
    {
      type: "function" as const,
      function: {
        name: "lookup",
        parameters: {
          type: "object",
          properties: {
            q: { type: "string" },
            limit: { type: "integer", minimum: 5 },
            exact: { type: "boolean" },
          },
          required: ["q", "limit"],
        },
      },
    },
    { type: "function" as const, function: { name: "now", parameters: { type: "object", properties: {} } } },
  ];
  before(async () => {
    u = await startUpstream({ tokens: 6, model: "m", maxLogprobs: 5 });
    client = new OpenAI({ baseURL: u.url, apiKey: "unused", maxRetries: 0 });
  });
  after(() => u.close());

  it("streams tool calls in vLLM's shape: id, type and name once with empty arguments, then argument pieces", async () => {
    const res = await post(u, "/v1/chat/completions", {
      model: "m",
      messages,
      tools,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = events(await res.text()) as unknown as {
      choices: { delta: { tool_calls?: Record<string, unknown>[] }; finish_reason: string | null }[];
      usage?: Usage | null;
    }[];
    const pieces = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    const first = pieces.filter((p) => p.id !== undefined);
    assert.equal(first.length, 2);
    assert.match(String(first[0]!.id), /^chatcmpl-tool-[0-9a-f]{32}$/);
    assert.deepEqual(first[0]!.function, { name: "lookup", arguments: "" });
    assert.equal(first[0]!.type, "function");
    const args = pieces
      .filter((p) => p.index === 0)
      .map((p) => (p.function as { arguments: string }).arguments)
      .join("");
    assert.deepEqual(JSON.parse(args), { q: "x", limit: 5 });
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "tool_calls");
    // Usage counts every piece: the name and each argument word of both calls.
    assert.equal(chunks.at(-1)?.usage?.completion_tokens, pieces.length);
  });

  it("is read by the official OpenAI client, streamed and not, and answers a tool result with text", async () => {
    const plain = await client.chat.completions.create({ model: "m", messages: asked, tools });
    const calls = plain.choices[0]!.message.tool_calls!;
    assert.equal(plain.choices[0]!.finish_reason, "tool_calls");
    assert.deepEqual(
      calls.map((c) => (c.type === "function" ? c.function.name : "")),
      ["lookup", "now"],
    );
    const stream = client.chat.completions.stream({ model: "m", messages: asked, tools });
    const streamed = await stream.finalChatCompletion();
    assert.deepEqual(
      streamed.choices[0]!.message.tool_calls?.map((c) =>
        c.type === "function" ? c.function.arguments : "",
      ),
      calls.map((c) => (c.type === "function" ? c.function.arguments : "")),
    );
    const call = calls[0]!;
    const answer = await client.chat.completions.create({
      model: "m",
      tools,
      messages: [
        ...asked,
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: "42 results" },
      ],
    });
    assert.equal(answer.choices[0]!.finish_reason, "stop");
    assert.equal(answer.choices[0]!.message.content, pieceText(6));
  });

  it("answers n choices and logprobs in the chat and completions shapes", async () => {
    const chat = await client.chat.completions.create({
      model: "m",
      messages: asked,
      n: 2,
      logprobs: true,
      top_logprobs: 2,
      max_tokens: 3,
    });
    assert.equal(chat.choices.length, 2);
    assert.equal(chat.usage?.completion_tokens, 6);
    const content = chat.choices[1]!.logprobs!.content!;
    assert.equal(content.map((l) => l.token).join(""), chat.choices[1]!.message.content);
    assert.equal(content[0]!.top_logprobs.length, 2);
    const text = await client.completions.create({ model: "m", prompt: "a b", logprobs: 2, max_tokens: 3 });
    const lp = text.choices[0]!.logprobs!;
    assert.equal(lp.tokens!.join(""), text.choices[0]!.text);
    assert.equal(lp.token_logprobs!.length, 3);
    assert.equal(Object.keys(lp.top_logprobs![0]!).length, 2);
    assert.deepEqual(lp.text_offset, [0, 5, 6]);
  });

  it("rejects out-of-range sampling parameters with 400s, as vLLM does", async () => {
    for (const [param, value] of [
      ["presence_penalty", 3],
      ["frequency_penalty", -2.5],
      ["repetition_penalty", 0],
      ["top_k", -2],
      ["min_p", 1.5],
      ["top_logprobs", 6],
    ] as const) {
      const res = await post(u, "/v1/chat/completions", {
        model: "m",
        messages,
        logprobs: true,
        [param]: value,
      });
      assert.equal(res.status, 400, param);
      const { error } = (await res.json()) as { error: { message: string } };
      assert.ok(error.message.includes(param === "top_logprobs" ? "logprobs" : param), error.message);
    }
    const ok = await post(u, "/v1/chat/completions", {
      model: "m",
      messages,
      presence_penalty: 2,
      frequency_penalty: -2,
      repetition_penalty: 1.2,
      top_k: -1,
      min_p: 0.1,
    });
    assert.equal(ok.status, 200);
  });
});
