/**
 * Keeps an external inference engine (vLLM, llama-server, SGLang) running as a child of the agent:
 * starts it, waits until its health URL answers, restarts it with exponential backoff when it exits,
 * and stops it cleanly. The engine runs in its own process group so that stopping it also stops the
 * worker processes it forks (vLLM's tensor-parallel workers), which would otherwise keep GPU memory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import type { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { request } from "undici";
import type { Logger } from "../common/log.js";

export type SupervisorState = "starting" | "healthy" | "restarting" | "stopped" | "failed";

export interface SupervisorOptions {
  /** Names the engine in logs. */
  name?: string;
  /** Executable and arguments; never a shell string, so nothing is re-interpreted. */
  command: string[];
  /** Added to the agent's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Answers 2xx once the engine serves requests (vLLM: http://host:port/health). */
  healthUrl: string;
  /** A start that is not healthy within this time is killed and counts as a failed start. */
  startTimeoutMs: number;
  logger?: Logger;
  healthIntervalMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Healthy this long, the engine is considered recovered and the backoff starts over. */
  resetAfterMs?: number;
  /** After SIGTERM, how long the engine may take to exit before SIGKILL. */
  stopGraceMs?: number;
  /** Consecutive failed starts (or short-lived runs) after which the supervisor gives up: "failed". */
  maxFailures?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SupervisorEvents {
  state: [SupervisorState];
  exit: [ExitInfo];
}

const MAX_LINE = 8192;

export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly #o: Required<Omit<SupervisorOptions, "env" | "cwd" | "logger">> & SupervisorOptions;
  #state: SupervisorState = "stopped";
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #poll: AbortController | null = null;
  #restartTimer: NodeJS.Timeout | null = null;
  #failures = 0;
  #healthySince = 0;
  #restarts = 0;
  #lastError = "";

  constructor(options: SupervisorOptions) {
    super();
    if (options.command.length === 0) throw new Error("supervisor: command is empty");
    this.#o = {
      name: "upstream",
      healthIntervalMs: 250,
      backoffInitialMs: 500,
      backoffMaxMs: 30_000,
      resetAfterMs: 60_000,
      stopGraceMs: 10_000,
      maxFailures: 10,
      ...options,
    };
  }

  get state(): SupervisorState {
    return this.#state;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Restarts after unexpected exits, since construction. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Why the last start failed, for operators (exit code/signal or spawn error code). */
  get lastError(): string {
    return this.#lastError;
  }

  /** Starts the engine (if not running) and resolves once it is healthy; rejects if it fails or is stopped. */
  start(): Promise<void> {
    if (this.#state === "healthy") return Promise.resolve();
    if (this.#state === "stopped" || this.#state === "failed") {
      this.#failures = 0;
      this.#spawn();
    }
    return new Promise<void>((resolve, reject) => {
      const onState = (state: SupervisorState) => {
        if (state === "healthy") resolve();
        else if (state === "failed" || state === "stopped") {
          reject(new Error(`${this.#o.name} ${state}${this.#lastError ? `: ${this.#lastError}` : ""}`));
        } else return;
        this.off("state", onState);
      };
      this.on("state", onState);
    });
  }

  /** SIGTERM to the engine's process group, SIGKILL after the grace period; resolves once it exited. */
  async stop(): Promise<void> {
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    this.#poll?.abort();
    const child = this.#child;
    this.#child = null;
    if (child !== null && child.exitCode === null && child.signalCode === null) {
      const exited = this.#exited;
      this.#signal(child, "SIGTERM");
      const grace = new AbortController();
      const killed = delay(this.#o.stopGraceMs, undefined, { signal: grace.signal }).then(
        () => this.#signal(child, "SIGKILL"),
        () => {},
      );
      await exited;
      grace.abort();
      await killed;
    }
    this.#setState("stopped");
  }

  #setState(state: SupervisorState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#o.logger?.info({ upstream: this.#o.name, state }, "upstream state");
    this.emit("state", state);
  }

  #signal(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      // Negative pid: the whole process group the engine leads.
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  }

  #spawn(): void {
    this.#setState("starting");
    const [file, ...args] = this.#o.command as [string, ...string[]];
    const child = spawn(file, args, {
      cwd: this.#o.cwd,
      env: this.#o.env === undefined ? process.env : { ...process.env, ...this.#o.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.#child = child;
    this.#forward(child.stdout, "stdout");
    this.#forward(child.stderr, "stderr");
    let onExit!: () => void;
    this.#exited = new Promise<void>((resolve) => {
      onExit = resolve;
    });
    let ended = false;
    const end = (info: ExitInfo) => {
      if (ended) return;
      ended = true;
      onExit();
      this.#onExit(child, info);
    };
    child.once("error", (err) => {
      this.#lastError = (err as NodeJS.ErrnoException).code ?? err.message;
      // A spawn failure (ENOENT, EACCES) will not heal by retrying.
      if (child.pid === undefined) {
        this.#failures = this.#o.maxFailures;
        end({ code: null, signal: null });
      }
    });
    child.once("exit", (code, signal) => end({ code, signal }));
    if (child.pid !== undefined) void this.#waitHealthy(child);
  }

  async #waitHealthy(child: ChildProcess): Promise<void> {
    const poll = new AbortController();
    this.#poll = poll;
    const deadline = performance.now() + this.#o.startTimeoutMs;
    const probeTimeout = Math.max(1_000, this.#o.healthIntervalMs * 4);
    while (!poll.signal.aborted && this.#child === child) {
      try {
        const res = await request(this.#o.healthUrl, {
          signal: poll.signal,
          headersTimeout: probeTimeout,
          bodyTimeout: probeTimeout,
        });
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) {
          if (this.#child !== child || poll.signal.aborted) return;
          this.#healthySince = performance.now();
          this.#setState("healthy");
          return;
        }
      } catch {
        // Not listening yet: the normal state of a loading engine.
      }
      if (performance.now() >= deadline) {
        this.#lastError = `not healthy within ${this.#o.startTimeoutMs} ms`;
        this.#o.logger?.warn({ upstream: this.#o.name }, "upstream start timed out; killing it");
        this.#signal(child, "SIGKILL");
        return;
      }
      await delay(this.#o.healthIntervalMs, undefined, { signal: poll.signal }).catch(() => {});
    }
  }

  #onExit(child: ChildProcess, info: ExitInfo): void {
    this.emit("exit", info);
    if (this.#child !== child) return; // stop() let go of it: an expected exit.
    this.#child = null;
    this.#poll?.abort();
    if (info.code !== null || info.signal !== null) {
      this.#lastError = info.signal !== null ? `killed by ${info.signal}` : `exited with code ${info.code}`;
    }
    const wasHealthy = this.#state === "healthy";
    if (wasHealthy && performance.now() - this.#healthySince >= this.#o.resetAfterMs) this.#failures = 0;
    this.#failures++;
    this.#o.logger?.warn({ upstream: this.#o.name, ...info, failures: this.#failures }, "upstream exited");
    if (this.#failures >= this.#o.maxFailures) {
      this.#setState("failed");
      return;
    }
    const backoff = Math.min(this.#o.backoffMaxMs, this.#o.backoffInitialMs * 2 ** (this.#failures - 1));
    this.#setState("restarting");
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      this.#restarts++;
      this.#spawn();
    }, backoff);
  }

  /** The engine's own log lines, at debug and unparsed; long lines are cut to keep memory bounded. */
  #forward(stream: Readable | null, name: "stdout" | "stderr"): void {
    const logger = this.#o.logger;
    if (stream === null) return;
    if (logger === undefined) {
      stream.resume();
      return;
    }
    stream.setEncoding("utf8");
    let partial = "";
    stream.on("data", (text: string) => {
      const lines = (partial + text).split("\n");
      partial = (lines.pop() ?? "").slice(0, MAX_LINE);
      for (const line of lines) {
        if (line.length > 0) logger.debug({ upstream: this.#o.name, stream: name }, line.slice(0, MAX_LINE));
      }
    });
    stream.on("end", () => {
      if (partial.length > 0) logger.debug({ upstream: this.#o.name, stream: name }, partial);
    });
  }
}
