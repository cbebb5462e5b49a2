import underPressure, { type FastifyUnderPressureOptions } from "@fastify/under-pressure";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import { errorBody } from "./errors.js";

/**
 * api.overload: when the agent's own event loop is saturated, new requests are refused at once. The
 * loop counts as saturated when every check that is on is over its threshold: late (delay) and busy
 * (utilisation). Late alone is the machine's CPU going elsewhere (an embedded model's inference
 * threads, a neighbour), which the scheduler's queue handles; busy alone is a node at capacity that
 * still keeps up.
 */
export interface OverloadOptions {
  enabled: boolean;
  /** Mean event-loop delay over a sample (ms) over which the loop counts as late; 0: not checked. */
  maxEventLoopDelayMs: number;
  /** Event-loop utilisation over a sample (0..1) over which the loop counts as busy; 0: not checked. */
  maxEventLoopUtilization: number;
  /** How often the loop is sampled; the per-request check only reads the last sample. */
  sampleIntervalMs: number;
  /** Retry-After (whole seconds) of a shed request. */
  retryAfterSeconds: number;
}

/** What the metrics read at scrape time: requests shed since start, and whether the node sheds now. */
export interface LoadShedding {
  shed(): number;
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

/**
 * Samples in a row that must be over before requests are shed. A single stall (a GC pause, one large
 * body, a burst of stream work) is over by the time its sample shows it, and shedding after it would
 * only refuse requests the loop could now serve; saturation that lasts is what queues requests up.
 */
const SUSTAINED_SAMPLES = 2;

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
 * samples event-loop delay and utilisation (@fastify/under-pressure), and while both are over their
 * thresholds for SUSTAINED_SAMPLES samples in a row every new request is answered 503 server_overloaded in the first onRequest hook, before
 * the client address, the key, the gates or the body: a refusal costs little more than the HTTP
 * parse, so the requests admitted keep their latency instead of all of them queueing into timeouts.
 * Registered before authentication(); must be the first hook.
 */
export function loadShedding(app: FastifyInstance, options: OverloadOptions, logger: Logger): LoadShedding {
  let shedCount = 0;
  const maxDelay = options.maxEventLoopDelayMs;
  const maxUtilization = options.maxEventLoopUtilization;
  if (!options.enabled || (maxDelay <= 0 && maxUtilization <= 0)) {
    return { shed: () => shedCount, overloaded: () => false };
  }
  // The library calls the handler when either check of its last sample is over; shedding needs both
  // (when both are on) for SUSTAINED_SAMPLES samples in a row, which this watcher keeps track of.
  const over = (): boolean => {
    const { eventLoopDelay, eventLoopUtilized } = app.memoryUsage();
    return (
      (maxDelay <= 0 || eventLoopDelay > maxDelay) &&
      (maxUtilization <= 0 || eventLoopUtilized > maxUtilization)
    );
  };
  let saturated = false;
  let overInARow = 0;
  let lastSample: number | undefined;
  let lastSampleAt = 0;
  let logged = false;
  let loggedAt = 0;
  let shedBefore = 0;
  const watch = setInterval(() => {
    if (!app.hasDecorator("memoryUsage")) return;
    // Each sample counts once: a new one has new figures (a mean in fractions of a millisecond and a
    // busy fraction), and one whose figures repeat exactly (a loop busy throughout, twice) is caught
    // by its age.
    const sample = app.memoryUsage();
    const now = Date.now();
    const key = sample.eventLoopDelay + sample.eventLoopUtilized * 1e9;
    if (key !== lastSample || now - lastSampleAt >= 2 * options.sampleIntervalMs) {
      lastSample = key;
      lastSampleAt = now;
      overInARow = over() ? overInARow + 1 : 0;
      saturated = overInARow >= SUSTAINED_SAMPLES;
    }
    if (saturated === logged || now - loggedAt < LOG_INTERVAL_MS) return;
    logged = saturated;
    loggedAt = now;
    const figures = {
      eventLoopDelayMs: Math.round(sample.eventLoopDelay),
      eventLoopUtilization: Math.round(sample.eventLoopUtilized * 1000) / 1000,
    };
    if (saturated) {
      shedBefore = shedCount;
      logger.warn(figures, "event loop overloaded: new API requests get 503 server_overloaded");
    } else {
      logger.info(
        { ...figures, shed: shedCount - shedBefore },
        "overload over: serving new API requests again",
      );
    }
  }, options.sampleIntervalMs).unref();
  app.addHook("onClose", (_app, done) => {
    clearInterval(watch);
    done();
  });

  const refusal = overloaded(options.retryAfterSeconds);
  const body = errorBody(refusal);
  const retryAfter = String(options.retryAfterSeconds);
  const shed = (request: FastifyRequest, reply: FastifyReply) => {
    if (!saturated) return undefined;
    shedCount++;
    reply.errorCode = refusal.code;
    reply
      .header("x-request-id", request.id)
      .header("retry-after", retryAfter)
      .code(503)
      .type("application/json; charset=utf-8");
    // The library sends what the handler returns (README: "any other return value than a promise or
    // nullish will be sent"), without calling the next hook; nullish lets the request through. Its
    // typings only know void.
    return body;
  };
  app.register(underPressure, {
    // 0 turns a check off in the library too.
    maxEventLoopDelay: maxDelay,
    maxEventLoopUtilization: maxUtilization,
    // Per sample, not since the process started (the library's default, which would never recover).
    eventLoopUtilizationMode: "interval",
    sampleInterval: options.sampleIntervalMs,
    pressureHandler: shed as unknown as FastifyUnderPressureOptions["pressureHandler"],
  });

  return { shed: () => shedCount, overloaded: () => saturated };
}
