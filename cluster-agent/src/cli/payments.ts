// Payments and prepaid credit for operators: an account's billing mode, credit adjustments, and
// refunds of an invoice's card payment through Stripe (what credit notes call).
import { userInfo } from "node:os";
import type { Command } from "commander";
import { formatPicoEur } from "../store/billing.js";
import {
  addCredit,
  type BillingMode,
  PICO_PER_CENT,
  prepaidBalances,
  setBillingMode,
} from "../store/credit.js";
import { refundPayment } from "../store/payments.js";
import { stripeClient } from "../store/stripe-client.js";
import { withAuditedStore } from "./audit-trail.js";
import { CliError, output } from "./context.js";

const by = () => `cli:${userInfo().username}`;

/** "12.34" EUR → 1234 cents; negative allowed only when `signed`. */
function cents(option: string, text: string, signed = false): number {
  const match = /^(-?)(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  const value = match ? Number(match[2]) * 100 + Number((match[3] ?? "0").padEnd(2, "0")) : Number.NaN;
  if (!match || value === 0 || (match[1] === "-" && !signed))
    throw new CliError(`${option} "${text}" is not an amount; give EUR with at most 2 decimals, e.g. 25.00.`);
  return match[1] === "-" ? -value : value;
}

export function registerPaymentCommands(program: Command): void {
  const accounts = program.commands.find((c) => c.name() === "accounts");
  (accounts ?? program)
    .command("billing-mode")
    .description("Bill an account monthly (postpaid) or from prepaid credit (refused at zero)")
    .requiredOption("--account <id>", "account id")
    .requiredOption("--mode <mode>", "prepaid or postpaid")
    .action(async (o: { account: string; mode: string }, command: Command) => {
      if (o.mode !== "prepaid" && o.mode !== "postpaid")
        throw new CliError('--mode is "prepaid" or "postpaid".');
      await withAuditedStore(
        command,
        { action: "billing.mode", target: `account:${o.account}`, reason: o.mode },
        (store) => setBillingMode(store.pool, o.account, o.mode as BillingMode),
      );
      output(command, { account: o.account, mode: o.mode }, () => `Account ${o.account} is ${o.mode}.`);
    });

  const credit = program.command("credit").description("Prepaid credit");
  credit
    .command("top-up")
    .description("Add (or, negative, remove) prepaid credit by hand: an operator adjustment")
    .requiredOption("--account <id>", "account id")
    .requiredOption("--amount <eur>", "EUR, e.g. 50.00 (negative to remove)")
    .requiredOption("--reason <text>", "why")
    .action(async (o: { account: string; amount: string; reason: string }, command: Command) => {
      const amount = cents("--amount", o.amount, true);
      const balance = await withAuditedStore(
        command,
        {
          action: "billing.credit.adjust",
          target: `account:${o.account}`,
          reason: `${o.amount} EUR: ${o.reason}`,
        },
        async (store) => {
          await addCredit(store.pool, {
            accountId: o.account,
            kind: "adjustment",
            amountPicoEur: BigInt(amount) * PICO_PER_CENT,
            by: by(),
          });
          return (await prepaidBalances(store.pool, o.account))[0]?.balancePicoEur ?? null;
        },
      );
      const shown = balance === null ? "(account is postpaid)" : `${formatPicoEur(balance)} EUR`;
      output(
        command,
        { account: o.account, balancePicoEur: balance?.toString() ?? null },
        () => `Balance: ${shown}`,
      );
    });

  const payments = program.command("payments").description("Card payments through Stripe");
  payments
    .command("refund")
    .description("Refund part or all of an invoice's card payment through Stripe")
    .requiredOption("--invoice <id>", "invoice id")
    .requiredOption("--amount <eur>", "EUR to refund, e.g. 12.50")
    .requiredOption("--reason <text>", "why (e.g. the credit note)")
    .option(
      "--secret-key-env <name>",
      "environment variable holding the Stripe secret key",
      "STRIPE_SECRET_KEY",
    )
    .option("--api-base <url>", "a Stripe API stand-in instead of api.stripe.com")
    .action(
      async (
        o: { invoice: string; amount: string; reason: string; secretKeyEnv: string; apiBase?: string },
        command: Command,
      ) => {
        const amountCents = cents("--amount", o.amount);
        const stripe = stripeClient(
          {
            secretKeyEnv: o.secretKeyEnv,
            webhookSecretEnv: "",
            currency: "eur",
            ...(o.apiBase ? { apiBase: o.apiBase } : {}),
          },
          process.env,
        );
        const refund = await withAuditedStore(
          command,
          {
            action: "billing.payment.refund",
            target: `invoice:${o.invoice}`,
            reason: `${o.amount} EUR: ${o.reason}`,
          },
          (store) =>
            refundPayment(store.pool, stripe, { invoiceId: o.invoice, amountCents, reason: o.reason }),
        );
        output(command, refund, () => `Refund ${refund.refundId}: ${o.amount} EUR of invoice ${o.invoice}.`);
      },
    );
}
