import { hostname } from "node:os";
import type { Command } from "commander";
import { listAudit, loadAuditKey, type PruneResult, pruneAudit, verifyAudit } from "../store/audit-log.js";
import { withAuditedStore } from "./audit-trail.js";
import { CliError, globalOptions, output, table } from "./context.js";
import { parseTime } from "./security.js";
import { withStore } from "./store-context.js";

function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 10_000)
    throw new CliError(`--limit takes a whole number from 1 to 10000; got "${value}".`);
  return n;
}

interface ListOptions {
  operator?: string;
  action?: string;
  target?: string;
  since?: string;
  until?: string;
  node?: string;
  limit: string;
}

/** `audit list|verify|prune`: reading, checking and trimming the hash-chained audit log. */
export function registerAuditCommands(program: Command): void {
  const audit = program
    .command("audit")
    .description("The audit log: every state-changing call (gRPC and CLI), hash-chained");

  audit
    .command("list")
    .description("List audit entries, newest first")
    .option("--operator <name>", "only this operator (e.g. cli:alice@host, or a certificate name)")
    .option("--action <prefix>", "only actions starting with this, e.g. suspension. or key.revoke")
    .option("--target <text>", "only targets containing this, e.g. acct_123")
    .option("--since <time>", "from this ISO time or duration back (24h, 7d)")
    .option("--until <time>", "before this ISO time or duration back")
    .option("--node <name>", "only entries this node (or CLI host) recorded")
    .option("--limit <n>", "at most this many entries", "100")
    .action(async (options: ListOptions, command: Command) => {
      const filter = {
        operator: options.operator,
        action: options.action,
        target: options.target,
        since: options.since === undefined ? undefined : parseTime(options.since, "--since"),
        until: options.until === undefined ? undefined : parseTime(options.until, "--until"),
        node: options.node,
        limit: parseLimit(options.limit),
      };
      const rows = await withStore(command, (store) => listAudit(store.pool, filter));
      output(command, rows, () =>
        table(
          rows.map((e) => ({
            seq: e.seq,
            time: e.at.toISOString(),
            operator: e.operator,
            role: e.role,
            source: e.source,
            action: e.action,
            target: e.target,
            reason: e.reason,
            result: e.result,
            node: e.node,
          })),
          ["seq", "time", "operator", "role", "source", "action", "target", "reason", "result", "node"],
        ),
      );
    });

  audit
    .command("verify")
    .description("Recompute the chain from the last pruning checkpoint; exit 1 naming the first bad entry")
    .action(async (_options: unknown, command: Command) => {
      const result = await withStore(command, async (store, dataDir) =>
        verifyAudit(store.pool, await loadAuditKey({ dataDir, env: process.env })),
      );
      const from = result.checkpointSeq === "0" ? "the first entry" : `checkpoint ${result.checkpointSeq}`;
      if (result.ok) {
        output(
          command,
          result,
          () => `The audit log verifies: ${result.entries} entries checked from ${from}.`,
        );
        return;
      }
      // The JSON document still goes to stdout for scripts; the exit code and message say it failed.
      if (globalOptions(command).json) output(command, result, () => "");
      throw new CliError(
        `The audit log does not verify at entry ${result.firstBadSeq}: ${result.problem}. ` +
          `${result.entries} entries after ${from} were intact before it.`,
        1,
      );
    });

  audit
    .command("prune")
    .description("Delete entries older than --before behind a signed checkpoint (the leader does this daily)")
    .requiredOption("--before <time>", "ISO time or duration back (e.g. 90d); older entries are deleted")
    .action(async (options: { before: string }, command: Command) => {
      const before = parseTime(options.before, "--before");
      if (before.getTime() > Date.now()) throw new CliError("--before must not be in the future.");
      const result = await withAuditedStore(
        command,
        {
          action: "audit.prune",
          target: "audit_log",
          resultTarget: (r: PruneResult) =>
            r.checkpoint ? `audit_log:1-${r.checkpoint.prunedThrough}` : "audit_log",
          reason: `older than ${before.toISOString()}`,
        },
        async (store, dataDir) =>
          pruneAudit(store.pool, {
            before,
            key: await loadAuditKey({ dataDir, env: process.env }),
            node: hostname(),
          }),
      );
      const summary = { pruned: result.pruned, prunedThrough: result.checkpoint?.prunedThrough ?? null };
      output(command, summary, () =>
        result.checkpoint
          ? `Pruned ${result.pruned} entries up to ${result.checkpoint.prunedThrough}; a signed checkpoint keeps the rest verifiable.`
          : `Nothing older than ${before.toISOString()} to prune.`,
      );
    });
}
