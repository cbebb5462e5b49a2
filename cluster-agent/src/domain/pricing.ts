import type { TokenUsage } from "./token-usage.js";

/**
 * A model's price version: euros per million tokens, held as integer micro-euros so that every cost
 * is an exact integer (pico-euros) and sums never drift.
 */
export interface Price {
  /** Identifies the version a usage event was billed with. */
  version: number;
  model: string;
  /** Micro-euros (1e-6 EUR) per million input tokens not served from the prompt cache. */
  inputMicroEurPerM: bigint;
  /** Micro-euros per million input tokens served from the prompt cache. */
  cachedMicroEurPerM: bigint;
  /** Micro-euros per million output tokens. */
  outputMicroEurPerM: bigint;
  /** Micro-euros per million embedding input tokens; null: billed at the input price. */
  embeddingMicroEurPerM?: bigint | null | undefined;
  /** Epoch milliseconds from which this version is in force. */
  effectiveFrom: number;
}

/** The price versions an agent knows, kept current by the store (see the billing component). */
export interface PriceBook {
  /** The version in force for `model` at `at` (epoch ms), or null when the model has no price. */
  priceAt(model: string, at: number): Price | null;
}

/** A book with no prices: every request costs 0 (used until prices are configured). */
export const NO_PRICES: PriceBook = { priceAt: () => null };

/**
 * Exact cost in pico-euros (1e-12 EUR): tokens x micro-euros per million tokens. Cached prompt tokens
 * are billed at the cached price, the rest of the prompt at the input price.
 */
export function costPicoEur(usage: TokenUsage, price: Price | null): bigint {
  if (!price) return 0n;
  const cached = BigInt(usage.cachedTokens);
  const fresh = BigInt(usage.promptTokens) - cached;
  return (
    fresh * price.inputMicroEurPerM +
    cached * price.cachedMicroEurPerM +
    BigInt(usage.completionTokens) * price.outputMicroEurPerM
  );
}

/** Exact cost of an embeddings request: every input token at the embedding price (or the input price). */
export function embeddingCostPicoEur(promptTokens: number, price: Price | null): bigint {
  if (!price) return 0n;
  return BigInt(promptTokens) * (price.embeddingMicroEurPerM ?? price.inputMicroEurPerM);
}

/** Rounds pico-euros to whole cents, half away from zero: the one rounding step, per invoice line. */
export function picoEurToCents(pico: bigint): bigint {
  const perCent = 10_000_000_000n;
  const sign = pico < 0n ? -1n : 1n;
  const abs = pico * sign;
  return sign * ((abs + perCent / 2n) / perCent);
}
