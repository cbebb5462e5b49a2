// Notices in the portal: the account's and its keys' warnings and suspensions in words, with what to
// do (the API itself answers a suspended key only "suspended (reason: …). Contact support."), and the
// service notices posted to the account or to everyone. Operators' notes are never shown.
import type { FastifyInstance } from "fastify";
import { noticesFor } from "../store/notices.js";
import { listSuspensions, type Suspension, type SuspensionReason } from "../store/suspensions.js";
import { iso } from "./account-input.js";
import { type PortalDeps, requirePortal } from "./context.js";

const REASONS: Record<SuspensionReason, { words: string; whatToDo: string }> = {
  abuse: {
    words: "use that breaks the acceptable-use rules",
    whatToDo: "Stop the traffic in question and contact support to have access restored.",
  },
  non_payment: {
    words: "an overdue invoice",
    whatToDo: "Pay the overdue invoice (see Invoices); access returns once the payment is recorded.",
  },
  security: {
    words: "a security concern, such as a key that may have leaked",
    whatToDo: "Revoke any key that may have leaked, create a new one, and contact support.",
  },
  legal: {
    words: "a legal requirement",
    whatToDo: "Contact support for details.",
  },
  customer_request: {
    words: "your own request",
    whatToDo: "Contact support when you want access back.",
  },
};

function suspensionNotice(s: Suspension) {
  const subject = s.targetType === "key" ? `API key ${s.target}` : "This account";
  const reason = REASONS[s.reason];
  const warned = s.state === "warned";
  return {
    id: s.id,
    kind: warned ? "warning" : "suspension",
    title: warned ? `${subject} has a warning` : `${subject} is suspended`,
    body: warned
      ? `${subject} was warned because of ${reason.words}. Requests are still served; a suspension may follow.`
      : `${subject} is suspended because of ${reason.words}: the API refuses its requests. You can still log in here, read invoices and pay.`,
    reason: s.reason,
    whatToDo: reason.whatToDo,
    target: s.targetType === "key" ? `key:${s.target}` : "account",
    createdAt: iso(s.createdAt),
    expiresAt: iso(s.expiresAt),
    active: s.active,
  };
}

export async function noticeRoutes(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  app.get("/api/notices", async (request) => {
    const principal = requirePortal(request);
    const now = deps.now();
    // listSuspensions scopes by account in SQL: the account's rows and its keys' rows only.
    const suspensions = await listSuspensions(deps.store.pool, {
      accountId: principal.accountId,
      activeOnly: true,
      limit: 100,
    });
    const posted = await noticesFor(deps.store.pool, principal.accountId, now);
    return {
      notices: [
        ...suspensions.filter((s) => s.targetType !== "ip").map(suspensionNotice),
        ...posted.map((n) => ({
          id: n.id,
          kind: n.kind,
          title: n.title,
          body: n.body,
          target: n.accountId === null ? "everyone" : "account",
          createdAt: iso(n.publishedAt),
          expiresAt: iso(n.expiresAt),
          active: true,
        })),
      ],
    };
  });
}
