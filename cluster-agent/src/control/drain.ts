import { EventEmitter } from "node:events";
import { mkdir } from "node:fs/promises";
import type { DrainProgress__Output, DrainStatus__Output } from "@entrim/proto";
import type { AdmissionGate } from "../admission/gate.js";
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import type { InFlightRequests } from "../serving/in-flight.js";
import {
  type DrainRecord,
  drainFilePath,
  readDrainFile,
  removeDrainFile,
  writeDrainFile,
} from "./drain-file.js";

export type { DrainRecord } from "./drain-file.js";

export type DrainState = "serving" | "draining" | "drained";

/** Requests this node still owes an answer: running (in a slot) and waiting for one. */
export interface DrainLoad {
  inFlight: number;
  queued: number;
}

export interface DrainControllerOptions {
  dataDir: string;
  /** E.g. `() => ({ inFlight: inFlight.size, queued: sum of scheduler.stats().queued })`. */
  load: () => DrainLoad;
  /** Whose requests are ended at the deadline. */
  inFlight: Pick<InFlightRequests, "cutWhere">;
  retryAfterSeconds: number;
  /** Used when drain() is given no deadline. */
  defaultDeadlineMs: number;
  /**
   * Writes the node's current control state to the registry. Best effort: the file in the data dir is
   * what a restart trusts, and agents resend their state with every heartbeat, so a write the store
   * missed arrives later. Called after every change, never concurrently.
   */
  registry?: () => Promise<unknown>;
  /** How often progress is re-read while draining (InFlightRequests has no completion events). */
  pollMs?: number;
  logger?: Logger | undefined;
  now?: () => number;
}

/** Thrown by undrain() on a serving node. */
export class NotDrainingError extends Error {
  constructor() {
    super("the node is not draining");
    this.name = "NotDrainingError";
  }
}

/**
 * Maintenance mode: serving → draining (new public requests refused, running and queued ones finish)
 * → drained (idle), and back to serving by undrain. A drain is saved in the data dir and the registry,
 * and a node restarted while draining or drained comes back drained: an operator who took a node out
 * of service must not find it serving again because it rebooted, even with the store unreachable.
 *
 * Events: "progress" (DrainProgress, when it changed), "state" (DrainState).
 */
export class DrainController extends EventEmitter {
  private current: DrainState;
  private record: DrainRecord | null;
  private cutOff = 0;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private lastEmitted = "";
  private saving: Promise<void> = Promise.resolve();
  private readonly file: string;
  private readonly now: () => number;
  private readonly refusal: ApiError;

  /** Reads a saved drain: a node that was draining or drained starts drained. */
  static async open(options: DrainControllerOptions): Promise<DrainController> {
    await mkdir(options.dataDir, { recursive: true });
    const saved = await readDrainFile(drainFilePath(options.dataDir));
    const controller = new DrainController(options, saved && { ...saved, state: "drained" });
    if (saved) {
      options.logger?.warn(
        { by: saved.by, reason: saved.reason, was: saved.state },
        "node starts drained (maintenance mode) as an operator left it; undrain to serve again",
      );
    }
    return controller;
  }

  private constructor(
    private readonly options: DrainControllerOptions,
    saved: DrainRecord | null,
  ) {
    super();
    this.record = saved;
    this.current = saved ? "drained" : "serving";
    this.file = drainFilePath(options.dataDir);
    this.now = options.now ?? Date.now;
    this.refusal = new ApiError(
      503,
      "server_error",
      "This node is draining for maintenance and takes no new requests. Retry the request: another node will serve it.",
      null,
      "node_draining",
      { "retry-after": String(options.retryAfterSeconds) },
    );
  }

  get state(): DrainState {
    return this.current;
  }

  /** For createApiServer's isAcceptingTraffic: false at once when a drain starts, so /readyz is 503. */
  isAccepting = (): boolean => this.current === "serving";

  /**
   * Runs right after suspensions ("suspension → drain gate → validation"): a draining node refuses
   * every new authenticated request with 503 and Retry-After; load balancers see /readyz fail too.
   */
  readonly gate: AdmissionGate = {
    checkPrincipal: () => {
      if (this.current !== "serving") throw this.refusal;
    },
  };

  /** Words for the registry and snapshots; "" while serving. */
  stateReason(): string {
    if (!this.record) return "";
    const verb = this.current === "draining" ? "draining" : "drained (maintenance mode)";
    return `${verb} by ${this.record.by}: ${this.record.reason}`;
  }

  /** The drain as the registry keeps it; null while serving. */
  registryDrain(): { by: string; reason: string; requestedAt: number; deadlineAt: number } | null {
    if (!this.record) return null;
    const { by, reason, requestedAt, deadlineAt } = this.record;
    return { by, reason, requestedAt, deadlineAt };
  }

  /**
   * Starts a drain, or joins the one under way (its deadline stands). Resolves once the drain is
   * saved; refusals start before that, synchronously. A drain that cannot be saved stays in effect and
   * rejects, so the operator learns it would not survive a restart.
   */
  async drain(request: { by: string; reason: string; deadlineMs?: number }): Promise<DrainStatus__Output> {
    if (this.current !== "serving") return this.status();
    const now = this.now();
    const deadlineMs = request.deadlineMs ?? this.options.defaultDeadlineMs;
    this.record = {
      state: "draining",
      by: request.by,
      reason: request.reason,
      requestedAt: now,
      deadlineAt: now + deadlineMs,
    };
    this.current = "draining";
    this.cutOff = 0;
    this.options.logger?.info({ by: request.by, reason: request.reason, deadlineMs }, "drain started");
    // Not unref'd: a drain under way is pending work; close() (at shutdown) stops the timers.
    this.deadlineTimer = setTimeout(() => this.onDeadline(), deadlineMs);
    this.pollTimer = setInterval(() => this.check(), this.options.pollMs ?? 100);
    this.emit("state", this.current);
    const saved = this.save();
    this.check();
    await saved;
    return this.status();
  }

  /** Returns to serving and cancels a pending deadline. Throws NotDrainingError while serving. */
  async undrain(request: { by: string; reason: string }): Promise<void> {
    if (this.current === "serving") throw new NotDrainingError();
    this.stopTimers();
    this.record = null;
    this.current = "serving";
    this.options.logger?.info({ by: request.by, reason: request.reason }, "undrained: serving again");
    this.emit("state", this.current);
    this.emitProgress();
    await this.save();
  }

  status(): DrainStatus__Output {
    return {
      draining: this.current === "draining",
      drained: this.current === "drained",
      requestedBy: this.record?.by ?? "",
      reason: this.record?.reason ?? "",
      requestedAtMs: this.record?.requestedAt ?? 0,
      deadlineAtMs: this.record?.deadlineAt ?? 0,
    };
  }

  progressNow(): DrainProgress__Output {
    const load = this.current === "drained" ? { inFlight: 0, queued: 0 } : this.options.load();
    return {
      state:
        this.current === "serving"
          ? "NODE_STATE_SERVING"
          : this.current === "draining"
            ? "NODE_STATE_DRAINING"
            : "NODE_STATE_DRAINED",
      requestsInFlight: load.inFlight,
      requestsQueued: load.queued,
      deadlineAtMs: this.record?.deadlineAt ?? 0,
      requestsCutOff: this.cutOff,
      done: this.current === "drained",
    };
  }

  /**
   * Progress now and at every change until the drain is done (or undone by undrain), or `signal`
   * aborts. A slow reader gets the latest progress, not a backlog: only the newest numbers matter.
   */
  async *progress(signal?: AbortSignal): AsyncGenerator<DrainProgress__Output> {
    let latest: DrainProgress__Output | undefined = this.progressNow();
    let wake: (() => void) | undefined;
    const onProgress = (p: DrainProgress__Output) => {
      latest = p;
      wake?.();
    };
    const onAbort = () => wake?.();
    this.on("progress", onProgress);
    signal?.addEventListener("abort", onAbort);
    try {
      while (!signal?.aborted) {
        if (!latest) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          continue;
        }
        const next: DrainProgress__Output = latest;
        latest = undefined;
        yield next;
        if (next.done || next.state === "NODE_STATE_SERVING") return;
      }
    } finally {
      this.off("progress", onProgress);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Re-reads the load now; call it when a request ends so progress does not wait for the next poll. */
  poke(): void {
    this.check();
  }

  /** Resolves when every save so far reached the file and the registry (tests, shutdown). */
  settled(): Promise<void> {
    return this.saving;
  }

  /** Stops timers; the saved drain stays (shutdown while draining comes back drained). */
  close(): void {
    this.stopTimers();
  }

  private onDeadline(): void {
    this.deadlineTimer = undefined;
    this.cut();
    this.check();
  }

  private cut(): void {
    const error = new ApiError(
      503,
      "server_error",
      "This node went into maintenance and ended the request at its drain deadline. Retry the request: another node will serve it.",
      null,
      "node_draining",
    );
    const cut = this.options.inFlight.cutWhere(() => true, error);
    if (cut > 0) {
      this.cutOff += cut;
      this.options.logger?.warn(
        { cut, total: this.cutOff },
        "drain deadline passed: ended requests in flight",
      );
    }
  }

  /** Re-reads the load; drained once nothing runs or waits. */
  private check(): void {
    if (this.current !== "draining" || !this.record) return;
    // Past the deadline, requests that were queued and got a slot since are ended as they appear.
    if (this.deadlineTimer === undefined && this.options.load().inFlight > 0) this.cut();
    const load = this.options.load();
    if (load.inFlight === 0 && load.queued === 0) {
      this.stopTimers();
      this.current = "drained";
      this.record = { ...this.record, state: "drained" };
      this.options.logger?.info({ cutOff: this.cutOff }, "drained: the node is idle (maintenance mode)");
      this.emit("state", this.current);
      void this.save().catch(() => {});
    }
    this.emitProgress();
  }

  private emitProgress(): void {
    const progress = this.progressNow();
    const key = JSON.stringify(progress);
    if (key === this.lastEmitted) return;
    this.lastEmitted = key;
    this.emit("progress", progress);
  }

  private stopTimers(): void {
    clearTimeout(this.deadlineTimer);
    clearInterval(this.pollTimer);
    this.deadlineTimer = undefined;
    this.pollTimer = undefined;
  }

  /** Queues a save of the state as it is now; saves run one after another, in order. */
  private save(): Promise<void> {
    const record = this.record;
    const write = async () => {
      if (record) await writeDrainFile(this.file, record);
      else await removeDrainFile(this.file);
      await this.options
        .registry?.()
        .catch((error: Error) =>
          this.options.logger?.warn(
            { err: error.message },
            "could not write the drain to the node registry; the next heartbeat will",
          ),
        );
    };
    const next = this.saving.then(write, write);
    this.saving = next.catch((error: Error) => {
      this.options.logger?.error({ err: error.message, file: this.file }, "could not save the drain");
    });
    return next;
  }
}
