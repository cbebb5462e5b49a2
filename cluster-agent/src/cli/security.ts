import { isIP } from "node:net";
import { userInfo } from "node:os";
import type { Command } from "commander";
import { listAbuseFlags, resolveAbuseFlag } from "../store/abuse-flags.js";
import { StoreError } from "../store/db.js";
import {
  isSecurityEventKind,
  listSecurityEvents,
  SECURITY_EVENT_KINDS,
  type SecurityEventFilter,
} from "../store/security-events.js";
import { withAuditedStore } from "./audit-trail.js";
import { CliError, output, table } from "./context.js";
import { withStore } from "./store-context.js";

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An ISO 8601 time, or a duration back from now ("24h", "30m", "7d"). */
export function parseTime(value: string, option: string, now = Date.now()): Date {
  const relative = /^(\d{1,6})([smhd])$/.exec(value);
  if (relative) return new Date(now - Number(relative[1]) * UNITS[relative[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const at = new Date(value);
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new CliError(
    `${option} takes an ISO time (2026-11-23T08:00:00Z) or a duration back from now (30m, 24h, 7d); got "${value}".`,
  );
}

/** An address or a CIDR network, checked here so that the operator sees what is wrong with it. */
export function parseNetwork(value: string): string {
  const [address, prefix, extra] = value.split("/");
  const family = isIP(address ?? "");
  const bits = family === 4 ? 32 : 128;
  if (family !== 0 && extra === undefined) {
    if (prefix === undefined) return value;
    if (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits) return value;
  }
  throw new CliError(
    `--ip takes an address or a CIDR network (203.0.113.7, 203.0.113.0/24, 2001:db8::/32); got "${value}".`,
  );
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new CliError(`--limit takes a whole number from 1 to 10000; got "${value}".`);
  return n;
}

const details = (detail: Readonly<Record<string, unknown>>) =>
  Object.entries(detail)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.length : v}`)
    .join(" ");

interface ListOptions {
  account?: string;
  key?: string;
  ip?: string;
  since?: string;
  until?: string;
  kind?: string;
  node?: string;
  limit?: string;
}

export function registerSecurityCommands(program: Command): void {
  program
    .command("security-events")
    .description(
      "Security events: refused requests, auth failures, usage spikes (metadata only, kept 30 days)",
    )
    .command("list")
    .description("List security events, newest first")
    .option("--account <id>", "only events of this account")
    .option("--key <id>", "only events of this API key (its id)")
    .option("--ip <cidr>", "only events from this address or network")
    .option("--since <time>", "from this ISO time or duration back (24h, 7d)", "24h")
    .option("--until <time>", "before this ISO time or duration back")
    .option("--kind <kind>", `only this kind: ${SECURITY_EVENT_KINDS.join(", ")}`)
    .option("--node <name>", "only events this node saw")
    .option("--limit <n>", "at most this many events", "100")
    .action(async (options: ListOptions, command: Command) => {
      if (options.kind !== undefined && !isSecurityEventKind(options.kind)) {
        throw new CliError(
          `--kind must be one of ${SECURITY_EVENT_KINDS.join(", ")}; got "${options.kind}".`,
        );
      }
      const filter: SecurityEventFilter = {
        accountId: options.account,
        keyId: options.key,
        ip: options.ip === undefined ? undefined : parseNetwork(options.ip),
        since: options.since === undefined ? undefined : parseTime(options.since, "--since"),
        until: options.until === undefined ? undefined : parseTime(options.until, "--until"),
        kind: options.kind as SecurityEventFilter["kind"],
        node: options.node,
        limit: parseLimit(options.limit ?? "100"),
      };
      const events = await withStore(command, (store) => listSecurityEvents(store.pool, filter));
      output(command, events, () =>
        table(
          events.map((e) => ({
            time: e.occurredAt.toISOString(),
            kind: e.kind,
            code: e.code,
            ip: e.ip,
            account: e.accountId,
            key: e.keyId,
            node: e.node,
            detail: details(e.detail),
          })),
          ["time", "kind", "code", "ip", "account", "key", "node", "detail"],
        ),
      );
    });

  const abuse = program
    .command("abuse")
    .description("The abuse queue: suspects flagged by the detection rules");

  abuse
    .command("list")
    .description("List abuse flags, most recently active first")
    .option("--open", "only flags nobody has resolved yet")
    .option("--limit <n>", "at most this many flags", "100")
    .action(async (options: { open?: boolean; limit?: string }, command: Command) => {
      const limit = parseLimit(options.limit ?? "100");
      const flags = await withStore(command, (store) =>
        listAbuseFlags(store.pool, { open: options.open === true, limit }),
      );
      output(command, flags, () =>
        table(
          flags.map((f) => ({
            id: f.id,
            status: f.status,
            rule: f.rule,
            subject: `${f.subjectType}:${f.subject}`,
            count: f.count,
            "first seen": f.firstSeen.toISOString(),
            "last seen": f.lastSeen.toISOString(),
            evidence: details(f.evidence),
            resolved: f.resolvedBy ? `${f.resolvedBy}: ${f.resolvedNote ?? ""}` : "",
          })),
          ["id", "status", "rule", "subject", "count", "first seen", "last seen", "evidence", "resolved"],
        ),
      );
    });

  abuse
    .command("resolve")
    .description("Close an abuse flag, saying what was done; the next trip opens a new one")
    .argument("<id>", "the flag's id (from `abuse list`)")
    .requiredOption("--note <text>", "what was found or done, e.g. 'customer load test, agreed'")
    .action(async (id: string, options: { note: string }, command: Command) => {
      const entry = { action: "abuse.resolve", target: `abuse-flag:${id}`, reason: options.note };
      const resolved = await withAuditedStore(command, entry, async (store) => {
        try {
          return await resolveAbuseFlag(store.pool, id, `cli:${userInfo().username}`, options.note);
        } catch (error) {
          if (error instanceof StoreError && error.code === "not_found") {
            throw new CliError(`${error.message} Run \`abuse list --open\` to find the flag id.`);
          }
          if (error instanceof StoreError && error.code === "conflict") {
            throw new CliError(`${error.message} Nothing to do.`);
          }
          throw error;
        }
      });
      output(
        command,
        resolved,
        () =>
          `Resolved abuse flag ${resolved.id} (${resolved.rule}, ${resolved.subjectType} ${resolved.subject}).`,
      );
    });
}
