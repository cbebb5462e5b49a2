import { z } from "zod";

/**
 * Card payments through Stripe (issue 16). Absent: no payment links, no webhook, invoices are marked
 * paid by hand. The keys are named by environment variable: secrets never sit in config.
 */
export const stripeSchema = z
  .object({
    /** Environment variable holding the secret API key (sk_live_… / sk_test_…). */
    secretKeyEnv: z.string().min(1).default("STRIPE_SECRET_KEY"),
    /** Environment variable holding the webhook endpoint's signing secret (whsec_…). */
    webhookSecretEnv: z.string().min(1).default("STRIPE_WEBHOOK_SECRET"),
    /** A Stripe API stand-in (tests, a proxy); default: Stripe's own API. */
    apiBase: z.string().url().optional(),
    currency: z.literal("eur").default("eur"),
  })
  .strict()
  .optional();

export type StripeConfig = NonNullable<z.infer<typeof stripeSchema>>;

/** The SDK's connection options for `apiBase`: host, port and protocol, as the SDK takes them. */
export function stripeHostOptions(config: StripeConfig): {
  host?: string;
  port?: number;
  protocol?: "http" | "https";
} {
  if (!config.apiBase) return {};
  const url = new URL(config.apiBase);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: Number(url.port || (protocol === "http" ? 80 : 443)), protocol };
}
