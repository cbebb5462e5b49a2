/**
 * The fault-injection suite's shared parts: constant load from the official `openai` SDK that records
 * every outcome, and the one line each scenario prints (scenario, requests sent, completed, failed and
 * why, usage rows, verdict), so `npm run test:faults` reads like a report.
 */

import { until } from "@entrim/cluster-agent/test-support/until.js";
import OpenAI from "openai";

export interface Outcome {
  /** The agent's request id (x-request-id), when a response arrived. */
  requestId?: string;
  ok: boolean;
  /** Why it failed: HTTP status and error code ("503 node_draining"), or the client's error name. */
  reason?: string;
  /** Tokens the response reported as usage. */
  completionTokens?: number;
}

export interface LoadOptions {
  baseURL: string;
  apiKey: string;
  model: string;
  workers?: number;
  maxTokens?: number;
  stream?: boolean;
  prompts?: string[];
  /** Per-request client timeout. */
  timeoutMs?: number;
}

function reasonOf(error: unknown): string {
  // A connection error is an APIError without a status: name it for what it is.
  if (error instanceof OpenAI.APIConnectionTimeoutError) return "timeout";
  if (error instanceof OpenAI.APIConnectionError) return "connection error";
  if (error instanceof OpenAI.APIError) {
    // No status: the error arrived inside a stream that had already answered 200.
    if (error.status === undefined)
      return `stream error ${(error.error as { code?: string } | undefined)?.code ?? ""}`.trim();
    const code = (error.error as { code?: string } | undefined)?.code ?? error.code ?? "";
    return `${error.status ?? "no-status"} ${code}`.trim();
  }
  return error instanceof Error ? error.name : String(error);
}

/** Constant load: `workers` loops each sending one request after another until stop(). */
export class SdkLoad {
  readonly outcomes: Outcome[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly client: OpenAI;

  constructor(private readonly o: LoadOptions) {
    this.client = new OpenAI({
      apiKey: o.apiKey,
      baseURL: o.baseURL,
      maxRetries: 0,
      timeout: o.timeoutMs ?? 30_000,
    });
  }

  start(): this {
    this.running = true;
    const workers = this.o.workers ?? 4;
    const prompts = this.o.prompts ?? ["Say hello.", "Count to three.", "Name a colour."];
    this.loops = Array.from({ length: workers }, async (_, w) => {
      for (let i = w; this.running; i += workers) await this.once(prompts[i % prompts.length]!);
    });
    return this;
  }

  /** One request, recorded like the loop's. */
  async once(prompt = "Say hello."): Promise<Outcome> {
    let outcome: Outcome;
    try {
      if (this.o.stream) {
        // A stream object carries no _request_id (only parsed JSON bodies do): read it from the response.
        const { data: stream, request_id } = await this.client.chat.completions
          .create({
            model: this.o.model,
            messages: [{ role: "user", content: prompt }],
            max_tokens: this.o.maxTokens ?? 8,
            stream: true,
            stream_options: { include_usage: true },
          })
          .withResponse();
        let tokens: number | undefined;
        for await (const chunk of stream) tokens = chunk.usage?.completion_tokens ?? tokens;
        outcome = { ok: true, requestId: request_id ?? undefined, completionTokens: tokens };
      } else {
        const answer = await this.client.chat.completions.create({
          model: this.o.model,
          messages: [{ role: "user", content: prompt }],
          max_tokens: this.o.maxTokens ?? 8,
        });
        outcome = {
          ok: true,
          requestId: answer._request_id ?? undefined,
          completionTokens: answer.usage?.completion_tokens,
        };
      }
    } catch (error) {
      outcome = { ok: false, reason: reasonOf(error) };
    }
    this.outcomes.push(outcome);
    return outcome;
  }

  /** Resolves once at least `n` more requests have finished. */
  async more(n: number, timeoutMs = 60_000): Promise<void> {
    const target = this.outcomes.length + n;
    await until(`the load reaches ${target} requests`, () => this.outcomes.length >= target, {
      timeoutMs,
      intervalMs: 20,
    });
  }

  async stop(): Promise<Outcome[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.outcomes;
  }

  get completed(): Outcome[] {
    return this.outcomes.filter((o) => o.ok);
  }

  get failed(): Outcome[] {
    return this.outcomes.filter((o) => !o.ok);
  }
}

export interface ScenarioReport {
  scenario: string;
  sent: number;
  completed: number;
  failed: number;
  /** Failures by reason ("503 node_draining": 3). */
  why?: Record<string, number>;
  /** Usage rows in the store for this scenario's requests (null: the scenario checks none). */
  usageRows: number | null;
  verdict: "pass" | "FAIL";
  /** Anything else an operator would want on the line (e.g. "node degraded then serving"). */
  detail?: string;
}

export function reasons(outcomes: Outcome[]): Record<string, number> {
  const why: Record<string, number> = {};
  for (const o of outcomes) if (!o.ok) why[o.reason ?? "unknown"] = (why[o.reason ?? "unknown"] ?? 0) + 1;
  return why;
}

/** Prints the scenario's one line to stdout (the test runner passes it through). */
export function report(r: ScenarioReport): void {
  const why = Object.entries(r.why ?? {})
    .map(([reason, count]) => `${reason} ×${count}`)
    .join(", ");
  const fields = [
    `fault: ${r.scenario}`,
    `sent ${r.sent}`,
    `completed ${r.completed}`,
    `failed ${r.failed}${why ? ` (${why})` : ""}`,
    `usage rows ${r.usageRows ?? "n/a"}`,
    r.detail,
    `verdict ${r.verdict}`,
  ].filter(Boolean);
  process.stdout.write(`${fields.join(" | ")}\n`);
}
