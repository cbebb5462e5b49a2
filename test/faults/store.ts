/**
 * What the fault scenarios read back from the cluster store and the control plane to judge a run:
 * usage rows per request id, the node's state as an operator sees it, and a wait that polls for an
 * event instead of sleeping for it.
 */

import { endPool } from "@entrim/cluster-agent/dist/store/db.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { type AgentV1, loadAgentProto, type NodeSnapshot__Output } from "@entrim/proto";
import type { ChannelCredentials } from "@grpc/grpc-js";
import pg from "pg";
import type { Outcome } from "./harness.js";

export interface UsageRow {
  requestId: string;
  status: string;
  /** Rows with this request id (the primary key makes anything but 1 a schema bug). */
  copies: number;
  /** Tokens the row bills (prompt + completion). */
  tokens: number;
}

/** A small pool on the store; it survives the store restarting (errors of idle clients are dropped). */
export class UsageStore {
  readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
    this.pool.on("error", () => {});
  }

  async rows(accountId: string): Promise<UsageRow[]> {
    const { rows } = await this.pool.query<{ request_id: string; status: string; n: string; tokens: string }>(
      `SELECT request_id, status, count(*) OVER (PARTITION BY request_id) AS n,
         prompt_tokens + completion_tokens AS tokens
       FROM usage_events WHERE account_id = $1`,
      [accountId],
    );
    return rows.map((r) => ({
      requestId: r.request_id,
      status: r.status,
      copies: Number(r.n),
      tokens: Number(r.tokens),
    }));
  }

  /** Resolves once every completed outcome's request id has a usage row; returns the rows then. */
  async waitForRows(accountId: string, outcomes: Outcome[], timeoutMs = 60_000): Promise<UsageRow[]> {
    const wanted = completedIds(outcomes);
    let rows: UsageRow[] = [];
    await until(
      `${wanted.size} completed requests have usage rows`,
      async () => {
        rows = await this.rows(accountId).catch(() => []);
        const stored = new Set(rows.map((r) => r.requestId));
        return [...wanted].every((id) => stored.has(id));
      },
      { timeoutMs: timeoutMs },
    );
    return rows;
  }

  close(): Promise<void> {
    return endPool(this.pool);
  }
}

export function completedIds(outcomes: Outcome[]): Set<string> {
  const ids = new Set<string>();
  for (const o of outcomes) if (o.ok && o.requestId) ids.add(o.requestId);
  return ids;
}

/**
 * The billing checks every scenario shares: no request id twice, every completed request billed as
 * completed, and no more rows than requests sent. Returns the problems in words (empty: all good).
 */
export function billingProblems(rows: UsageRow[], outcomes: Outcome[]): string[] {
  const problems: string[] = [];
  const doubled = rows.filter((r) => r.copies !== 1);
  if (doubled.length > 0) problems.push(`${doubled.length} request ids have more than one row`);
  const byId = new Map(rows.map((r) => [r.requestId, r]));
  const completed = completedIds(outcomes);
  const missing = [...completed].filter((id) => !byId.has(id));
  if (missing.length > 0) problems.push(`${missing.length} completed requests have no usage row`);
  const notCompleted = [...completed].filter((id) => byId.has(id) && byId.get(id)!.status !== "completed");
  if (notCompleted.length > 0)
    problems.push(`${notCompleted.length} completed requests billed as not completed`);
  if (rows.length > outcomes.length)
    problems.push(`${rows.length} usage rows for ${outcomes.length} requests sent`);
  return problems;
}

type Clients = { [K in "NodeService" | "ClusterService" | "AuditService"]: InstanceType<AgentV1[K]> };

/** gRPC clients of one agent for an operator certificate (see test/e2e/control.ts for making one). */
export function operatorClients(address: string, creds: ChannelCredentials): Clients & { close(): void } {
  const v1 = loadAgentProto();
  // Node certificates name localhost; TLS forbids an IP address as the server name.
  const options = { "grpc.ssl_target_name_override": "localhost" };
  const clients: Clients = {
    NodeService: new v1.NodeService(address, creds, options),
    ClusterService: new v1.ClusterService(address, creds, options),
    AuditService: new v1.AuditService(address, creds, options),
  };
  return {
    ...clients,
    close: () => {
      for (const client of Object.values(clients)) client.close();
    },
  };
}

/** NodeService.GetStatus, or undefined when the agent does not answer (it is down). */
export function nodeStatus(clients: Clients, deadlineMs = 5_000): Promise<NodeSnapshot__Output | undefined> {
  return new Promise((resolve) => {
    clients.NodeService.GetStatus({}, { deadline: Date.now() + deadlineMs }, (error, response) =>
      resolve(error ? undefined : response),
    );
  });
}

/** A connection-level failure: the client got no HTTP answer at all (refused, reset, cut). */
export function isConnectionFailure(o: Outcome): boolean {
  // The harness names the SDK's APIConnectionError "connection error" (or "timeout"). A stream whose
  // connection is cut mid-body surfaces as fetch's "TypeError: terminated".
  const reason = o.reason ?? "";
  return !o.ok && (reason === "connection error" || reason === "timeout" || reason === "TypeError");
}

/** Failure reasons as report() counts them, with the SDK's bare connection errors named as such. */
export function failureReasons(outcomes: Outcome[]): Record<string, number> {
  const why: Record<string, number> = {};
  for (const o of outcomes) {
    if (o.ok) continue;
    const reason = isConnectionFailure(o) ? "connection error" : (o.reason ?? "unknown");
    why[reason] = (why[reason] ?? 0) + 1;
  }
  return why;
}
