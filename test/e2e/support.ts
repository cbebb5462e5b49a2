import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** End-to-end tests drive the real `entrim-agent` binary, as an operator would. */
export const BIN = new URL("../../../cluster-agent/bin/entrim-agent.js", import.meta.url).pathname;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `entrim-e2e-${prefix}-`));
}

/** Runs one CLI command with --json and returns its parsed output; throws with stderr on failure. */
export function cli<T = unknown>(dataDir: string, ...args: string[]): T {
  const result = spawnSync(process.execPath, [BIN, "--json", "--data-dir", dataDir, ...args], {
    encoding: "utf8",
  });
  if (result.status !== 0)
    throw new Error(`entrim-agent ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export interface AgentProcess {
  url: string;
  /** gRPC control address (host:port), or undefined when the agent runs without one. */
  control: string | undefined;
  /** Prometheus /metrics base URL, or undefined when off. */
  metrics: string | undefined;
  /** The customer portal's base URL, or undefined when off (the default). */
  portal: string | undefined;
  baseURL: string;
  process: ChildProcess;
  /** Everything the agent wrote to stderr (its log), for assertions about what is logged. */
  log: () => string;
  /**
   * Resolves with the first log line containing `text`, as soon as it arrives. The agent logs
   * asynchronously and the pipe delivers when it will, so a line about something the test has just
   * seen happen (a response) may still be on its way; waiting for it beats reading log() at once.
   */
  waitForLog(text: string, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `entrim-agent serve` and resolves once it prints its ready line. Every listener takes a free
 * port unless `args` name one, so several agents run side by side.
 */
export async function startAgent(
  dataDir: string,
  args: string[] = [],
  config?: unknown,
  env: NodeJS.ProcessEnv = {},
  /** In a process group of its own, as a shell starts a job (the group a terminal's Ctrl+C signals). */
  { ownProcessGroup = false }: { ownProcessGroup?: boolean } = {},
): Promise<AgentProcess> {
  const extra = [...args];
  if (!args.includes("--control-listen")) extra.push("--control-listen", "127.0.0.1:0");
  if (!args.includes("--metrics-listen")) extra.push("--metrics-listen", "127.0.0.1:0");
  if (!args.includes("--artifacts-listen")) extra.push("--artifacts-listen", "127.0.0.1:0");
  if (config !== undefined) {
    const path = join(dataDir, "config.json");
    writeFileSync(path, JSON.stringify(config));
    extra.push("--config", path);
  }
  const child = spawn(
    process.execPath,
    [BIN, "--data-dir", dataDir, "serve", "--listen", "127.0.0.1:0", ...extra],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ENTRIM_LOG_LEVEL: process.env.ENTRIM_LOG_LEVEL ?? "info", ...env },
      detached: ownProcessGroup,
    },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const ready = await new Promise<{ api: string; control?: string; metrics?: string; portal?: string }>(
    (resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on("line", (line) => {
        try {
          const event = JSON.parse(line) as {
            event?: string;
            api?: string;
            control?: string;
            metrics?: string;
            portal?: string;
          };
          if (event.event === "ready" && event.api) resolve({ ...event, api: event.api });
        } catch {
          // not a JSON line
        }
      });
      child.once("exit", (code) => reject(new Error(`agent exited ${code} before ready:\n${stderr}`)));
    },
  );
  // "close", not "exit": the process can exit before its stderr has been read to the end, and tests
  // read the whole log after stop().
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const waitForLog = (text: string, timeoutMs = 10_000) =>
    new Promise<string>((resolve, reject) => {
      // Only whole lines: a chunk can end mid-line, and the caller parses what it gets.
      const find = (all = false) =>
        (all ? stderr : stderr.slice(0, stderr.lastIndexOf("\n") + 1))
          .split("\n")
          .find((line) => line.includes(text));
      const check = () => {
        const line = find();
        if (line === undefined) return;
        done();
        resolve(line);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no log line with ${JSON.stringify(text)} within ${timeoutMs} ms`));
      }, timeoutMs);
      const gone = () => {
        done();
        const line = find(true);
        if (line === undefined) reject(new Error(`the agent exited without logging ${JSON.stringify(text)}`));
        else resolve(line);
      };
      const done = () => {
        clearTimeout(timer);
        child.stderr!.off("data", check);
        child.off("close", gone);
      };
      // Registered after the log's own "data" listener, so `stderr` already holds each new chunk.
      child.stderr!.on("data", check);
      child.once("close", gone);
      check();
    });
  const url = ready.api;
  return {
    url,
    control: ready.control,
    metrics: ready.metrics,
    portal: ready.portal,
    baseURL: `${url}/v1`,
    process: child,
    log: () => stderr,
    waitForLog,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A demo account with one key, made through the CLI. */
export function createAccountWithKey(
  dataDir: string,
  name = "E2E customer",
): { accountId: string; keyId: string; token: string } {
  const account = cli<{ id: string }>(
    dataDir,
    "accounts",
    "create",
    "--name",
    name,
    "--email",
    `${name.replace(/\W/g, "").toLowerCase()}@example.com`,
  );
  const key = cli<{ id: string; token: string }>(dataDir, "keys", "create", "--account", account.id);
  return { accountId: account.id, keyId: key.id, token: key.token };
}

/** The secret part of an API key (sk-entrim-<12-char id>-<secret>); the secret may itself contain "-". */
export function secretOf(token: string): string {
  return token.slice("sk-entrim-".length + 13);
}
