// Handlers of the data-subject request channels (common/data-requests.ts). The store is shared, so any
// reachable agent answers; completing and rejecting are acts, refused for a read-only profile here
// as well as by the agent's role check.
import type { DataSubjectRequest__Output } from "@entrim/proto";
import type { dataRequestChannels } from "../common/index.js";
import { unaryCall } from "./agent-link.js";
import type { ClusterConnection } from "./cluster.js";
import type { Handlers } from "./router.js";

/** An erasure revokes every key and rewrites the account's rows: more than a plain read's deadline. */
const ACT_TIMEOUT_MS = 60_000;

export function dataRequestHandlers(
  connected: () => ClusterConnection,
  writable: () => ClusterConnection,
): Pick<Handlers, keyof typeof dataRequestChannels> {
  return {
    listDataRequests: async ({ status, accountId, limit }) =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { requests: DataSubjectRequest__Output[] }>(
            (r, o, cb) => l.accounts.listDataSubjectRequests(r, o, cb),
            { status, accountId: accountId ?? "", limit },
            30_000,
          ),
        )
      ).requests,
    completeDataRequest: async ({ id, note }) =>
      writable().anyLink((l) =>
        unaryCall<object, DataSubjectRequest__Output>(
          (r, o, cb) => l.accounts.completeDataSubjectRequest(r, o, cb),
          { id, note },
          ACT_TIMEOUT_MS,
        ),
      ),
    rejectDataRequest: async ({ id, reason }) =>
      writable().anyLink((l) =>
        unaryCall<object, DataSubjectRequest__Output>(
          (r, o, cb) => l.accounts.rejectDataSubjectRequest(r, o, cb),
          { id, reason },
          ACT_TIMEOUT_MS,
        ),
      ),
  };
}
