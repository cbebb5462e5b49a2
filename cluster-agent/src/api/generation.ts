import type { FastifyReply, FastifyRequest } from "fastify";
import type { AdmissionGate } from "../admission/gate.js";
import { Cancellation } from "../common/cancellation.js";
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import type { Principal } from "../domain/principal.js";
import type { TokenUsage } from "../domain/token-usage.js";
import type { Meter } from "../metering/meter.js";
import type { DeltaSink, GenerationRequest, GenerationResult } from "../runtime/types.js";
import { ClientGoneError, type Release } from "../scheduler/scheduler.js";
import type { InFlightRequests } from "../serving/in-flight.js";
import type { ModelRegistry, ServedModel } from "../serving/models.js";
import { checkCapabilities } from "./capabilities.js";
import { runChoices } from "./choices.js";
import type { GenerationEndpoint, ResponseMeta } from "./endpoint.js";
import { modelNotFound, type RetiredModels, refuseIfRetired } from "./errors.js";
import { FrameBuffer } from "./frame-buffer.js";
import { reservationBound, settleMaxTokens } from "./generation-request.js";
import { logUnspooled, recordCompleted, recordUsage, recordUsageQuietly } from "./usage-record.js";
import { WriteStallGuard } from "./write-stall.js";

/** A client that stops reading its stream is cut off once this much output waits for it. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export type { Principal };

export interface GenerationDeps {
  models: ModelRegistry;
  logger: Logger;
  gate: Required<AdmissionGate>;
  inFlight: InFlightRequests;
  meter: Meter | null;
  /** A stream whose client reads nothing for this long while output waits is cut off. */
  writeTimeoutMs: number;
  /** Models retired from the catalogue are refused, as their deprecation notice promised. */
  retirements?: RetiredModels | undefined;
}

/** One admitted generation request, as the stages below share it. */
interface Call {
  // biome-ignore lint/suspicious/noExplicitAny: each endpoint's body type is its own; the pipeline only passes it back
  endpoint: GenerationEndpoint<any>;
  body: unknown;
  request: FastifyRequest;
  reply: FastifyReply;
  principal: Principal;
  deps: GenerationDeps;
  served: ServedModel;
  model: string;
  generation: GenerationRequest;
  stream: boolean;
  abort: Cancellation;
  meta: ResponseMeta;
  /** Set when the request was ended from outside (suspension, drain deadline). */
  cutBy: ApiError | null;
  firstTokenAt: number | null;
}

export async function handleGeneration<Body>(
  endpoint: GenerationEndpoint<Body>,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  deps: GenerationDeps,
): Promise<void> {
  // Before anything runs: a request whose usage could not be recorded must not be served.
  deps.meter?.ensureCapacity();
  const body = endpoint.parse(request.body);
  const modelName = endpoint.model(body);
  refuseIfRetired(deps.retirements, modelName);
  const abort = new Cancellation();
  const raw = reply.raw;
  raw.once("close", () => {
    if (!raw.writableFinished) abort.abort();
  });
  // The request holds the version it entered until its response ended, so a rotation that switches
  // the model meanwhile never disturbs it, and unloads the old version only after it.
  const entered = deps.models.enter(modelName, abort.signal);
  if (!entered) throw modelNotFound(modelName);
  let served: ServedModel;
  if (entered instanceof Promise) {
    try {
      served = await entered;
    } catch (error) {
      if (!(error instanceof ClientGoneError)) throw error;
      // Gone while its model was held for a rotation: like a client gone from the queue.
      reply.hijack();
      void recordUsageQuietly(
        { request, deps, principal, model: modelName, firstTokenAt: null, endpoint },
        "cut",
        499,
        null,
      );
      return;
    }
  } else served = entered;
  try {
    await generateOn(served, endpoint, body, request, reply, principal, deps, abort);
  } catch (error) {
    throw inEndpointTerms(endpoint, error);
  } finally {
    served.leave();
  }
}

/** An error naming a parameter in chat's terms, renamed to the one the client sent. */
function inEndpointTerms(endpoint: GenerationEndpoint<unknown>, error: unknown): unknown {
  if (!(error instanceof ApiError) || error.param === null || endpoint.param === undefined) return error;
  const param = endpoint.param(error.param);
  if (param === error.param) return error;
  return new ApiError(error.status, error.type, error.message, param, error.code, error.headers);
}

async function generateOn<Body>(
  served: ServedModel,
  endpoint: GenerationEndpoint<Body>,
  body: Body,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  deps: GenerationDeps,
  abort: Cancellation,
): Promise<void> {
  // Prompt-cache state is shared within an account only, never across accounts.
  const generation = endpoint.toGeneration(body, abort.signal, principal.accountId);
  checkCapabilities(endpoint.name, served.runtime, generation);
  // Cheap refusals first: a request that could not wait in the queue, or that is over a rate limit
  // even by an upper bound on its size, is refused before its prompt is tokenized.
  served.scheduler.checkRoom(principal.accountId);
  const asked = endpoint.maxTokens(body);
  const model = served.runtime.model.id;
  // n choices may each use the whole completion budget; the prompt is billed once.
  const n = generation.n ?? 1;
  const bound = reservationBound(served, generation, asked);
  const reservation = deps.gate.reserve({
    principal,
    ip: request.clientIp,
    model,
    promptTokens: bound.promptTokens,
    maxTokens: bound.maxTokens * n,
  });
  let usage: TokenUsage | null = null;
  try {
    const promptTokens = await settleMaxTokens(served, generation, asked);
    reservation?.reconcile?.(promptTokens, generation.maxTokens * n);
    if (reservation) reply.headers(reservation.headers);
    usage = await run({
      endpoint,
      body,
      request,
      reply,
      principal,
      deps,
      served,
      model,
      generation,
      stream: endpoint.stream(body),
      abort,
      meta: { id: endpoint.id(request.id), created: Math.floor(Date.now() / 1000), model },
      cutBy: null,
      firstTokenAt: null,
    });
  } finally {
    reservation?.settle(usage);
  }
}

/**
 * Runs the request's generation: one runtime call, or, for n choices on a runtime that answers one at
 * a time, one call per choice on as many slots as are free (never waiting for a second slot while
 * holding one, so two such requests cannot deadlock each other).
 */
function generate(call: Call, slots: Release[], onDelta?: DeltaSink) {
  const { runtime } = call.served;
  const n = call.generation.n ?? 1;
  if (n === 1 || runtime.nativeChoices === true) return runtime.generate(call.generation, onDelta);
  for (let i = 1; i < n; i++) {
    const extra = call.served.scheduler.tryAcquire();
    if (extra === null) break;
    slots.push(extra);
  }
  return runChoices(runtime, call.generation, n, slots.length, call.abort, onDelta);
}

/** Takes a slot, registers the request as in flight, generates; returns the usage, if any. */
async function run(call: Call): Promise<TokenUsage | null> {
  const { served, reply, deps } = call;
  const slots: Release[] = [];
  const release = () => {
    for (const slot of slots) slot();
  };
  try {
    slots.push(await served.scheduler.acquire(call.principal.accountId, call.abort.signal));
  } catch (error) {
    if (error instanceof ClientGoneError) {
      reply.hijack();
      void recordUsageQuietly(call, "cut", 499, null);
      return null;
    }
    throw error;
  }
  call.request.ran = true;
  const unregister = deps.inFlight.add({
    principal: call.principal,
    ip: call.request.clientIp,
    model: call.model,
    cut: (error) => {
      call.cutBy = error;
      call.abort.abort();
    },
  });
  try {
    if (call.stream) return await stream(call, slots);
    const result = await generate(call, slots);
    if (call.cutBy) {
      await recordUsageQuietly(call, "cut", call.cutBy.status, result.usage);
      throw call.cutBy;
    }
    if (result.aborted) {
      reply.hijack();
      void recordUsageQuietly(call, "cut", 499, result.usage);
      return result.usage;
    }
    logFinished(call, 200, result);
    // Not recorded, so not served: the answer is withheld and nothing is billed.
    await recordCompleted(call, result.usage);
    await reply.send(call.endpoint.body(result, call.meta, call.body));
    return result.usage;
  } finally {
    unregister();
    release();
  }
}

async function stream(call: Call, slots: Release[]): Promise<TokenUsage | null> {
  const { reply, deps } = call;
  const raw = reply.raw;
  const framer = call.endpoint.streamer(call.meta, call.body);
  // Frames that arrive in the same tick (an upstream TCP read carries many events) are joined and
  // leave in one write: one chunk of the HTTP chunked encoding and one syscall, where a write per
  // token cost three buffered chunks each; a lone token still goes out at once (after the tick's I/O).
  // Once the generation has ended, what waits leaves with the closing frames instead, in the same
  // write as the end of the response: the closing frames wait for the usage record anyway.
  const pending = new FrameBuffer();
  let ended = false;
  const flush = () => {
    if (ended) return;
    if (pending.length === 0) {
      // A stream with no opening frames (legacy completions) still shows its status at once.
      if (started && !raw.headersSent && !raw.destroyed) raw.flushHeaders();
      return;
    }
    const frames = pending.take();
    if (!raw.destroyed) guard.wrote(raw.write(frames));
  };
  /** Ends the response: what waits, then `last`, in one write. */
  const end = (last: string) => {
    pending.text(last);
    raw.end(pending.take());
    guard.ended();
  };
  // The status line waits for the first token, so a failure before any output is still a plain
  // HTTP error with the right status.
  let started = false;
  const start = () => {
    started = true;
    call.firstTokenAt = Date.now();
    reply.hijack();
    // getHeaders() returns a fresh object: set on it. A spread followed by more keys in one literal
    // took V8's slow path, about 3 µs per stream.
    const headers = reply.getHeaders() as Record<string, string>;
    headers["content-type"] = "text/event-stream; charset=utf-8";
    headers["cache-control"] = "no-cache";
    headers.connection = "keep-alive";
    headers["x-accel-buffering"] = "no";
    raw.writeHead(200, headers);
    // The headers and the opening frames leave with the first tick's frames, in one write.
    if (pending.length === 0) setImmediate(flush);
    pending.text(framer.first());
  };
  let stalled = false;
  const guard = new WriteStallGuard(raw, deps.writeTimeoutMs, () => {
    stalled = true;
    call.abort.abort();
  });
  const queued = () => {
    if (raw.writableLength + pending.length > MAX_BUFFERED_BYTES) {
      stalled = true;
      call.abort.abort();
    }
  };
  const sink: DeltaSink = (text, choice = 0, detail, json) => {
    if (!started) start();
    if ((text.length === 0 && detail === undefined) || raw.destroyed) return;
    if (pending.length === 0) setImmediate(flush);
    pending.text(framer.delta(text, choice, detail, json));
    queued();
  };
  const plain = framer.plainFrame?.();
  if (plain !== undefined) {
    // A plain token as the engine encoded it: its literal spliced between this frame's own bytes.
    const { prefix, suffix } = plain;
    sink.raw = (bytes, from, to) => {
      if (!started) start();
      if (raw.destroyed) return;
      if (pending.length === 0) setImmediate(flush);
      pending.splice(prefix, bytes, from, to, suffix);
      queued();
    };
  }
  let result: GenerationResult;
  try {
    result = await generate(call, slots, sink);
    ended = true;
  } catch (error) {
    ended = true;
    if (!started) throw error;
    const apiError = error instanceof ApiError ? error : null;
    deps.logger.error(
      { reqId: call.request.id, err: { message: (error as Error).message } },
      "stream failed",
    );
    await recordUsageQuietly(call, "failed", 200, null);
    end(
      framer.error(
        apiError?.message ?? "The model server failed while generating.",
        apiError?.type ?? "server_error",
        apiError?.code ?? "generation_failed",
      ),
    );
    return null;
  }
  if (call.cutBy) {
    // Ended from outside: the client learns why, in the stream if it has begun.
    await recordUsageQuietly(call, "cut", started ? 200 : call.cutBy.status, result.usage);
    if (!started) throw call.cutBy;
    end(framer.error(call.cutBy.message, call.cutBy.type, call.cutBy.code));
    return result.usage;
  }
  if (result.aborted) {
    if (!raw.destroyed) raw.destroy();
    if (stalled) {
      deps.logger.info(
        { reqId: call.request.id, completionTokens: result.usage.completionTokens },
        "stream cut off: its client stopped reading",
      );
    }
    // Billed for what was generated before the end, like any stream its client left.
    void recordUsageQuietly(call, "cut", 499, result.usage);
    logFinished(call, 499, result);
    return result.usage;
  }
  if (!started) start();
  try {
    await recordUsage(call, "completed", 200, result.usage);
  } catch (error) {
    // Not recorded, so not completed: the client sees an error instead of the end of its stream.
    logUnspooled(call, error);
    end(
      framer.error("The server could not record this request's usage.", "server_error", "usage_unrecorded"),
    );
    return result.usage;
  }
  end(framer.finish(result));
  logFinished(call, 200, result);
  return result.usage;
}

function logFinished(call: Call, status: number, result: GenerationResult): void {
  // Per-request detail is for debugging only: usage is metered separately, and a log line per request
  // would cost more than the rest of the gateway's work.
  const { logger } = call.deps;
  if (!logger.isLevelEnabled("debug")) return;
  logger.debug(
    {
      reqId: call.request.id,
      path: call.request.routeOptions.url,
      status,
      model: call.model,
      account: call.principal.accountId,
      keyId: call.principal.keyId,
      promptTokens: result.usage.promptTokens,
      cachedTokens: result.usage.cachedTokens,
      completionTokens: result.usage.completionTokens,
      finish: result.finishReason,
      ms: Math.round(call.reply.elapsedTime),
    },
    "request completed",
  );
}
