// Customer notices for operators (issue 16): every role reads the messages and their delivery state
// (ids and states only, never an address or a mail's text); operators publish service and maintenance
// notices and retire models; an essential notice (sent whatever the opt-out) is the admin's, with the
// reason the customer reads for why it cannot be turned off. Each change is audited with its effect.
import type {
  DeprecateModelRequest__Output,
  GetNoticeDeliveriesRequest__Output,
  GetNoticeDeliveriesResponse,
  ListNoticesRequest__Output,
  ListNoticesResponse,
  PublishNoticeRequest__Output,
  NoticeMessage as WireMessage,
} from "@entrim/proto";
import { loadAgentProto } from "@entrim/proto";
import { status } from "@grpc/grpc-js";
import { allows } from "../../domain/roles.js";
import { notifyEveryAccount } from "../../notices/broadcast.js";
import { deprecateModel } from "../../notices/deprecation.js";
import { notifyAccount } from "../../notices/notify.js";
import type { Db } from "../../store/db.js";
import { listNoticeMessages, type NoticeMessage, noticeDeliveries } from "../../store/notice-deliveries.js";
import type { Store } from "../../store/store.js";
import { type AuditRecorder, auditedChange } from "../audit.js";
import { limitOf, ms } from "../convert.js";
import { invalidArgument, notFound, RpcError, type ServiceImplementation, unary } from "../rpc.js";

const MESSAGE_ID = /^(ntb|ntc)_[a-z0-9]{16,40}$/;
const ACCOUNT_ID = /^acct_[a-z0-9]{16,40}$/;
const MAX_BODY = 5000;

export function toWireMessage(m: NoticeMessage): WireMessage {
  return {
    id: m.id,
    kind: m.kind,
    title: m.title,
    body: m.body,
    essential: m.essential,
    effectiveAtMs: ms(m.effectiveAt),
    model: m.model ?? "",
    publishedAtMs: ms(m.publishedAt),
    createdBy: m.createdBy,
    audience: m.audience,
    accountId: m.accountId ?? "",
    counts: m.counts,
  };
}

async function message(db: Db, id: string): Promise<WireMessage | undefined> {
  const [found] = await listNoticeMessages(db, { id, limit: 1 });
  return found && toWireMessage(found);
}

function window(request: PublishNoticeRequest__Output): { start: Date; end: Date } {
  if (!request.startsAtMs || !request.endsAtMs)
    throw invalidArgument("A maintenance notice needs starts_at_ms and ends_at_ms: say when the window is.");
  if (request.endsAtMs <= request.startsAtMs)
    throw invalidArgument("ends_at_ms must lie after starts_at_ms.");
  return { start: new Date(request.startsAtMs), end: new Date(request.endsAtMs) };
}

export function noticesService(deps: { store: Store; recorder: AuditRecorder }): ServiceImplementation {
  const { pool } = deps.store;
  return {
    name: "entrim.agent.v1.NoticesService",
    definition: loadAgentProto().NoticesService.service,
    methods: {
      ListNotices: unary(
        "viewer",
        async (request: ListNoticesRequest__Output): Promise<ListNoticesResponse> => ({
          notices: (await listNoticeMessages(pool, { limit: limitOf(request.limit, 200) })).map(
            toWireMessage,
          ),
        }),
      ),
      GetNoticeDeliveries: unary(
        "viewer",
        async (request: GetNoticeDeliveriesRequest__Output): Promise<GetNoticeDeliveriesResponse> => {
          const id = request.id.trim();
          if (!MESSAGE_ID.test(id))
            throw invalidArgument(`id must be a notice message id like ntb_… or ntc_… (got "${id}").`);
          const rows = await noticeDeliveries(pool, id);
          if (rows.length === 0) throw notFound(`There is no notice message ${id}.`);
          return {
            deliveries: rows.map((r) => ({
              noticeId: r.noticeId,
              accountId: r.accountId ?? "",
              accountName: r.accountName,
              optedOut: r.optedOut,
              mails: r.mails.map((m) => ({
                mailId: m.mailId,
                state: m.state,
                attempts: m.attempts,
                lastErrorClass: m.lastErrorClass ?? "",
                finishedAtMs: ms(m.finishedAt),
              })),
            })),
          };
        },
      ),
      PublishNotice: unary("operator", async (request: PublishNoticeRequest__Output, context) => {
        const kind = request.kind.trim();
        if (kind !== "service" && kind !== "maintenance")
          throw invalidArgument(
            `kind must be "service" or "maintenance" (got "${kind}"); terms and model notices have their own commands.`,
          );
        const title = request.title.trim();
        if (!title || title.length > 200) throw invalidArgument("title must be 1 to 200 characters.");
        let body = request.body.trim();
        if (!body) throw invalidArgument("body is required: say what happens and what customers should do.");
        const accountId = request.accountId.trim();
        if (accountId && !ACCOUNT_ID.test(accountId))
          throw invalidArgument(`account_id must be an account id like acct_… (got "${accountId}").`);
        const reason = request.essentialReason.trim();
        if (request.essential) {
          if (!allows(context.operator.role, "admin"))
            throw new RpcError(
              status.PERMISSION_DENIED,
              `An essential notice (sent whatever the customer's settings) needs the admin role; your certificate (${context.operator.name}) names ${context.operator.role}. Publish it as non-essential, or ask an admin.`,
            );
          if (reason.length < 10)
            throw invalidArgument(
              "essential_reason is required for an essential notice: tell the customer why it cannot be turned off.",
            );
          body = `${body}\n\nWhy you receive this whatever your settings: ${reason}`;
        }
        const span = kind === "maintenance" ? window(request) : undefined;
        if (span) body = `${body}\n\nFrom ${span.start.toISOString()} to ${span.end.toISOString()}.`;
        if (body.length > MAX_BODY)
          throw invalidArgument(`body is ${body.length} characters; at most ${MAX_BODY}.`);
        const notice = {
          kind,
          essential: request.essential,
          title,
          body,
          effectiveAt: span?.start,
          createdBy: context.operator.name,
        } as const;
        const id = await auditedChange(
          deps.recorder,
          pool,
          context,
          {
            action: "notice.publish",
            target: accountId ? `account:${accountId}` : "notices:every-account",
            reason: `${kind}${request.essential ? " (essential)" : ""}: ${title}`,
          },
          async (db) =>
            accountId
              ? (await notifyAccount(db, { ...notice, accountId })).noticeId
              : (await notifyEveryAccount(db, notice)).broadcastId,
        );
        return (await message(pool, id)) ?? emptyMessage(id, notice.kind, title, body, context.operator.name);
      }),
      DeprecateModel: unary("operator", async (request: DeprecateModelRequest__Output, context) => {
        const model = request.model.trim();
        const date = request.date.trim();
        const replacement = request.replacement.trim() || undefined;
        if (!model) throw invalidArgument("model is required: name the model to retire.");
        const result = await auditedChange(
          deps.recorder,
          pool,
          context,
          {
            action: "model.deprecate",
            target: `model:${model}`,
            reason: `retires on ${date}${replacement ? `, replaced by ${replacement}` : ""}`,
          },
          (db) => deprecateModel(db, { model, date, replacement, by: context.operator.name }),
        );
        // No account used it in 30 days: nothing was sent, and the answer says so with zero counts.
        return (
          (await message(pool, result.broadcastId)) ??
          emptyMessage(
            result.broadcastId,
            "model",
            `Model ${model} will be retired on ${date}`,
            "",
            context.operator.name,
          )
        );
      }),
    },
  };
}

function emptyMessage(id: string, kind: string, title: string, body: string, by: string): WireMessage {
  return {
    id,
    kind,
    title,
    body,
    essential: false,
    effectiveAtMs: 0,
    model: "",
    publishedAtMs: Date.now(),
    createdBy: by,
    audience: "accounts",
    accountId: "",
    counts: { accounts: 0, waiting: 0, sent: 0, failed: 0, optedOut: 0 },
  };
}
