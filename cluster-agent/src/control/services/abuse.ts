import type {
  ListAbuseFlagsRequest__Output,
  ListSecurityEventsRequest__Output,
  ListSuspensionsRequest__Output,
  ResolveAbuseFlagRequest__Output,
  SuspendRequest__Output,
  SuspensionChange,
  UnsuspendRequest__Output,
  WatchSecurityEventsRequest__Output,
  SecurityEvent as WireEvent,
  AbuseFlag as WireFlag,
  Suspension as WireSuspension,
} from "@entrim/proto";
import { loadAgentProto } from "@entrim/proto";
import { status } from "@grpc/grpc-js";
import { noticeOf, type SuspensionGate, type SuspensionNotice } from "../../admission/suspensions.js";
import { CidrError, parseCidr } from "../../domain/cidr.js";
import { allows } from "../../domain/roles.js";
import { createOperatorSuspension } from "../../notices/operator-suspension.js";
import { type AbuseFlag, listAbuseFlags, resolveAbuseFlag } from "../../store/abuse-flags.js";
import {
  isSecurityEventKind,
  listSecurityEvents,
  type StoredSecurityEvent,
} from "../../store/security-events.js";
import type { Store } from "../../store/store.js";
import {
  getSuspension,
  liftSuspension,
  listSuspensions,
  SUSPENSION_REASONS,
  SUSPENSION_STATES,
  type Suspension,
  type SuspensionState,
  TARGET_TYPES,
  type TargetType,
} from "../../store/suspensions.js";
import { type AuditRecorder, auditedChange } from "../audit.js";
import { enumMap, limitOf, ms, timeOf } from "../convert.js";
import {
  type CallContext,
  invalidArgument,
  notFound,
  RpcError,
  type ServiceImplementation,
  stream,
  unary,
} from "../rpc.js";
import { aborted, sleep } from "../sleep.js";

/**
 * The narrowest prefixes an operator may sanction; anything wider needs an admin. A /15 of IPv4 is
 * 131,072 addresses and an IPv6 /31 a whole provider's allocation: a typo there (/8 for /28) would
 * lock out customers by the million, so it takes the role that can also undo the damage elsewhere.
 */
export const OPERATOR_MIN_PREFIX = { 4: 16, 6: 32 } as const;

/** PERMISSION_DENIED for a network wider than an operator may suspend, unless the caller is admin. */
function checkNetworkWidth(subject: { targetType: TargetType; target: string }, context: CallContext): void {
  if (subject.targetType !== "ip" || allows(context.operator.role, "admin")) return;
  let cidr: ReturnType<typeof parseCidr>;
  try {
    cidr = parseCidr(subject.target);
  } catch (error) {
    if (error instanceof CidrError) throw invalidArgument(error.message);
    throw error;
  }
  const min = OPERATOR_MIN_PREFIX[cidr.version];
  if (cidr.prefix < min)
    throw new RpcError(
      status.PERMISSION_DENIED,
      `Sanctioning ${subject.target} (a /${cidr.prefix}, wider than /${min} for IPv${cidr.version}) needs the admin role; ` +
        `your certificate (${context.operator.name}) names ${context.operator.role}. Narrow the network or ask an admin.`,
    );
}

const targetTypes = enumMap<TargetType, WireSuspension["targetType"] & string>("TARGET_TYPE_", TARGET_TYPES);
const reasons = enumMap("SUSPENSION_REASON_", SUSPENSION_REASONS);
const states = enumMap("SUSPENSION_STATE_", SUSPENSION_STATES);

export function toWireSuspension(s: Suspension): WireSuspension {
  return {
    id: s.id,
    targetType: targetTypes.toWire(s.targetType),
    target: s.target,
    state: states.toWire(s.state) as WireSuspension["state"],
    reason: reasons.toWire(s.reason) as WireSuspension["reason"],
    note: s.note ?? "",
    expiresAtMs: ms(s.expiresAt),
    createdAtMs: ms(s.createdAt),
    createdBy: s.createdBy,
    liftedAtMs: ms(s.liftedAt),
    liftedBy: s.liftedBy ?? "",
    liftReason: s.liftReason ?? "",
    active: s.active,
  };
}

function toWireEvent(e: StoredSecurityEvent): WireEvent {
  return {
    id: e.id,
    occurredAtMs: ms(e.occurredAt),
    node: e.node,
    kind: e.kind,
    ip: e.ip ?? "",
    accountId: e.accountId ?? "",
    keyId: e.keyId ?? "",
    code: e.code ?? "",
    detailJson: JSON.stringify(e.detail),
  };
}

function toWireFlag(f: AbuseFlag): WireFlag {
  return {
    id: f.id,
    subjectType: f.subjectType,
    subject: f.subject,
    rule: f.rule,
    firstSeenMs: ms(f.firstSeen),
    lastSeenMs: ms(f.lastSeen),
    count: f.count,
    evidenceJson: JSON.stringify(f.evidence),
    status: f.status,
    resolvedBy: f.resolvedBy ?? "",
    resolvedAtMs: ms(f.resolvedAt),
    resolvedNote: f.resolvedNote ?? "",
  };
}

function target(request: { targetType: string; target: string }): { targetType: TargetType; target: string } {
  const targetType = targetTypes.fromWire(request.targetType, "target_type");
  if (!request.target.trim()) throw invalidArgument("target is required (an account id, key id or CIDR).");
  return { targetType, target: request.target.trim() };
}

function kindOf(kind: string): StoredSecurityEvent["kind"] | undefined {
  if (!kind) return undefined;
  if (!isSecurityEventKind(kind)) throw invalidArgument(`Unknown security event kind "${kind}".`);
  return kind;
}

export interface AbuseServiceDeps {
  store: Store;
  /** This agent's suspension cache: its "applied" events drive WatchSuspensions. */
  suspensions: SuspensionGate;
  recorder: AuditRecorder;
  /** How often WatchSecurityEvents looks for new rows in the store. */
  securityPollMs?: number;
}

export function abuseService(deps: AbuseServiceDeps): ServiceImplementation {
  const { store, recorder } = deps;
  const sanction =
    (state: SuspensionState) => async (request: SuspendRequest__Output, context: CallContext) => {
      const subject = target(request);
      const reason = reasons.fromWire(request.reason, "reason");
      checkNetworkWidth(subject, context);
      const expiresAt =
        request.expiresInSeconds > 0 ? new Date(Date.now() + request.expiresInSeconds * 1000) : undefined;
      const action = state === "suspended" ? "suspension.create" : "suspension.warn";
      const created = await auditedChange(
        recorder,
        store.pool,
        context,
        {
          action,
          target: `${subject.targetType}:${subject.target}`,
          reason: [reason, request.note].filter(Boolean).join(": "),
        },
        (db) =>
          createOperatorSuspension(db, {
            ...subject,
            state,
            reason,
            note: request.note || undefined,
            expiresAt,
            createdBy: context.operator.name,
          }),
      );
      // This agent enforces it before answering; the others follow on NOTIFY.
      deps.suspensions.apply(noticeOf(created));
      return toWireSuspension(created);
    };

  return {
    name: "entrim.agent.v1.AbuseService",
    definition: loadAgentProto().AbuseService.service,
    methods: {
      ListSuspensions: unary("viewer", async (request: ListSuspensionsRequest__Output) => {
        const targetType =
          request.targetType === "TARGET_TYPE_UNSPECIFIED"
            ? undefined
            : targetTypes.fromWire(request.targetType, "target_type");
        if (request.target && !targetType) throw invalidArgument("Give target_type with target.");
        const rows = await listSuspensions(store.pool, {
          activeOnly: request.activeOnly,
          targetType,
          target: request.target || undefined,
          limit: limitOf(request.limit),
        });
        return { suspensions: rows.map(toWireSuspension) };
      }),
      WatchSuspensions: stream(
        "viewer",
        async (_request, send: (m: SuspensionChange) => Promise<void>, context) => {
          // Changes are forwarded in order; each is read back from the store for its full row (notes included).
          let chain = Promise.resolve();
          const onApplied = (notice: SuspensionNotice) => {
            chain = chain.then(async () => {
              if (context.signal.aborted) return;
              const row = await getSuspension(store.pool, notice.id).catch(() => undefined);
              if (!row || context.signal.aborted) return;
              const change = row.active
                ? "created"
                : row.liftedBy === "expiry" || !row.liftedAt
                  ? "expired"
                  : "lifted";
              await send({ change, suspension: toWireSuspension(row) });
            });
          };
          deps.suspensions.on("applied", onApplied);
          try {
            await aborted(context.signal);
          } finally {
            deps.suspensions.off("applied", onApplied);
            await chain;
          }
        },
      ),
      Suspend: unary("operator", sanction("suspended")),
      Warn: unary("operator", sanction("warned")),
      Unsuspend: unary("operator", async (request: UnsuspendRequest__Output, context) => {
        if (!request.reason.trim()) throw invalidArgument("reason is required: say why it is lifted.");
        let subject: { targetType: TargetType; target: string };
        if (request.id) {
          const row = await getSuspension(store.pool, request.id);
          if (!row) throw notFound(`There is no suspension ${request.id}.`);
          subject = { targetType: row.targetType, target: row.target };
        } else {
          subject = target(request);
        }
        const lifted = await auditedChange(
          recorder,
          store.pool,
          context,
          {
            action: "suspension.lift",
            target: `${subject.targetType}:${subject.target}`,
            reason: request.reason,
          },
          (db) =>
            liftSuspension(db, {
              ...subject,
              liftedBy: context.operator.name,
              reason: request.reason,
            }),
        );
        deps.suspensions.apply(noticeOf(lifted));
        return toWireSuspension(lifted);
      }),
      ListSecurityEvents: unary("viewer", async (request: ListSecurityEventsRequest__Output) => {
        const events = await listSecurityEvents(store.pool, {
          accountId: request.accountId || undefined,
          keyId: request.keyId || undefined,
          ip: request.ip || undefined,
          kind: kindOf(request.kind),
          node: request.node || undefined,
          since: timeOf(request.sinceMs, "since_ms"),
          until: timeOf(request.untilMs, "until_ms"),
          limit: limitOf(request.limit),
        });
        return { events: events.map(toWireEvent) };
      }),
      WatchSecurityEvents: stream(
        "viewer",
        async (
          request: WatchSecurityEventsRequest__Output,
          send: (m: WireEvent) => Promise<void>,
          context,
        ) => {
          const kind = kindOf(request.kind);
          // Nodes write events in batches (about once a second, later after a store outage), so the
          // store is polled over a trailing window and what was already sent is remembered by id.
          const startedAt = Date.now();
          const windowMs = 30_000;
          const sent = new Map<string, number>();
          const pollMs = deps.securityPollMs ?? 1000;
          while (!context.signal.aborted) {
            const since = new Date(Math.max(startedAt, Date.now() - windowMs));
            const rows = await listSecurityEvents(store.pool, { since, kind, limit: 1000 }).catch(() => []);
            for (const row of rows.reverse()) {
              if (sent.has(row.id)) continue;
              sent.set(row.id, row.occurredAt.getTime());
              await send(toWireEvent(row));
            }
            for (const [id, at] of sent) if (at < since.getTime()) sent.delete(id);
            await sleep(pollMs, context.signal);
          }
        },
      ),
      ListAbuseFlags: unary("viewer", async (request: ListAbuseFlagsRequest__Output) => {
        const flags = await listAbuseFlags(store.pool, {
          open: !request.includeResolved,
          limit: limitOf(request.limit),
        });
        return { flags: flags.map(toWireFlag) };
      }),
      ResolveAbuseFlag: unary(
        "operator",
        async (request: ResolveAbuseFlagRequest__Output, context: CallContext) => {
          const id = request.id.trim();
          const note = request.note.trim();
          // The same store path and audit action as `security abuse resolve`.
          const resolved = await auditedChange(
            deps.recorder,
            store.pool,
            context,
            { action: "abuse.resolve", target: `abuse-flag:${id}`, reason: note },
            (db) => resolveAbuseFlag(db, id, context.operator.name, note),
          );
          return toWireFlag(resolved);
        },
      ),
    },
  };
}
