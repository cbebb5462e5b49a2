// `vat-ids check`: an operator asks VIES about an account's VAT ID now (after an outage, or before
// issuing by hand) instead of waiting for the leader's pass. Customers change the VAT ID in the portal,
// which checks it itself; no CLI command sets a VAT ID.
import type { Command } from "commander";
import { checkAccountVatId, isEuVatId } from "../billing/vat-id-check.js";
import { viesEnabled } from "../config/billing.js";
import { getProfile } from "../store/account-profile.js";
import { withAuditedStore } from "./audit-trail.js";
import { billingConfigOf } from "./billing.js";
import { CliError, output } from "./context.js";

export function registerVatIdCommands(program: Command): void {
  const vatIds = program
    .command("vat-ids")
    .description("VIES checks of customers' VAT IDs (billing.vat.vies)");
  vatIds
    .command("check")
    .description("Check an account's VAT ID in VIES now and store the result, as the leader's pass would")
    .requiredOption("--account <id>", "account id")
    .option(
      "--config <file>",
      "agent config with billing.seller and billing.vat.vies (default: ENTRIM_CONFIG)",
    )
    .action(async (o: { account: string; config?: string }, command: Command) => {
      const billing = billingConfigOf(command, o.config);
      if (!viesEnabled(billing))
        throw new CliError(
          "VIES checks are off: set billing.vat.vies.enabled to true in the config (see docs/configuration.md, Billing).",
        );
      const check = await withAuditedStore(
        command,
        { action: "billing.vat_id.check", target: `account:${o.account}` },
        async (store) => {
          const profile = await getProfile(store.pool, o.account);
          if (!profile) throw new CliError(`There is no account ${o.account}; \`accounts list\` shows them.`);
          if (!profile.vatId || !isEuVatId(profile.vatId))
            throw new CliError(
              `Account ${o.account} has no EU VAT ID to check; the customer sets it in the portal's profile.`,
            );
          // Audited by withAuditedStore (started, then ok); the result itself is stored on the account.
          const result = await checkAccountVatId(store.pool, billing, o.account, profile.vatId, {
            now: new Date(),
          });
          if (!result)
            throw new CliError("VIES checks are off: set billing.vat.vies.enabled to true in the config.");
          return { accountId: o.account, vatId: profile.vatId, ...result };
        },
      );
      output(command, check, () =>
        [
          `${check.vatId}: ${check.status}${check.reference ? ` (consultation number ${check.reference})` : ""}`,
          ...(check.status === "unknown"
            ? [
                `VIES could not answer (${check.detail}); the leader's billing pass tries again before issuing.`,
              ]
            : []),
        ].join("\n"),
      );
    });
}
