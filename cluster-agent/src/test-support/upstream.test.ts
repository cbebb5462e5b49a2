import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
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
