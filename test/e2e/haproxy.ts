import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freeLoopbackPort } from "@entrim/cluster-agent/dist/common/ports.js";
import { tempDir } from "./support.js";

/** HAProxy (Debian's package) in front of agents, as a user process with a generated config. */
export interface HaProxy {
  /** Base URL of the frontend, e.g. http://127.0.0.1:41234 */
  url: string;
  process: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/**
 * Round robin over `backends` (agent base URLs), each health-checked with GET /readyz every 200 ms:
 * a node that stops being ready leaves the rotation within about half a second. Timeouts are generous
 * because a request may wait in an agent's queue while its model rotates.
 */
export async function startHaProxy(backends: string[]): Promise<HaProxy> {
  const port = await freeLoopbackPort();
  const dir = tempDir("haproxy");
  const servers = backends.map((url, i) => `  server agent${i} ${new URL(url).host} check`);
  const config = [
    "global",
    "  maxconn 1000",
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    "  timeout client 120s",
    "  timeout server 120s",
    "frontend api",
    `  bind 127.0.0.1:${port}`,
    "  default_backend agents",
    "backend agents",
    "  balance roundrobin",
    "  option httpchk GET /readyz",
    "  http-check expect status 200",
    "  default-server inter 200ms fall 2 rise 2",
    ...servers,
    "",
  ].join("\n");
  const path = join(dir, "haproxy.cfg");
  writeFileSync(path, config);
  // -db: stay in the foreground; -W is not needed for one process without reloads.
  const child = spawn("haproxy", ["-db", "-f", path], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  // Ready once the frontend answers /readyz through a backend that passed its checks.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited ${child.exitCode}:\n${output}`);
    const status = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`haproxy did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
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
