/**
 * What the spool, slowloris, never-reading and invalid-key scenarios share: clients below the SDK (raw
 * sockets that misbehave on purpose), and what an operator would look at on the node (its memory, its
 * readiness and state, its usage rows).
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { startEmbeddedPostgres } from "@entrim/cluster-agent/dist/store/embedded.js";
import pg from "pg";
import type { AgentProcess } from "../e2e/support.js";

/** Resident memory of a process, from /proc (bytes). */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

export const MiB = 1024 * 1024;

/** A client of the agent's own (embedded) PostgreSQL, for reading usage and security rows. */
export async function agentStore(dataDir: string): Promise<pg.Client> {
  const { url } = await startEmbeddedPostgres({ dir: join(dataDir, "postgres") });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  return db;
}

export interface UsageRow {
  requestId: string;
  status: string;
  httpStatus: number;
  completionTokens: number;
}

/** Usage rows of one account (every scenario bills its customers on accounts of their own). */
export async function usageOf(db: pg.Client, accountId: string): Promise<UsageRow[]> {
  const { rows } = await db.query(
    `SELECT request_id AS "requestId", status, http_status AS "httpStatus",
            completion_tokens::int AS "completionTokens"
       FROM usage_events WHERE account_id = $1`,
    [accountId],
  );
  return rows as UsageRow[];
}

/** The node as a balancer and a Prometheus scrape see it. */
export async function nodeView(
  agent: AgentProcess,
): Promise<{ ready: number; reason?: string; state: string }> {
  const readyz = await fetch(`${agent.url}/readyz`);
  const body = (await readyz.json()) as { reason?: string };
  const metrics = await (await fetch(`${agent.metrics}/metrics`)).text();
  const state = /entrim_node_state\{state="(\w+)"\} 1/.exec(metrics)?.[1] ?? "unknown";
  return { ready: readyz.status, ...(body.reason ? { reason: body.reason } : {}), state };
}

/** Host and port of the agent's API. */
export function apiAddress(agent: AgentProcess): { host: string; port: number } {
  const url = new URL(agent.url);
  return { host: url.hostname, port: Number(url.port) };
}

/** A raw TCP connection to the API that records how it ended. */
export interface RawConnection {
  socket: Socket;
  /** Everything received (latin1, enough for status lines and headers). */
  received: () => string;
  /** Resolves when the connection closed; `byServer` unless hangUp() closed it. */
  closed: Promise<{ byServer: boolean }>;
  hangUp: () => void;
}

/**
 * Opens a connection to the API. With `stopReadingAfterHeaders` the client stops reading as soon as a
 * response's headers have arrived (a client that never reads its stream): the kernel's buffers fill
 * and the agent's writes back up.
 */
export function rawConnect(
  agent: AgentProcess,
  localAddress = "127.0.0.1",
  stopReadingAfterHeaders = false,
): Promise<RawConnection> {
  const { host, port } = apiAddress(agent);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, localAddress });
    let data = "";
    let endedByUs = false;
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("latin1");
      if (stopReadingAfterHeaders && data.includes("\r\n\r\n")) {
        stopReadingAfterHeaders = false;
        socket.pause();
      }
    });
    socket.on("error", () => {});
    const closed = new Promise<{ byServer: boolean }>((done) =>
      socket.once("close", () => done({ byServer: !endedByUs })),
    );
    const hangUp = () => {
      endedByUs = true;
      socket.destroy();
    };
    socket.once("connect", () => resolve({ socket, received: () => data, closed, hangUp }));
    socket.once("error", reject);
  });
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request from a chosen local address on a fresh connection (127.0.0.x are all this machine). */
export function httpFrom(
  agent: AgentProcess,
  localAddress: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<HttpAnswer> {
  const { host, port } = apiAddress(agent);
  return new Promise((resolve, reject) => {
    const req = request(
      { host, port, path, method: body === undefined ? "GET" : "POST", headers, localAddress, agent: false },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** True when `body` is an OpenAI-style error object carrying `code`. */
export function isOpenAiError(body: string, code: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; type?: unknown; code?: unknown } };
    const error = parsed.error;
    return (
      typeof error?.message === "string" &&
      typeof error.type === "string" &&
      "param" in error &&
      error.code === code
    );
  } catch {
    return false;
  }
}
