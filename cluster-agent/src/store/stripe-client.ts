// The official Stripe SDK, configured from `stripe` in the agent's config: the secret key and the
// webhook secret come from the environment variables the config names, and `apiBase` points the SDK
// at a stand-in (tests) instead of api.stripe.com.
import Stripe from "stripe";
import { type StripeConfig, stripeHostOptions } from "../config/stripe.js";

export function stripeClient(config: StripeConfig, env: NodeJS.ProcessEnv): Stripe {
  const key = env[config.secretKeyEnv];
  if (!key)
    throw new Error(`stripe: set the environment variable ${config.secretKeyEnv} to the Stripe secret key`);
  return new Stripe(key, { ...stripeHostOptions(config), maxNetworkRetries: 2, timeout: 20_000 });
}

export function stripePayments(
  config: StripeConfig,
  env: NodeJS.ProcessEnv,
): { client: Stripe; webhookSecret: string } {
  const webhookSecret = env[config.webhookSecretEnv];
  if (!webhookSecret)
    throw new Error(
      `stripe: set the environment variable ${config.webhookSecretEnv} to the webhook signing secret`,
    );
  return { client: stripeClient(config, env), webhookSecret };
}
