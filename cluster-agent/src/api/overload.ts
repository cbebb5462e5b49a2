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
  /**
   * The adaptive limit on API requests in flight never goes below this: enough requests at once to
   * keep one core busy, so a limit cut by a stall cannot starve a node (see InFlightLimit).
   */
  minInFlight: number;
  /**
   * Mean event-loop delay (ms) over which a busy sample already cuts the in-flight limit, far below
   * the stall-level maxEventLoopDelayMs, but only while more than limitAboveInFlight requests were in
   * flight in it; 0: the limit is cut only by saturated samples.
   */
  limitEventLoopDelayMs: number;
  /** Requests in flight above which limitEventLoopDelayMs applies (see InFlightLimit). */
  limitAboveInFlight: number;
}

/** What the metrics read at scrape time: requests shed since start, and whether the node sheds now. */
export interface LoadShedding {
  shed(): number;
  overloaded(): boolean;
  /** API requests being answered now (health and status routes not counted). */
  inFlight(): number;
  /** The adaptive limit on them; Infinity while the loop has room and nothing is limited. */
  inFlightLimit(): number;
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

/** A cutting sample sets the in-flight limit to this fraction of what was in flight in it. */
const LIMIT_DECREASE = 0.8;
/** A sample that keeps up, in which the limit refused requests or was reached, raises it by this factor. */
const LIMIT_INCREASE = 1.25;
/**
 * A sample this much below the utilisation threshold lifts the limit altogether: the loop has ample
 * room, and a limit left from an old burst would only refuse the next legitimate one while it grows.
 */
const LIMIT_RELEASE_UTILIZATION_FRACTION = 0.5;

/**
 * What one sample of the event loop says, for the in-flight limit: `saturated`, late (past
 * maxEventLoopDelayMs) and busy; `late`, busy and late past limitEventLoopDelayMs only; `keepsUp`,
 * neither; `roomy`, well under the utilisation threshold.
 */
export type LoopSample = "saturated" | "late" | "keepsUp" | "roomy";

/**
 * The adaptive in-flight limit (multiplicative cut and growth on the event loop's own signal): requests admitted
 * and not yet answered are what a saturated loop divides its time between, so their latency grows with
 * their number. A sample that is saturated cuts the limit below what was in flight during it;
 * requests over the limit are refused at once, which frees the connections they would have held while
 * the admitted ones finish in bounded time. Samples that keep up raise it again where it binds;
 * a loop with ample room lifts it. Streams waiting on a model cost the loop little, so they count but
 * never make a sample busy by themselves.
 *
 * A loop only somewhat late (`late`) cuts the limit too, once more than `cutAbove` requests were in
 * flight during a sample, and then in every late sample in which the limit was reached: many clients
 * that do not wait for each other (an open loop past capacity) then get quick refusals instead of a
 * backlog that grows for as long as the overload lasts, while a node at capacity with fewer clients
 * waiting on their own answers (a closed loop, which is as late but keeps up) is left whole. Such a
 * sample never raises the limit.
 */
export class InFlightLimit {
  current = 0;
  limit = Number.POSITIVE_INFINITY;
  /** Most in flight during the current sample, and whether the limit was reached in it. */
  private peak = 0;
  private reached = false;

  /**
   * `floor`: the limit never goes below it; `cutAbove`: a `late` sample starts the limit only with more
   * than this in flight.
   */
  constructor(
    private readonly floor: number,
    private readonly cutAbove = Number.POSITIVE_INFINITY,
  ) {}

  tryAcquire(): boolean {
    if (this.current >= this.limit) {
      this.reached = true;
      return false;
    }
    this.current++;
    if (this.current > this.peak) this.peak = this.current;
    if (this.current >= this.limit) this.reached = true;
    return true;
  }

  release(): void {
    this.current--;
  }

  /** One sample's verdict (see LoopSample). */
  sample(verdict: LoopSample): void {
    // Fewer than the floor in flight are not what saturates the loop (start-up, a stall elsewhere):
    // no cut then, or a node would start with its limit at the floor.
    // Somewhat late: many in flight start the limit, and a limit that is reached goes on being cut.
    const cut =
      (verdict === "saturated" && this.peak >= this.floor) ||
      (verdict === "late" &&
        (this.peak > this.cutAbove ||
          (this.reached && Number.isFinite(this.limit) && this.peak >= this.floor)));
    if (cut) {
      this.limit = Math.max(this.floor, Math.floor(Math.min(this.limit, this.peak) * LIMIT_DECREASE));
    } else if (verdict === "roomy") {
      this.limit = Number.POSITIVE_INFINITY;
    } else if (verdict === "keepsUp" && this.reached && Number.isFinite(this.limit)) {
      this.limit = Math.ceil(this.limit * LIMIT_INCREASE);
    }
    this.peak = this.current;
    this.reached = false;
  }
}

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
    return {
      shed: () => shedCount,
      overloaded: () => false,
      inFlight: () => 0,
      inFlightLimit: () => Number.POSITIVE_INFINITY,
    };
  }
  const limitDelay = options.limitEventLoopDelayMs;
  // With limitDelay 0 no sample is `late` (verdict below), so cutAbove then never applies.
  const limit = new InFlightLimit(options.minInFlight, options.limitAboveInFlight);
  // The library calls the handler when either check of its last sample is over; shedding needs both
  // (when both are on) for SUSTAINED_SAMPLES samples in a row, which this watcher keeps track of.
  const verdict = (eventLoopDelay: number, eventLoopUtilized: number): LoopSample => {
    const busy = maxUtilization <= 0 || eventLoopUtilized > maxUtilization;
    if (busy && (maxDelay <= 0 || eventLoopDelay > maxDelay)) return "saturated";
    if (busy && limitDelay > 0 && eventLoopDelay > limitDelay) return "late";
    return maxUtilization > 0 && eventLoopUtilized < maxUtilization * LIMIT_RELEASE_UTILIZATION_FRACTION
      ? "roomy"
      : "keepsUp";
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
      const seen = verdict(sample.eventLoopDelay, sample.eventLoopUtilized);
      overInARow = seen === "saturated" ? overInARow + 1 : 0;
      saturated = overInARow >= SUSTAINED_SAMPLES;
      limit.sample(seen);
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
  const refuse = (request: FastifyRequest, reply: FastifyReply) => {
    shedCount++;
    reply.errorCode = refusal.code;
    return reply
      .header("x-request-id", request.id)
      .header("retry-after", retryAfter)
      .code(503)
      .type("application/json; charset=utf-8");
  };
  const shed = (request: FastifyRequest, reply: FastifyReply) => {
    if (!saturated) return undefined;
    refuse(request, reply);
    // The library sends what the handler returns (README: "any other return value than a promise or
    // nullish will be sent"), without calling the next hook; nullish lets the request through. Its
    // typings only know void.
    return body;
  };
  // The in-flight limit, ahead of the library's hook (Fastify adds hooks and plugins in call order, and
  // this comes before the register below): every API request counts from here until its response
  // closes, however it ends.
  app.addHook("onRequest", (request, reply, done) => {
    if (request.routeOptions.config.pressureHandler) return done();
    if (!limit.tryAcquire()) {
      refuse(request, reply).send(body);
      return;
    }
    reply.raw.once("close", () => limit.release());
    done();
  });
  app.register(underPressure, {
    // 0 turns a check off in the library too.
    maxEventLoopDelay: maxDelay,
    maxEventLoopUtilization: maxUtilization,
    // Per sample, not since the process started (the library's default, which would never recover).
    eventLoopUtilizationMode: "interval",
    sampleInterval: options.sampleIntervalMs,
    pressureHandler: shed as unknown as FastifyUnderPressureOptions["pressureHandler"],
  });

  return {
    shed: () => shedCount,
    overloaded: () => saturated,
    inFlight: () => limit.current,
    inFlightLimit: () => limit.limit,
  };
}
