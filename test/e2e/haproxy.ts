import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import { freeLoopbackPort } from "@entrim/cluster-agent/dist/common/ports.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { tempDir } from "./support.js";

/** HAProxy (Debian's package) in front of agents, as a user process with a generated config. */
export interface HaProxy {
  /** Base URL of the frontend, e.g. http://127.0.0.1:41234 */
  url: string;
  process: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/** The configuration the project ships for production (build/haproxy/haproxy.cfg). */
export const SHIPPED_CONFIG = new URL("../../../build/haproxy/haproxy.cfg", import.meta.url).pathname;

export interface HaProxyOptions {
  /** How the client's address reaches the agents: the shipped file's variant (a) or (b). */
  variant?: "forwardfor" | "proxy-v2";
  /** Terminate TLS with this PEM (certificate chain and key in one file); without it, plain HTTP. */
  pemFile?: string;
  /** The CA that issued pemFile's certificate, for the readiness probe. */
  ca?: Buffer;
}

function readyzStatus(url: string, ca: Buffer | undefined): Promise<number> {
  return new Promise((resolve) => {
    const req = (url.startsWith("https:") ? httpsGet : httpGet)(url, { ca, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
  });
}

/** Replaces `from` in `text`, which must occur exactly once: a shipped file that moved on fails loudly. */
function substitute(text: string, from: string | RegExp, to: string): string {
  const count =
    typeof from === "string"
      ? text.split(from).length - 1
      : (text.match(new RegExp(from, "gm")) ?? []).length;
  if (count !== 1) throw new Error(`build/haproxy/haproxy.cfg: expected one ${String(from)}, found ${count}`);
  return text.replace(from, to);
}

/**
 * The shipped configuration with only what differs on this machine substituted: the listening port
 * (loopback), the certificate (or none), the agents' addresses, the check interval (200 ms, so a node
 * that stops being ready leaves the rotation within about half a second), and the variant.
 */
export function haproxyConfig(backends: string[], port: number, options: HaProxyOptions = {}): string {
  let config = readFileSync(SHIPPED_CONFIG, "utf8");
  const tls = options.pemFile ? ` ssl crt ${options.pemFile} alpn http/1.1` : "";
  config = substitute(
    config,
    "bind :443 ssl crt /etc/haproxy/certs/api.pem alpn http/1.1",
    `bind 127.0.0.1:${port}${tls}`,
  );
  if (!options.pemFile) {
    config = substitute(config, "X-Forwarded-Proto https", "X-Forwarded-Proto http");
  }
  if (options.variant === "proxy-v2") {
    config = substitute(config, /^ {2}option forwardfor$/m, "  # option forwardfor");
    config = substitute(config, /^ {2}# default-server send-proxy-v2$/m, "  default-server send-proxy-v2");
  }
  config = substitute(
    config,
    "default-server inter 2s fall 2 rise 2",
    "default-server inter 200ms fall 2 rise 2",
  );
  const servers = backends.map((url, i) => `  server agent${i} ${new URL(url).host} check`).join("\n");
  return substitute(config, /^ {2}server agent1 .*\n {2}server agent2 .*$/m, servers);
}

/**
 * HAProxy with the shipped configuration in front of `backends` (agent base URLs), health-checking
 * /readyz every 200 ms.
 */
export async function startHaProxy(backends: string[], options: HaProxyOptions = {}): Promise<HaProxy> {
  const port = await freeLoopbackPort();
  const dir = tempDir("haproxy");
  const config = haproxyConfig(backends, port, options);
  const path = join(dir, "haproxy.cfg");
  writeFileSync(path, config);
  // -db: stay in the foreground; -W is not needed for one process without reloads.
  const child = spawn("haproxy", ["-db", "-f", path], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `${options.pemFile ? "https" : "http"}://127.0.0.1:${port}`;
  // Ready once the frontend answers /readyz through a backend that passed its checks.
  try {
    await until(
      "haproxy answers /readyz through a backend",
      async () => {
        if (child.exitCode !== null) throw new Error(`haproxy exited ${child.exitCode}:\n${output}`);
        return (await readyzStatus(`${url}/readyz`, options.ca)) === 200;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  } catch (error) {
    if (child.exitCode !== null) throw error;
    child.kill("SIGKILL");
    throw new Error(`haproxy did not become ready:\n${output}`);
  }
  return {
    url,
    process: child,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
