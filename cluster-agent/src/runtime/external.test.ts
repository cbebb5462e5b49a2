import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { freeLoopbackPort } from "../common/ports.js";
import { rejectsWith } from "../test-support/api-error.js";
import {
  countChatTokens,
  countWords,
  pieceText,
  startUpstream,
  type Upstream,
  type UpstreamOptions,
} from "../test-support/upstream.js";
import { ExternalRuntime, type ExternalRuntimeOptions } from "./external.js";
import type { ChatGenerationRequest, CompletionGenerationRequest } from "./types.js";

const messages = [
  { role: "system" as const, content: "You are terse." },
  { role: "user" as const, content: "Name three rivers of Europe, please." },
];

function chat(extra: Partial<ChatGenerationRequest> = {}): ChatGenerationRequest {
  return { kind: "chat", messages, maxTokens: 64, signal: new AbortController().signal, ...extra };
}

function completion(extra: Partial<CompletionGenerationRequest> = {}): CompletionGenerationRequest {
  return {
    kind: "completion",
    prompt: "Once upon a time",
    maxTokens: 64,
    signal: new AbortController().signal,
    ...extra,
  };
}

const started: { close(): Promise<void> }[] = [];
const runtimes: ExternalRuntime[] = [];

async function upstream(options: UpstreamOptions = {}): Promise<Upstream> {
  const u = await startUpstream({ model: "upstream-name", ...options });
  started.push(u);
  return u;
}

function runtime(u: { url: string }, options: Partial<ExternalRuntimeOptions> = {}): ExternalRuntime {
  const r = new ExternalRuntime({
    modelId: "public-name",
    upstreamModel: "upstream-name",
    upstreamUrl: u.url,
    contextLength: 4096,
    timeoutMs: 30_000,
    ...options,
  });
  runtimes.push(r);
  return r;
}

after(async () => {
  await Promise.all(runtimes.map((r) => r.unload()));
  await Promise.all(started.map((u) => u.close()));
});

describe("ExternalRuntime against an OpenAI-compatible upstream", () => {
  let u: Upstream;
  let rt: ExternalRuntime;
  before(async () => {
    u = await upstream({ tokens: 16 });
    rt = runtime(u);
    await rt.load();
  });

  it("answers a chat request with the upstream's text, finish reason and usage", async () => {
    const result = await rt.generate(chat());
    assert.equal(result.text, pieceText(16));
    assert.equal(result.finishReason, "stop");
    assert.equal(result.aborted, false);
    assert.deepEqual(result.usage, {
      promptTokens: countChatTokens(messages),
      completionTokens: 16,
      cachedTokens: 0,
    });
  });

  it("streams a chat answer delta by delta, stopping at maxTokens", async () => {
    const deltas: string[] = [];
    const result = await rt.generate(chat({ maxTokens: 9 }), (d) => deltas.push(d));
    assert.equal(deltas.length, 9);
    assert.equal(deltas.join(""), pieceText(9));
    assert.equal(result.text, pieceText(9));
    assert.equal(result.finishReason, "length");
    assert.deepEqual(result.usage, {
      promptTokens: countChatTokens(messages),
      completionTokens: 9,
      cachedTokens: 0,
    });
  });

  it("answers completions, streamed and not", async () => {
    const plain = await rt.generate(completion({ maxTokens: 4 }));
    let streamed = "";
    const viaStream = await rt.generate(completion({ maxTokens: 4 }), (d) => {
      streamed += d;
    });
    for (const r of [plain, viaStream]) {
      assert.equal(r.text, pieceText(4));
      assert.equal(r.finishReason, "length");
      assert.deepEqual(r.usage, {
        promptTokens: countWords("Once upon a time"),
        completionTokens: 4,
        cachedTokens: 0,
      });
    }
    assert.equal(streamed, pieceText(4));
  });

  it("counts prompt tokens exactly as the upstream bills them (vLLM /tokenize)", async () => {
    for (const request of [chat(), completion()]) {
      const counted = await rt.countPromptTokens(request);
      const billed = await rt.generate(request);
      assert.equal(counted, billed.usage.promptTokens);
    }
  });

  it("runs a 64-way concurrent burst to completion", async () => {
    const before = rt.stats().requestsTotal;
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        i % 2 === 0 ? rt.generate(chat()) : rt.generate(chat(), () => {}),
      ),
    );
    for (const r of results) assert.equal(r.text, pieceText(16));
    const stats = rt.stats();
    assert.equal(stats.requestsTotal - before, 64);
    assert.equal(stats.active, 0);
    assert.equal(stats.slots, 64);
  });

  it("reports health from the upstream and describes the model under its public name", async () => {
    assert.deepEqual(await rt.health(), { ok: true, detail: "ready" });
    assert.equal(rt.model.id, "public-name");
    assert.equal(rt.kind, "external");
  });
});

describe("ExternalRuntime usage details and tokenizer dialects", () => {
  it("passes the upstream's cached prompt tokens through", async () => {
    const rt = runtime(await upstream({ cachedTokens: 5 }));
    const plain = await rt.generate(chat());
    const streamed = await rt.generate(chat(), () => {});
    assert.equal(plain.usage.cachedTokens, 5);
    assert.equal(streamed.usage.cachedTokens, 5);
  });

  it("uses llama-server's /apply-template + /tokenize when that is what the upstream speaks", async () => {
    const rt = runtime(await upstream({ tokenize: "llama" }));
    for (const request of [chat(), completion()]) {
      assert.equal(await rt.countPromptTokens(request), (await rt.generate(request)).usage.promptTokens);
    }
  });

  it("falls back to an upper-bound estimate when the upstream cannot tokenize", async () => {
    const rt = runtime(await upstream({ tokenize: "none" }));
    for (const request of [chat(), completion()]) {
      assert.ok((await rt.countPromptTokens(request)) >= (await rt.generate(request)).usage.promptTokens);
    }
  });

  it("refuses to answer without upstream usage rather than guess what to bill", async () => {
    const rt = runtime(await upstream({ omitUsage: true }));
    await rejectsWith(rt.generate(chat()), 502, "upstream_error");
    await rejectsWith(
      rt.generate(chat(), () => {}),
      502,
      "upstream_error",
    );
  });
});

describe("ExternalRuntime cancellation", () => {
  it("cancels the upstream request mid-stream and resolves with the partial text", async () => {
    const u = await upstream({ tokens: 100_000, tokenDelayMs: 2 });
    const rt = runtime(u);
    const controller = new AbortController();
    const closed = once(u.events, "client-closed");
    let received = "";
    const result = await rt.generate(chat({ maxTokens: 100_000, signal: controller.signal }), (d) => {
      received += d;
      if (received.length >= 10) controller.abort();
    });
    await closed; // the upstream saw its socket close: it stops generating
    assert.equal(result.aborted, true);
    assert.equal(result.text, received);
    assert.ok(pieceText(100).startsWith(result.text));
    assert.equal(rt.stats().active, 0);
  });

  it("keeps the upstream's exact prompt count for a cancelled stream with continuous usage stats", async () => {
    const u = await upstream({ tokens: 100_000, tokenDelayMs: 2 });
    const rt = runtime(u, { continuousUsageStats: true });
    const controller = new AbortController();
    let pieces = 0;
    const result = await rt.generate(chat({ maxTokens: 100_000, signal: controller.signal }), () => {
      if (++pieces === 3) controller.abort();
    });
    assert.equal(result.aborted, true);
    assert.deepEqual(result.usage, {
      promptTokens: countChatTokens(messages),
      completionTokens: 3,
      cachedTokens: 0,
    });
  });

  it("does not send a request whose signal has already fired", async () => {
    const u = await upstream();
    const rt = runtime(u);
    const seen = u.requests;
    const result = await rt.generate(chat({ signal: AbortSignal.abort() }), () => {});
    assert.equal(result.aborted, true);
    assert.equal(result.text, "");
    assert.equal(u.requests, seen);
  });
});

describe("ExternalRuntime upstream failures", () => {
  it("maps a context-length rejection to a 400 the customer can act on", async () => {
    const rt = runtime(await upstream({ contextLength: 32 }));
    const err = await rejectsWith(rt.generate(chat({ maxTokens: 100 })), 400, "context_length_exceeded");
    assert.equal(err.type, "invalid_request_error");
  });

  it("never echoes the prompt from an upstream error message", async () => {
    const u = await upstream();
    u.setFault({ status: 400, echoPrompt: true });
    const rt = runtime(u);
    const secret = "my-secret-prompt-words";
    const err = await rejectsWith(rt.generate(completion({ prompt: secret })), 400);
    assert.ok(!err.message.includes(secret));
    assert.ok(!String(err.cause ?? "").includes(secret));
  });

  it("turns upstream 5xx into 502 and upstream overload into 503", async () => {
    const u = await upstream();
    const rt = runtime(u);
    u.setFault({ status: 500 });
    await rejectsWith(rt.generate(chat()), 502, "upstream_error");
    await rejectsWith(
      rt.generate(chat(), () => {}),
      502,
      "upstream_error",
    );
    u.setFault({ status: 503 });
    const err = await rejectsWith(rt.generate(chat()), 503);
    assert.ok(err.headers["retry-after"]);
  });

  it("treats a refused key or unknown model upstream as the agent's fault (502), not the customer's", async () => {
    const u = await upstream({ requireKey: "right-key" });
    await rejectsWith(runtime(u, { apiKey: "wrong-key" }).generate(chat()), 502);
    await rejectsWith(runtime(u, { apiKey: "right-key", upstreamModel: "other" }).generate(chat()), 502);
    const ok = await runtime(u, { apiKey: "right-key" }).generate(chat());
    assert.equal(ok.usage.completionTokens, 16);
  });

  it("answers 503 and reports unhealthy when the upstream is unreachable", async () => {
    const rt = runtime({ url: `http://127.0.0.1:${await freeLoopbackPort()}/v1` });
    await rejectsWith(rt.generate(chat()), 503, "upstream_unavailable");
    await rejectsWith(
      rt.generate(chat(), () => {}),
      503,
      "upstream_unavailable",
    );
    await rejectsWith(rt.countPromptTokens(chat()), 503);
    const health = await rt.health();
    assert.equal(health.ok, false);
    assert.match(health.detail, /ECONNREFUSED/);
    await assert.rejects(rt.load());
  });

  it("answers 504 when the upstream does not answer in time", async () => {
    const rt = runtime(await upstream({ delayMs: 60_000 }), { timeoutMs: 200 });
    await rejectsWith(rt.generate(chat()), 504, "upstream_timeout");
  });
});
