// Handlers of the Notices view's channels (common/notices.ts). The store is shared, so any reachable
// agent answers; publishing and retiring are acts, refused for a read-only profile here as well as by
// the agent's role check.
import type { AccountDelivery__Output, NoticeMessage__Output } from "@entrim/proto";
import type { noticeChannels } from "../common/index.js";
import { unaryCall } from "./agent-link.js";
import type { ClusterConnection } from "./cluster.js";
import type { Handlers } from "./router.js";

/** A broadcast writes a row and queues mail per open account in one transaction. */
const ACT_TIMEOUT_MS = 60_000;

export function noticeHandlers(
  connected: () => ClusterConnection,
  writable: () => ClusterConnection,
): Pick<Handlers, keyof typeof noticeChannels> {
  return {
    listNotices: async ({ limit }) =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { notices: NoticeMessage__Output[] }>(
            (r, o, cb) => l.notices.listNotices(r, o, cb),
            { limit },
            30_000,
          ),
        )
      ).notices,
    noticeDeliveries: async ({ id }) =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { deliveries: AccountDelivery__Output[] }>(
            (r, o, cb) => l.notices.getNoticeDeliveries(r, o, cb),
            { id },
            30_000,
          ),
        )
      ).deliveries,
    publishNotice: async (request) =>
      writable().anyLink((l) =>
        unaryCall<object, NoticeMessage__Output>(
          (r, o, cb) => l.notices.publishNotice(r, o, cb),
          { ...request, accountId: request.accountId ?? "" },
          ACT_TIMEOUT_MS,
        ),
      ),
    deprecateModel: async (request) =>
      writable().anyLink((l) =>
        unaryCall<object, NoticeMessage__Output>(
          (r, o, cb) => l.notices.deprecateModel(r, o, cb),
          request,
          ACT_TIMEOUT_MS,
        ),
      ),
  };
}
