/**
 * A small, fast OpenAI-compatible model server standing in for vLLM / llama-server in tests and
 * benchmarks. Its answers are deterministic and its "tokenizer" is a whitespace word count, so tests can
 * check that usage, /tokenize and the adapter's numbers agree without a model. It must never be the
 * bottleneck of a benchmark: responses are assembled from precomputed strings.
 */

import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { answerEmbeddings } from "./upstream-embeddings.js";
import {
  checkSampling,
  countToolTokens,
  type FeatureJob,
  guidedJson,
  planToolCalls,
  respondFeatures,
  validMessages,
} from "./upstream-features.js";

export type TokenizeShape = "vllm" | "llama" | "none";

export interface UpstreamOptions {
  port?: number;
  host?: string;
  /** Latency before any answer starts. */
  delayMs?: number;
  /** Completion tokens ("pieces") per answer when max_tokens allows. */
  tokens?: number;
  /** Spacing between stream chunks; 0 sends the whole stream at once. */
  tokenDelayMs?: number;
  /** Chunks sent together every tokenDelayMs (default 1): a fast engine that still streams for a while. */
  piecesPerTick?: number;
  /**
   * When set, every request but GET /health must carry `Authorization: Bearer <requireKey>`, as vLLM's
   * and llama-server's `--api-key` demand (both leave their health endpoint open).
   */
  requireKey?: string;
  /** Prints each generation request with its prompt on stdout, as vLLM does at its default log level. */
  logRequests?: boolean;
  /** When set, requests naming another model get vLLM's 404. */
  model?: string;
  /** When set, prompt + max_tokens beyond it get vLLM's 400. */
  contextLength?: number;
  /** Reported as prompt_tokens_details.cached_tokens (capped at the prompt); unset omits the field. */
  cachedTokens?: number;
  /** Simulates servers that report no usage. */
  omitUsage?: boolean;
  /** Which /tokenize dialect to serve, if any. */
  tokenize?: TokenizeShape;
  /**
   * Whether "auto" tool choice works, as when vLLM runs with `--enable-auto-tool-choice
   * --tool-call-parser hermes` (default true); false answers vLLM's 400 for it.
   */
  autoToolChoice?: boolean;
  /** vLLM's `--max-logprobs` (default 20): more alternatives asked for is a 400. */
  maxLogprobs?: number;
}

/** Makes generation endpoints fail; `echoPrompt` puts the prompt in the message, as careless servers do. */
export interface UpstreamFault {
  status: number;
  echoPrompt?: boolean;
}

export interface UpstreamEvents {
  /** A client closed its connection before its response ended (e.g. a cancelled stream). */
  "client-closed": [];
}

export interface Upstream {
  /** Base URL ending in /v1. */
  readonly url: string;
  readonly port: number;
  /** Requests received so far, all endpoints. */
  readonly requests: number;
  /** The body of the last generation request, as received: tests check what the adapter sent. */
  readonly lastGeneration: Record<string, unknown> | null;
  readonly events: EventEmitter<UpstreamEvents>;
  setFault(fault: UpstreamFault | null): void;
  close(): Promise<void>;
}

/** Deterministic output with multi-byte characters, so UTF-8 handling is exercised on every run. */
const PIECES = ["Hello", ",", " world", " —", " naïve", " café", " 世界", " 🙂", " tokens", " flow", "."];
const PIECE_JSON = PIECES.map((p) => JSON.stringify(p));

export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) <= 32) inWord = false;
    else if (!inWord) {
      inWord = true;
      n++;
    }
  }
  return n;
}

/**
 * The stand-in tokenizer: words of every message (and of its tool calls) plus 4 per message for the
 * chat template, and the tools' names and descriptions plus 4 per tool when tools are given.
 */
export function countChatTokens(
  messages: ReadonlyArray<{ content: string | null; tool_calls?: unknown }>,
  tools?: unknown,
): number {
  let n = countToolTokens(tools, countWords);
  for (const m of messages) {
    n += (typeof m.content === "string" ? countWords(m.content) : 0) + 4;
    if (Array.isArray(m.tool_calls)) {
      for (const c of m.tool_calls as { function?: { name?: string; arguments?: string } }[]) {
        n += countWords(c.function?.name ?? "") + countWords(c.function?.arguments ?? "");
      }
    }
  }
  return n;
}

export function pieceAt(i: number): string {
  return PIECES[i % PIECES.length]!;
}

export function pieceText(count: number): string {
  let text = "";
  for (let i = 0; i < count; i++) text += PIECES[i % PIECES.length];
  return text;
}

interface Job {
  chat: boolean;
  model: string;
  promptTokens: number;
  pieces: number;
  finish: "stop" | "length";
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
}

const JSON_HEADERS = { "content-type": "application/json" };
const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };

function sendError(res: ServerResponse, status: number, message: string, type: string, param: string | null) {
  res.writeHead(status, JSON_HEADERS);
  res.end(JSON.stringify({ error: { message, type, param, code: null } }));
}

export async function startUpstream(options: UpstreamOptions = {}): Promise<Upstream> {
  const delayMs = options.delayMs ?? 0;
  const tokens = options.tokens ?? 16;
  const tokenDelayMs = options.tokenDelayMs ?? 0;
  const tokenizeShape = options.tokenize ?? "vllm";
  const authHeader = options.requireKey === undefined ? null : `Bearer ${options.requireKey}`;
  const created = Math.floor(Date.now() / 1000);
  const events = new EventEmitter<UpstreamEvents>();
  let requests = 0;
  let lastGeneration: Record<string, unknown> | null = null;
  let nextId = 0;
  let fault: UpstreamFault | null = null;

  function usageJson(promptTokens: number, completionTokens: number): string {
    const cached =
      options.cachedTokens === undefined
        ? ""
        : `,"prompt_tokens_details":{"cached_tokens":${Math.min(options.cachedTokens, promptTokens)}}`;
    return `{"prompt_tokens":${promptTokens},"completion_tokens":${completionTokens},"total_tokens":${
      promptTokens + completionTokens
    }${cached}}`;
  }

  function chunk(job: Job, head: string, index: number, body: string, finish: string): string {
    const usage = job.continuousUsage
      ? `,"usage":${usageJson(job.promptTokens, index)}`
      : job.includeUsage
        ? ',"usage":null'
        : "";
    return `data: ${head}[{"index":0,${body},"logprobs":null,"finish_reason":${finish}}]${usage}}\n\n`;
  }

  function streamHead(job: Job, id: number): string {
    const object = job.chat ? "chat.completion.chunk" : "text_completion";
    const prefix = job.chat ? "chatcmpl" : "cmpl";
    return `{"id":"${prefix}-${id}","object":"${object}","created":${created},"model":${JSON.stringify(job.model)},"choices":`;
  }

  function pieceChunk(job: Job, head: string, i: number): string {
    const piece = PIECE_JSON[i % PIECE_JSON.length];
    return chunk(job, head, i + 1, job.chat ? `"delta":{"content":${piece}}` : `"text":${piece}`, "null");
  }

  function tail(job: Job, head: string): string {
    let out = chunk(job, head, job.pieces, job.chat ? `"delta":{}` : `"text":""`, `"${job.finish}"`);
    if (job.includeUsage && !options.omitUsage) {
      out += `data: ${head}[],"usage":${usageJson(job.promptTokens, job.pieces)}}\n\n`;
    }
    return `${out}data: [DONE]\n\n`;
  }

  function respondJson(res: ServerResponse, job: Job) {
    const id = ++nextId;
    const text = pieceText(job.pieces);
    const choice = job.chat
      ? `{"index":0,"message":{"role":"assistant","content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":"${job.finish}"}`
      : `{"index":0,"text":${JSON.stringify(text)},"logprobs":null,"finish_reason":"${job.finish}"}`;
    const usage = options.omitUsage ? "" : `,"usage":${usageJson(job.promptTokens, job.pieces)}`;
    const object = job.chat
      ? `"chatcmpl-${id}","object":"chat.completion"`
      : `"cmpl-${id}","object":"text_completion"`;
    res.writeHead(200, JSON_HEADERS);
    res.end(
      `{"id":${object},"created":${created},"model":${JSON.stringify(job.model)},"choices":[${choice}]${usage}}`,
    );
  }

  function respondStream(res: ServerResponse, job: Job) {
    const head = streamHead(job, ++nextId);
    const opening = job.chat ? chunk(job, head, 0, `"delta":{"role":"assistant","content":""}`, "null") : "";
    res.writeHead(200, SSE_HEADERS);
    if (tokenDelayMs <= 0) {
      let body = opening;
      for (let i = 0; i < job.pieces; i++) body += pieceChunk(job, head, i);
      res.end(body + tail(job, head));
      return;
    }
    res.write(opening);
    let i = 0;
    const perTick = Math.max(1, options.piecesPerTick ?? 1);
    const timer = setInterval(() => {
      if (i < job.pieces) {
        let out = "";
        for (const end = Math.min(job.pieces, i + perTick); i < end; i++) out += pieceChunk(job, head, i);
        res.write(out);
      } else {
        clearInterval(timer);
        res.end(tail(job, head));
      }
    }, tokenDelayMs);
    res.once("close", () => clearInterval(timer));
  }

  function generate(
    _req: IncomingMessage,
    res: ServerResponse,
    chat: boolean,
    body: Record<string, unknown>,
  ) {
    lastGeneration = body;
    const model = typeof body.model === "string" ? body.model : "";
    if (options.model !== undefined && model !== options.model) {
      return sendError(res, 404, `The model \`${model}\` does not exist.`, "NotFoundError", "model");
    }
    let promptTokens: number;
    let promptText: string;
    if (chat) {
      const messages = body.messages;
      if (!validMessages(messages)) {
        return sendError(
          res,
          400,
          "messages must be an array of {role, content}",
          "BadRequestError",
          "messages",
        );
      }
      promptTokens = countChatTokens(messages, body.tools);
      promptText = messages.map((m) => m.content ?? "").join("\n");
    } else {
      if (typeof body.prompt !== "string") {
        return sendError(res, 400, "prompt must be a string", "BadRequestError", "prompt");
      }
      promptTokens = countWords(body.prompt);
      promptText = body.prompt;
    }
    if (options.logRequests) {
      process.stdout.write(
        `INFO Received request cmpl-${nextId + 1}: prompt: ${JSON.stringify(promptText)}\n`,
      );
      process.stdout.write(`INFO request ${nextId + 1}: ${promptText}\n`);
    }
    if (fault !== null) {
      const message = fault.echoPrompt ? `cannot process prompt: ${promptText}` : "injected failure";
      return sendError(
        res,
        fault.status,
        message,
        fault.status >= 500 ? "InternalServerError" : "BadRequestError",
        null,
      );
    }
    const maxTokens = typeof body.max_tokens === "number" ? body.max_tokens : tokens;
    if (options.contextLength !== undefined && promptTokens + maxTokens > options.contextLength) {
      return sendError(
        res,
        400,
        `This model's maximum context length is ${options.contextLength} tokens. However, you requested ${
          promptTokens + maxTokens
        } tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
        "BadRequestError",
        null,
      );
    }
    const rejected = checkSampling(body, chat, options.maxLogprobs ?? 20);
    // vLLM names the field in its message only; its `param` is null.
    if (rejected !== null) return sendError(res, 400, rejected, "BadRequestError", null);
    const calls = chat ? planToolCalls(body, options.autoToolChoice ?? true) : null;
    if (typeof calls === "string") return sendError(res, 400, calls, "BadRequestError", null);
    const streamOptions = body.stream_options as {
      include_usage?: unknown;
      continuous_usage_stats?: unknown;
    } | null;
    const job: Job = {
      chat,
      model,
      promptTokens,
      pieces: Math.min(tokens, maxTokens),
      finish: maxTokens < tokens ? "length" : "stop",
      stream: body.stream === true,
      includeUsage: streamOptions?.include_usage === true,
      continuousUsage: streamOptions?.continuous_usage_stats === true && !options.omitUsage,
    };
    const respond = featuresAsked(body, calls)
      ? (r: ServerResponse, j: Job) => respondFeatures(r, featureJob(j, body, calls))
      : job.stream
        ? respondStream
        : respondJson;
    if (delayMs <= 0) return respond(res, job);
    const timer = setTimeout(respond, delayMs, res, job);
    res.once("close", () => clearTimeout(timer));
  }

  function featuresAsked(body: Record<string, unknown>, calls: unknown[] | null): boolean {
    return (
      calls !== null ||
      guidedJson(body) !== null ||
      (typeof body.n === "number" && body.n > 1) ||
      body.logprobs === true ||
      typeof body.logprobs === "number"
    );
  }

  function featureJob(job: Job, body: Record<string, unknown>, calls: FeatureJob["calls"]): FeatureJob {
    const top = job.chat
      ? body.logprobs === true
        ? typeof body.top_logprobs === "number"
          ? body.top_logprobs
          : 0
        : null
      : typeof body.logprobs === "number"
        ? body.logprobs
        : null;
    return {
      ...job,
      id: ++nextId,
      created,
      omitUsage: options.omitUsage === true,
      n: typeof body.n === "number" ? body.n : 1,
      top,
      calls,
      json: calls === null ? guidedJson(body) : null,
      piece: pieceAt,
      usageJson,
    };
  }

  function tokenize(res: ServerResponse, path: string, body: Record<string, unknown>) {
    if (tokenizeShape === "vllm" && path === "/tokenize") {
      let count: number;
      if (Array.isArray(body.messages)) {
        count = countChatTokens(body.messages as { content: string | null }[], body.tools);
      } else if (typeof body.prompt === "string") count = countWords(body.prompt);
      else return sendError(res, 400, "prompt or messages required", "BadRequestError", null);
      res.writeHead(200, JSON_HEADERS);
      const ids = Array.from({ length: count }, (_, i) => i + 1);
      res.end(JSON.stringify({ count, max_model_len: options.contextLength ?? 4096, tokens: ids }));
      return;
    }
    if (tokenizeShape === "llama" && path === "/tokenize") {
      const content = typeof body.content === "string" ? body.content : "";
      res.writeHead(200, JSON_HEADERS);
      res.end(JSON.stringify({ tokens: Array.from({ length: countWords(content) }, (_, i) => i + 1) }));
      return;
    }
    if (tokenizeShape === "llama" && path === "/apply-template" && Array.isArray(body.messages)) {
      // Each message renders to exactly 4 words plus its content and calls, each tool to 4 words plus
      // its name and description, matching countChatTokens.
      const messages = body.messages as { role: string; content: string | null; tool_calls?: unknown }[];
      const calls = (m: (typeof messages)[number]) =>
        Array.isArray(m.tool_calls)
          ? (m.tool_calls as { function: { name: string; arguments: string } }[])
              .map((c) => ` ${c.function.name} ${c.function.arguments}`)
              .join("")
          : "";
      const tools = Array.isArray(body.tools)
        ? (body.tools as { function: { name: string; description?: string } }[]).map(
            (t) => `<tool> function : ${t.function.name} ${t.function.description ?? ""} </tool>\n`,
          )
        : [];
      const prompt =
        tools.join("") +
        messages.map((m) => `<|im_start|> ${m.role} : ${m.content ?? ""}${calls(m)} <|im_end|>`).join("\n");
      res.writeHead(200, JSON_HEADERS);
      res.end(JSON.stringify({ prompt }));
      return;
    }
    sendError(res, 404, "Not Found", "NotFoundError", null);
  }

  function onPost(req: IncomingMessage, res: ServerResponse, path: string, raw: string) {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
        throw new Error("not an object");
      body = parsed as Record<string, unknown>;
    } catch {
      return sendError(res, 400, "request body is not a valid JSON object", "invalid_request_error", null);
    }
    if (path === "/v1/chat/completions") return generate(req, res, true, body);
    if (path === "/v1/completions") return generate(req, res, false, body);
    if (path === "/v1/embeddings") return answerEmbeddings(res, body, delayMs);
    tokenize(res, path, body);
  }

  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) => {
    requests++;
    const path = req.url ?? "/";
    // A generation in flight or delayed: tell tests when its client walks away.
    res.once("close", () => {
      if (!res.writableFinished) events.emit("client-closed");
    });
    if (authHeader !== null && path !== "/health" && req.headers.authorization !== authHeader) {
      req.resume();
      return sendError(res, 401, "invalid API key", "authentication_error", null);
    }
    if (req.method === "GET") {
      req.resume();
      if (path === "/health") {
        res.writeHead(200);
        res.end();
      } else if (path === "/v1/models") {
        res.writeHead(200, JSON_HEADERS);
        const id = options.model ?? "upstream-model";
        const maxLen = options.contextLength ?? 4096;
        res.end(
          JSON.stringify({
            object: "list",
            data: [{ id, object: "model", created, owned_by: "upstream", max_model_len: maxLen }],
          }),
        );
      } else sendError(res, 404, "Not Found", "NotFoundError", null);
      return;
    }
    if (req.method !== "POST")
      return sendError(res, 405, "Method Not Allowed", "invalid_request_error", null);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
      onPost(req, res, path, raw);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/v1`,
    port: address.port,
    get requests() {
      return requests;
    },
    get lastGeneration() {
      return lastGeneration;
    },
    events,
    setFault(next) {
      fault = next;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
