import type { FastifyBaseLogger } from "fastify";
import type { Bindings, ChildLoggerOptions } from "pino";

type LogMethod = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/**
 * Fastify gives every request a child logger with its request id bound (`request.log`). Making one is
 * a pino `child`: an object, its bindings serialised to a JSON fragment, about 2 % of the agent's CPU
 * per request under load (bench/profile.mjs). The API's own code never logs through `request.log`
 * (it logs through the agent's logger, with what it chooses to bind), and Fastify itself does so only
 * on errors it handles on its own. So the child is made on the first line a request logs: the line
 * carries the same request id and bindings, and a request that logs nothing pays for one small object.
 *
 * Fastify's `childLoggerFactory` option; `this` is the Fastify instance, unused.
 */
export function lazyRequestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, options);
}

class LazyChildLogger implements FastifyBaseLogger {
  #made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  #child(): FastifyBaseLogger {
    this.#made ??= this.parent.child(this.bindings, this.options);
    return this.#made;
  }

  get level(): string {
    return this.#made ? this.#made.level : (this.options.level ?? this.parent.level);
  }
  set level(level: string) {
    this.#child().level = level;
  }

  // Methods on the prototype, not arrow-function fields: a request that logs nothing allocates none.
  fatal(...args: unknown[]): void {
    this.#log("fatal", args);
  }
  error(...args: unknown[]): void {
    this.#log("error", args);
  }
  warn(...args: unknown[]): void {
    this.#log("warn", args);
  }
  info(...args: unknown[]): void {
    this.#log("info", args);
  }
  debug(...args: unknown[]): void {
    this.#log("debug", args);
  }
  trace(...args: unknown[]): void {
    this.#log("trace", args);
  }
  silent(...args: unknown[]): void {
    this.#log("silent", args);
  }

  #log(method: LogMethod, args: unknown[]): void {
    const child = this.#child();
    (child[method] as (...args: unknown[]) => void).apply(child, args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#child().child(bindings, options);
  }
}
