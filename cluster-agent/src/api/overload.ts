import underPressure, { type FastifyUnderPressureOptions } from "@fastify/under-pressure";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import { errorBody } from "./errors.js";

/** api.overload: when the agent's own event loop is saturated, new requests are refused at once. */
export interface OverloadOptions {
  enabled: boolean;
  /** Mean event-loop delay over a sample (ms) beyond which new requests are shed; 0: not checked. */
  maxEventLoopDelayMs: number;
  /** Event-loop utilisation over a sample (0..1) beyond which new requests are shed; 0: not checked. */
  maxEventLoopUtilization: number;
  /** How often the loop is sampled; the per-request check only reads the last sample. */
  sampleIntervalMs: number;
  /** Retry-After (whole seconds) of a shed request. */
  retryAfterSeconds: number;
}

export type ShedReason = "event_loop_delay" | "event_loop_utilization";

/** What the metrics read at scrape time: requests shed since start, and whether the node sheds now. */
export interface LoadShedding {
  shed(): Readonly<Record<ShedReason, number>>;
  overloaded(): boolean;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Set on routes that must answer whatever the load (health): see servedUnderPressure. */
    pressureHandler?: FastifyUnderPressureOptions["pressureHandler"];
  }
}

/** Route config of the health endpoints: they answer while requests are shed (a nullish result continues). */
export const servedUnderPressure = { pressureHandler: () => undefined };

/** State changes are logged at most this often, so a flapping sample cannot flood the log. */
const LOG_INTERVAL_MS = 1000;

export function overloaded(retryAfterSeconds: number): ApiError {
  return new ApiError(
    503,
    "server_error",
    `This node is overloaded right now; retry after ${retryAfterSeconds} s (another node may serve sooner).`,
    null,
    "server_overloaded",
    { "retry-after": String(retryAfterSeconds) },
  );
}

/**
 * Load shedding for the agent process itself (the model slots have the scheduler's queue): a timer
 * samples event-loop delay and utilisation (@fastify/under-pressure), and while either is over its
 * threshold every new request is answered 503 server_overloaded in the first onRequest hook, before
 * the client address, the key, the gates or the body: a refusal costs little more than the HTTP
 * parse, so the requests admitted keep their latency instead of all of them queueing into timeouts.
 * Registered before authentication(); must be the first hook.
 */
export function loadShedding(app: FastifyInstance, options: OverloadOptions, logger: Logger): LoadShedding {
  const counts: Record<ShedReason, number> = { event_loop_delay: 0, event_loop_utilization: 0 };
  if (!options.enabled || (options.maxEventLoopDelayMs <= 0 && options.maxEventLoopUtilization <= 0)) {
    return { shed: () => counts, overloaded: () => false };
  }
  const refusal = overloaded(options.retryAfterSeconds);
  const body = errorBody(refusal);
  const retryAfter = String(options.retryAfterSeconds);
  const shed = (request: FastifyRequest, reply: FastifyReply, type: string) => {
    counts[type === "eventLoopDelay" ? "event_loop_delay" : "event_loop_utilization"]++;
    reply.errorCode = refusal.code;
    reply
      .header("x-request-id", request.id)
      .header("retry-after", retryAfter)
      .code(503)
      .type("application/json; charset=utf-8");
    // The library sends what the handler returns (README: "any other return value than a promise or
    // nullish will be sent"), without calling the next hook; its typings only know void.
    return body;
  };
  app.register(underPressure, {
    // 0 turns a check off in the library too.
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxEventLoopUtilization: options.maxEventLoopUtilization,
    // Per sample, not since the process started (the library's default, which would never recover).
    eventLoopUtilizationMode: "interval",
    sampleInterval: options.sampleIntervalMs,
    pressureHandler: shed as unknown as FastifyUnderPressureOptions["pressureHandler"],
  });

  // Read by /readyz and the metrics; false until the plugin has loaded (app.ready).
  const underNow = () => (app.hasDecorator("isUnderPressure") ? app.isUnderPressure() : false);
  let logged = false;
  let shedBefore = 0;
  const total = () => counts.event_loop_delay + counts.event_loop_utilization;
  const watch = setInterval(() => {
    const now = underNow();
    if (now === logged) return;
    logged = now;
    const { eventLoopDelay, eventLoopUtilized } = app.memoryUsage();
    const sample = {
      eventLoopDelayMs: Math.round(eventLoopDelay),
      eventLoopUtilization: Math.round(eventLoopUtilized * 1000) / 1000,
    };
    if (now) {
      shedBefore = total();
      logger.warn(sample, "event loop overloaded: new API requests get 503 server_overloaded");
    } else {
      logger.info({ ...sample, shed: total() - shedBefore }, "overload over: serving new API requests again");
    }
  }, LOG_INTERVAL_MS).unref();
  app.addHook("onClose", (_app, done) => {
    clearInterval(watch);
    done();
  });
  return { shed: () => counts, overloaded: underNow };
}
