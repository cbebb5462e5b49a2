import { type Logger, pino } from "pino";

export type { Logger };

/**
 * Paths that must never reach a log line, whatever a caller passes: request bodies (prompts and
 * outputs), API keys and authorization headers. Callers should not log them in the first place; this is
 * the second line of defence.
 */
const REDACTED_PATHS = [
  "authorization",
  "headers.authorization",
  "req.headers.authorization",
  "request.headers.authorization",
  "body",
  "req.body",
  "request.body",
  "prompt",
  "messages",
  "content",
  "text",
  "apiKey",
  "key",
  "secret",
  "pepper",
  "password",
  "databaseUrl",
  "*.apiKey",
  "*.secret",
  "*.password",
];

export interface LogOptions {
  level?: string;
  /** Defaults to stderr so that CLI output on stdout stays machine-readable. */
  destination?: number | string;
}

export function createLogger(options: LogOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.ENTRIM_LOG_LEVEL ?? "info",
      base: { service: "entrim-agent" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: options.destination ?? 2, sync: false }),
  );
}

/** Strips credentials from a connection string before it is shown to anyone. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "[unparseable url]";
  }
}
