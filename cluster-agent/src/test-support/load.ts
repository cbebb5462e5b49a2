/**
 * Constant concurrent load through the real public API (createApiServer over HTTP), for tests that
 * change what serves a model while requests run (rotation). Every answer is kept with when it started,
 * so a test can tell which version answered and whether it started before or after a switch.
 */
import { EventEmitter } from "node:events";
import type { FastifyInstance } from "fastify";
import { createApiServer } from "../api/server.js";
import { createLogger } from "../common/log.js";
import type { ModelRegistry } from "../serving/models.js";

export interface Answer {
  prompt: string;
  /** performance.now() when the request was sent and when its answer arrived. */
  startedAt: number;
  endedAt: number;
  status: number;
  text: string | null;
  error: string | null;
}

export interface TestApi {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The public API on an ephemeral port, every request authenticated as one account. */
export async function startTestApi(models: ModelRegistry): Promise<TestApi> {
  const app = createApiServer({
    models,
    authenticator: { authenticate: () => ({ ok: true, keyId: "key_test", accountId: "acct_test" }) },
    logger: createLogger({ level: "silent" }),
    bodyLimitBytes: 1 << 20,
    requestTimeoutMs: 30_000,
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { url, app, close: () => app.close() };
}

export interface LoadOptions {
  url: string;
  model: string;
  prompts: string[];
  /** Requests running at once. */
  workers: number;
  maxTokens: number;
  /** Every other request streams, so both response paths run during the change. */
  stream?: boolean;
}

export class Load extends EventEmitter<{ answer: [Answer] }> {
  readonly answers: Answer[] = [];
  private stopped = false;
  private readonly running: Promise<void>[];

  constructor(private readonly o: LoadOptions) {
    super();
    this.running = Array.from({ length: o.workers }, (_, w) => this.worker(w));
  }

  /** Resolves once `n` more answers arrived than now. */
  more(n: number): Promise<void> {
    const target = this.answers.length + n;
    return new Promise((resolve) => {
      const on = () => {
        if (this.answers.length < target) return;
        this.off("answer", on);
        resolve();
      };
      this.on("answer", on);
    });
  }

  async stop(): Promise<Answer[]> {
    this.stopped = true;
    await Promise.all(this.running);
    return this.answers;
  }

  private async worker(w: number): Promise<void> {
    for (let i = w; !this.stopped; i += this.o.workers) {
      const prompt = this.o.prompts[i % this.o.prompts.length]!;
      const stream = this.o.stream === true && i % 2 === 1;
      const startedAt = performance.now();
      let answer: Answer;
      try {
        const res = await fetch(`${this.o.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer test" },
          body: JSON.stringify({
            model: this.o.model,
            messages: [{ role: "user", content: prompt }],
            max_tokens: this.o.maxTokens,
            temperature: 0,
            stream,
          }),
        });
        const body = await res.text();
        const text =
          res.status === 200
            ? stream
              ? streamedText(body)
              : JSON.parse(body).choices[0].message.content
            : null;
        answer = {
          prompt,
          startedAt,
          endedAt: performance.now(),
          status: res.status,
          text,
          error: text === null ? body : null,
        };
      } catch (error) {
        answer = {
          prompt,
          startedAt,
          endedAt: performance.now(),
          status: 0,
          text: null,
          error: String(error),
        };
      }
      this.answers.push(answer);
      this.emit("answer", answer);
    }
  }
}

/** Joins a chat stream's deltas; an error event in the stream makes the answer an error. */
function streamedText(body: string): string | null {
  let text = "";
  for (const line of body.split("\n")) {
    if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
    const chunk = JSON.parse(line.slice(6));
    if (chunk.error) return null;
    text += chunk.choices?.[0]?.delta?.content ?? "";
  }
  return body.includes("data: [DONE]") ? text : null;
}
