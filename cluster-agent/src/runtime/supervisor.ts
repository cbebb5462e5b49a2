/**
 * Keeps an external inference engine (vLLM, llama-server, SGLang) running as a child of the agent:
 * starts it, waits until its health URL answers, restarts it with exponential backoff when it exits,
 * and stops it cleanly. The engine runs in its own process group so that stopping it also stops the
 * worker processes it forks (vLLM's tensor-parallel workers), which would otherwise keep GPU memory.
 *
 * The engine is untrusted third-party code: it starts with the environment it is given and nothing of
 * the agent's (engine-env.ts), optionally as another user, from an executable the caller has checked
 * (engine-exec.ts), and with a fresh API key on every start, so that only the agent can reach it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import type { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { request } from "undici";
import type { Logger } from "../common/log.js";
import { ENGINE_API_KEY_ENV, engineEnvironment } from "./engine-env.js";
import type { ResolvedExecutable } from "./engine-exec.js";
import { engineLogLine } from "./engine-log.js";

export type SupervisorState = "starting" | "healthy" | "restarting" | "stopped" | "failed";

export interface SupervisorOptions {
  /** Names the engine in logs. */
  name?: string;
  /**
   * Executable and arguments; never a shell string, so nothing is re-interpreted. `{apiKey}` in an
   * argument becomes this start's API key (prefer the environment: arguments are visible in `ps`).
   */
  command: string[];
  /**
   * The engine's whole environment (engineEnvironment builds it); nothing of the agent's is added.
   * `{apiKey}` in a value becomes this start's key, which is also set as ENTRIM_ENGINE_API_KEY.
   */
  env?: Record<string, string>;
  cwd?: string;
  /**
   * Finds and checks the executable before each start (engine-exec.ts allowedExecutable); a throw
   * fails the start without retrying, its message as lastError. Without it the command's first element
   * is started as it is.
   */
  resolve?: (file: string) => ResolvedExecutable;
  /** Runs the engine as this user and group (the agent must be root). */
  uid?: number;
  gid?: number;
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
  readonly #o: Required<Omit<SupervisorOptions, "env" | "cwd" | "logger" | "resolve" | "uid" | "gid">> &
    SupervisorOptions;
  #state: SupervisorState = "stopped";
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #poll: AbortController | null = null;
  #restartTimer: NodeJS.Timeout | null = null;
  #failures = 0;
  #healthySince = 0;
  #restarts = 0;
  #lastError = "";
  #apiKey = "";

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

  /**
   * The key of the engine's current start (32 random bytes, base64url): the engine is told to require
   * it, and the agent sends it as a Bearer token on every call. A new one each start, so a key seen
   * once (in a crash dump, by a process that read the engine's environment) is worthless after it.
   */
  get apiKey(): string {
    return this.#apiKey;
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
    const key = randomBytes(32).toString("base64url");
    this.#apiKey = key;
    const withKey = (text: string) => text.replaceAll("{apiKey}", key);
    const [file, ...args] = this.#o.command.map(withKey) as [string, ...string[]];
    let program: ResolvedExecutable;
    try {
      program = this.#o.resolve?.(file) ?? { found: file, real: file };
    } catch (err) {
      this.#refuse((err as Error).message);
      return;
    }
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.#o.env ?? engineEnvironment().env))
      env[name] = withKey(value);
    env[ENGINE_API_KEY_ENV] = key;
    const child = spawn(program.real, args, {
      argv0: program.found,
      cwd: this.#o.cwd,
      env,
      uid: this.#o.uid,
      gid: this.#o.gid,
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

  /** A start refused before anything ran (executable not allowed): as final as a spawn failure. */
  #refuse(why: string): void {
    this.#lastError = why;
    this.#failures = this.#o.maxFailures;
    this.#o.logger?.warn({ upstream: this.#o.name, reason: why }, "upstream not started");
    // Later, as a spawn error arrives: start() and its callers are listening by then.
    setImmediate(() => {
      this.emit("exit", { code: null, signal: null });
      this.#setState("failed");
    });
  }

  async #waitHealthy(child: ChildProcess): Promise<void> {
    const poll = new AbortController();
    this.#poll = poll;
    const deadline = performance.now() + this.#o.startTimeoutMs;
    const probeTimeout = Math.max(1_000, this.#o.healthIntervalMs * 4);
    while (!poll.signal.aborted && this.#child === child) {
      try {
        const res = await request(this.#o.healthUrl, {
          headers: { authorization: `Bearer ${this.#apiKey}` },
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

  /**
   * The engine's own log lines, at debug only and redacted (engine-log.ts): engines may print prompts,
   * and the agent's logs never hold one. Long lines are cut before that to keep memory bounded.
   */
  #forward(stream: Readable | null, name: "stdout" | "stderr"): void {
    const logger = this.#o.logger;
    if (stream === null) return;
    if (logger === undefined || !logger.isLevelEnabled("debug")) {
      stream.resume();
      return;
    }
    stream.setEncoding("utf8");
    let partial = "";
    const log = (line: string) => {
      // Healthy means requests may be reaching this engine; a restarted one is "starting" again.
      const kept = engineLogLine(line, this.#state === "healthy");
      if (kept !== undefined) logger.debug({ upstream: this.#o.name, stream: name }, kept);
    };
    stream.on("data", (text: string) => {
      const lines = (partial + text).split("\n");
      partial = (lines.pop() ?? "").slice(0, MAX_LINE);
      for (const line of lines) if (line.length > 0) log(line.slice(0, MAX_LINE));
    });
    stream.on("end", () => {
      if (partial.length > 0) log(partial);
    });
  }
}
