// Channels of the Notices view (customer notices, issue 16): messages with their delivery state, one
// message's deliveries, and the two acts, publishing a notice and retiring a model (operators; an
// essential notice is the admin's, checked by the agent). Kept apart from channels.ts, like the
// data-subject request channels.
import type { AccountDelivery__Output, NoticeMessage__Output } from "@entrim/proto";
import { z } from "zod";
import { getRequestChannel as req, returns } from "./channel.js";

export type NoticeMessage = NoticeMessage__Output;
export type AccountDelivery = AccountDelivery__Output;

const messageId = z
  .string()
  .regex(/^(ntb|ntc)_[a-z0-9]{16,40}$/, "expected a notice message id (ntb_… or ntc_…)");

export const listNoticesRequest = z
  .object({ limit: z.number().int().min(1).max(1000).default(200) })
  .strict();
export const noticeRef = z.object({ id: messageId }).strict();

export const publishNoticeRequest = z
  .object({
    kind: z.enum(["service", "maintenance"]),
    title: z.string().trim().min(1, "give a title").max(200),
    body: z.string().trim().min(1, "say what happens and what customers should do").max(4800),
    /** Absent: every open account. */
    accountId: z
      .string()
      .regex(/^acct_[a-z0-9]{16,40}$/, "expected an account id (acct_…)")
      .optional(),
    startsAtMs: z.number().int().nonnegative().default(0),
    endsAtMs: z.number().int().nonnegative().default(0),
    essential: z.boolean().default(false),
    essentialReason: z.string().trim().max(500).default(""),
  })
  .strict()
  .refine((n) => n.kind !== "maintenance" || (n.startsAtMs > 0 && n.endsAtMs > n.startsAtMs), {
    message: "a maintenance notice needs a window: a start and a later end",
    path: ["endsAtMs"],
  })
  .refine((n) => !n.essential || n.essentialReason.length >= 10, {
    message: "an essential notice says why it cannot be turned off (at least 10 characters)",
    path: ["essentialReason"],
  });

/** What the New notice dialog sends (defaults filled in by the schema). */
export type PublishNoticeInput = z.input<typeof publishNoticeRequest>;

export const deprecateModelRequest = z
  .object({
    model: z.string().trim().min(1, "choose a model").max(200),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "write the date as YYYY-MM-DD"),
    replacement: z.string().trim().max(200).default(""),
  })
  .strict();

export const noticeChannels = {
  listNotices: req("notices.list", listNoticesRequest, returns<NoticeMessage[]>),
  noticeDeliveries: req("notices.deliveries", noticeRef, returns<AccountDelivery[]>),
  publishNotice: req("notices.publish", publishNoticeRequest, returns<NoticeMessage>),
  deprecateModel: req("notices.deprecate", deprecateModelRequest, returns<NoticeMessage>),
} as const;
