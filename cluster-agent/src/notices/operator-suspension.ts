// Suspensions operators create (CLI, console): an abuse warning on an account also tells the account,
// in the same transaction, so no warning stands without its notice (and no notice without a warning).
import { type Db, transaction } from "../store/db.js";
import { createSuspension, type NewSuspension, type Suspension } from "../store/suspensions.js";
import { notifyAccount } from "./notify.js";

export async function createOperatorSuspension(db: Db, input: NewSuspension): Promise<Suspension> {
  return transaction(db, async (client) => {
    const suspension = await createSuspension(client, input);
    if (input.targetType === "account" && input.state === "warned" && input.reason === "abuse") {
      await notifyAccount(client, {
        accountId: suspension.target,
        kind: "abuse",
        essential: true,
        title: "Warning: your account's use breaks our acceptable use policy",
        body:
          "Our operators recorded a warning against your account for use that breaks the acceptable use policy. " +
          "Please review how your API keys are used. If it continues, API access may be suspended. " +
          "Reply to this message or contact support if you believe this is a mistake.",
        createdBy: input.createdBy,
      });
    }
    return suspension;
  });
}
