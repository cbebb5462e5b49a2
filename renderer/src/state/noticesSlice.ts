// Customer notices as operators follow them (issue 16): the messages as last read from the agent, the
// one at the cursor with its deliveries per account, and which dialog is open. The delivery bar's
// shares are computed here so the view only draws them.
import type { AccountDelivery, NoticeMessage } from "@entrim/electron/common";
import type { StateCreator } from "zustand";
import type { AppState } from "./store.js";

export type NoticeDialog = "publish" | "retire";

export interface NoticesSlice {
  noticeMessages: NoticeMessage[];
  /** When the list was last read; undefined before the first answer. */
  noticesLoadedAtMs: number | undefined;
  /** Why the last read failed; the rows it had stay. */
  noticesError: string | undefined;
  noticeCursor: string | undefined;
  /** The deliveries of one message (the cursor's, once read). */
  noticeDeliveries: { id: string; rows: AccountDelivery[] } | undefined;
  noticeDialog: NoticeDialog | undefined;
  noticesLoaded(list: NoticeMessage[], nowMs?: number): void;
  noticesFailed(error: string): void;
  setNoticeCursor(id: string | undefined): void;
  deliveriesLoaded(id: string, rows: AccountDelivery[]): void;
  openNoticeDialog(dialog: NoticeDialog | undefined): void;
}

export const createNoticesSlice: StateCreator<AppState, [], [], NoticesSlice> = (set, get) => ({
  noticeMessages: [],
  noticesLoadedAtMs: undefined,
  noticesError: undefined,
  noticeCursor: undefined,
  noticeDeliveries: undefined,
  noticeDialog: undefined,
  noticesLoaded: (noticeMessages, nowMs = Date.now()) => {
    const cursor = get().noticeCursor;
    const kept = noticeMessages.some((n) => n.id === cursor) ? cursor : noticeMessages[0]?.id;
    set({
      noticeMessages,
      noticesLoadedAtMs: nowMs,
      noticesError: undefined,
      noticeCursor: kept,
      noticeDeliveries: get().noticeDeliveries?.id === kept ? get().noticeDeliveries : undefined,
    });
  },
  noticesFailed: (noticesError) => set({ noticesError }),
  setNoticeCursor: (noticeCursor) =>
    set({
      noticeCursor,
      noticeDeliveries: get().noticeDeliveries?.id === noticeCursor ? get().noticeDeliveries : undefined,
    }),
  // An answer for a message no longer at the cursor (the operator moved on) is dropped.
  deliveriesLoaded: (id, rows) => {
    if (get().noticeCursor === id) set({ noticeDeliveries: { id, rows } });
  },
  openNoticeDialog: (noticeDialog) => set({ noticeDialog, paletteOpen: false }),
});

export interface DeliveryShare {
  state: "sent" | "waiting" | "failed" | "opted-out";
  count: number;
  /** 0..1 of the bar. */
  share: number;
}

/** The delivery bar: sent, waiting, failed (emails) and opted out (accounts), as shares of their sum. */
export function deliveryShares(counts: NoticeMessage["counts"]): DeliveryShare[] {
  const c = counts ?? { sent: 0, waiting: 0, failed: 0, optedOut: 0, accounts: 0 };
  const parts = [
    { state: "sent" as const, count: c.sent },
    { state: "waiting" as const, count: c.waiting },
    { state: "failed" as const, count: c.failed },
    { state: "opted-out" as const, count: c.optedOut },
  ];
  const total = parts.reduce((sum, p) => sum + p.count, 0);
  return parts.map((p) => ({ ...p, share: total > 0 ? p.count / total : 0 }));
}

/** "every account (portal)", "3 accounts", or the one account's id. */
export function audienceOf(m: Pick<NoticeMessage, "audience" | "accountId" | "counts">): string {
  if (m.audience === "everyone") return "every account (portal only)";
  if (m.audience === "account") return m.accountId;
  const n = m.counts?.accounts ?? 0;
  return `${n} account${n === 1 ? "" : "s"}`;
}

export function cursorNotice(
  s: Pick<AppState, "noticeMessages" | "noticeCursor">,
): NoticeMessage | undefined {
  return s.noticeMessages.find((n) => n.id === s.noticeCursor);
}
