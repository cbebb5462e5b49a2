// Notification settings: whether the account receives non-essential mail (maintenance, model
// retirements). Everyone may read the setting; only an owner changes it, for the whole account.
// Essential mail (invoices, payment, security, contract) cannot be turned off: the customer must hear
// of what changes their contract or access, and the portal says so beside the checkbox.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { setNonEssential, wantsNonEssential } from "../notices/notify.js";
import { transaction } from "../store/db.js";
import type { NoticeKind } from "../store/notices.js";
import { parseBody } from "./body.js";
import { auditCustomer, type PortalDeps, requirePortal } from "./context.js";

/** As docs/notices.md's table: what each sender marks essential. */
export const ESSENTIAL_KINDS: readonly NoticeKind[] = ["billing", "abuse", "terms"];
export const NON_ESSENTIAL_KINDS: readonly NoticeKind[] = ["maintenance", "model"];

const putBody = z.object({ nonEssential: z.boolean({ error: "must be true or false" }) }).strict();

export async function notificationRoutes(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  const db = deps.store.pool;
  const view = async (accountId: string) => ({
    nonEssential: await wantsNonEssential(db, accountId),
    essentialKinds: ESSENTIAL_KINDS,
    nonEssentialKinds: NON_ESSENTIAL_KINDS,
  });

  app.get("/api/notifications", async (request) => view(requirePortal(request).accountId));

  app.put("/api/notifications", async (request) => {
    const principal = requirePortal(request, "owner");
    const { nonEssential } = parseBody(putBody, request.body);
    await transaction(db, async (tx) => {
      await setNonEssential(tx, principal.accountId, nonEssential, `portal:${principal.userId}`);
      await auditCustomer(
        deps,
        principal,
        {
          action: "notifications.update",
          target: principal.accountId,
          reason: nonEssential ? "non-essential mail on" : "non-essential mail off",
        },
        tx,
      );
    });
    return view(principal.accountId);
  });
}
