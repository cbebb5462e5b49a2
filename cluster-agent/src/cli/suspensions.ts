import { userInfo } from "node:os";
import { type Command, Option } from "commander";
import { isApiKeyId, parseApiKey } from "../domain/api-key.js";
import { createOperatorSuspension } from "../notices/operator-suspension.js";
import { StoreError } from "../store/db.js";
import {
  liftSuspension,
  listSuspensions,
  SUSPENSION_REASONS,
  type Suspension,
  type SuspensionReason,
  type SuspensionState,
  TARGET_TYPES,
  type TargetType,
} from "../store/suspensions.js";
import { withAuditedStore } from "./audit-trail.js";
import { CliError, output, table } from "./context.js";
import { withStore } from "./store-context.js";

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const MAX_DURATION_MS = 3650 * 86_400_000;

/** "30m", "24h", "7d" (also s and w) → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,7})\s*([smhdw])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNITS[match[2]!]! : Number.NaN;
  if (!(ms > 0) || ms > MAX_DURATION_MS) {
    throw new CliError(
      `"${text}" is not a duration; write a number and a unit, e.g. 90s, 30m, 24h, 7d or 2w (at most 10 years).`,
    );
  }
  return ms;
}

interface TargetOptions {
  account?: string;
  key?: string;
  ip?: string;
}

function targetOf(options: TargetOptions): { targetType: TargetType; target: string } {
  const given = TARGET_TYPES.filter((t) => options[t] !== undefined);
  if (given.length !== 1) {
    throw new CliError("Name exactly one target: --account ID, --key ID or --ip ADDRESS|CIDR.");
  }
  const targetType = given[0]!;
  const target = options[targetType]!.trim();
  if (targetType === "key") {
    const parsed = parseApiKey(target);
    // The whole token would now sit in shell history; refuse and name what to pass instead.
    if (parsed)
      throw new CliError(`That is a full API key including its secret; pass only its id: --key ${parsed.id}`);
    if (!isApiKeyId(target)) {
      throw new CliError(
        `"${target}" is not an API key id (12 characters a-z, 2-7). Run \`keys list\` to find it.`,
      );
    }
  }
  return { targetType, target };
}

function describeTarget(s: Pick<Suspension, "targetType" | "target">): string {
  return s.targetType === "ip"
    ? `network ${s.target}`
    : `${s.targetType === "key" ? "API key" : "account"} ${s.target}`;
}

const actor = () => `cli:${userInfo().username}`;

function rethrow(error: unknown): never {
  if (error instanceof StoreError && error.code === "not_found") {
    const hint = /account/.test(error.message)
      ? "accounts list"
      : /API key/.test(error.message)
        ? "keys list"
        : "suspensions list --active";
    throw new CliError(`${error.message} Run \`${hint}\` to find it.`);
  }
  throw error;
}

function withTargetOptions(command: Command): Command {
  return command
    .option("--account <id>", "an account (all its keys)")
    .option("--key <id>", "one API key, by id")
    .option("--ip <address|cidr>", "an address (a /32 or /128) or a network, IPv4 or IPv6");
}

function addSuspendCommand(program: Command, name: string, state: SuspensionState | undefined): void {
  const command = withTargetOptions(program.command(name))
    .description(
      state === "warned"
        ? "Warn an account, key or network: requests are still served and the warning is recorded"
        : "Suspend an account, key or network: every agent refuses it (403) within a second and ends its running streams",
    )
    .addOption(new Option("--reason <category>", "why").choices(SUSPENSION_REASONS).makeOptionMandatory())
    .option("--expires <duration>", "lift on its own after e.g. 30m, 24h, 7d (default: until lifted)")
    .option("--note <text>", "details for operators (never shown to the customer)");
  if (!state) {
    command.addOption(
      new Option("--state <state>", "suspended, or warned to serve and record a warning")
        .choices(["suspended", "warned"])
        .default("suspended"),
    );
  }
  command.action(
    async (
      options: TargetOptions & {
        reason: SuspensionReason;
        expires?: string;
        note?: string;
        state?: SuspensionState;
      },
      cmd: Command,
    ) => {
      const { targetType, target } = targetOf(options);
      const expiresAt = options.expires ? new Date(Date.now() + parseDuration(options.expires)) : undefined;
      const newState = state ?? options.state ?? "suspended";
      const entry = {
        action: newState === "warned" ? "suspension.warn" : "suspension.create",
        target: `${targetType}:${target}`,
        reason: options.note ? `${options.reason}: ${options.note}` : options.reason,
        resultTarget: (s: Suspension) => `${targetType}:${target}/suspension:${s.id}`,
      };
      const created = await withAuditedStore(cmd, entry, (store) =>
        createOperatorSuspension(store.pool, {
          targetType,
          target,
          state: newState,
          reason: options.reason,
          note: options.note,
          expiresAt,
          createdBy: actor(),
        }).catch(rethrow),
      );
      const until = created.expiresAt ? `until ${created.expiresAt.toISOString()}` : "until lifted";
      output(cmd, created, () =>
        created.state === "warned"
          ? `Warned ${describeTarget(created)} (reason: ${created.reason}), ${until}; its requests are still served. Id ${created.id}.`
          : `Suspended ${describeTarget(created)} (reason: ${created.reason}), ${until}. Every agent refuses it within a second. Id ${created.id}.`,
      );
    },
  );
}

export function registerSuspensionCommands(program: Command): void {
  addSuspendCommand(program, "suspend", undefined);
  addSuspendCommand(program, "warn", "warned");

  withTargetOptions(program.command("unsuspend"))
    .description("Lift the suspension or warning of an account, key or network")
    .requiredOption("--note <text>", "why it is lifted (recorded with your user name)")
    .action(async (options: TargetOptions & { note: string }, cmd: Command) => {
      const { targetType, target } = targetOf(options);
      const entry = { action: "suspension.lift", target: `${targetType}:${target}`, reason: options.note };
      const lifted = await withAuditedStore(cmd, entry, (store) =>
        liftSuspension(store.pool, { targetType, target, liftedBy: actor(), reason: options.note }).catch(
          rethrow,
        ),
      );
      output(
        cmd,
        lifted,
        () =>
          `Lifted the ${lifted.state === "warned" ? "warning" : "suspension"} of ${describeTarget(lifted)} (${lifted.id}).`,
      );
    });

  program
    .command("suspensions")
    .description("Suspensions and warnings, past and present")
    .command("list")
    .description("List suspensions and warnings, newest first (lifted ones too unless --active)")
    .option("--active", "only those in force now")
    .option("--account <id>", "only this account's and its keys'")
    .addOption(new Option("--type <type>", "only this kind of target").choices(TARGET_TYPES))
    .option("--limit <n>", "at most this many rows", "1000")
    .action(
      async (
        options: { active?: boolean; account?: string; type?: TargetType; limit: string },
        cmd: Command,
      ) => {
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new CliError("--limit must be a positive whole number.");
        const rows = await withStore(cmd, (store) =>
          listSuspensions(store.pool, {
            activeOnly: options.active,
            accountId: options.account,
            targetType: options.type,
            limit,
          }),
        );
        output(cmd, rows, () =>
          table(
            rows.map((s) => ({
              id: s.id,
              target: `${s.targetType}:${s.target}`,
              state: s.state,
              reason: s.reason,
              active: s.active ? "yes" : "no",
              expires: s.expiresAt?.toISOString() ?? "",
              created: s.createdAt.toISOString(),
              by: s.createdBy,
              lifted: s.liftedAt ? `${s.liftedAt.toISOString()} by ${s.liftedBy}: ${s.liftReason ?? ""}` : "",
              note: s.note ?? "",
            })),
            ["id", "target", "state", "reason", "active", "expires", "created", "by", "lifted", "note"],
          ),
        );
      },
    );
}
