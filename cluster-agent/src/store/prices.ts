import type { Price } from "../domain/pricing.js";
import { type Db, isPgError, StoreError, UNIQUE_VIOLATION } from "./db.js";

/** The channel the price_versions trigger notifies on (migrations/0006_billing.sql). */
export const PRICES_CHANNEL = "entrim_prices";

export interface PriceVersion extends Price {
  createdAt: Date;
  createdBy: string;
}

export interface NewPrice {
  model: string;
  inputMicroEurPerM: bigint;
  cachedMicroEurPerM: bigint;
  outputMicroEurPerM: bigint;
  /** Embedding input tokens; absent or null: billed at the input price. */
  embeddingMicroEurPerM?: bigint | null | undefined;
  /** Defaults to now. */
  effectiveFrom?: Date | undefined;
  createdBy: string;
}

const MICRO_PER_EUR = 1_000_000n;
const EUR_DECIMAL = /^(\d{1,9})(?:\.(\d{1,6}))?$/;

/** "2.5" (EUR per million tokens) → 2_500_000n micro-euros; more than 6 decimals is refused, not rounded. */
export function parseEurPerMillion(text: string): bigint | undefined {
  const match = EUR_DECIMAL.exec(text.trim());
  if (!match) return undefined;
  return BigInt(match[1]!) * MICRO_PER_EUR + BigInt((match[2] ?? "").padEnd(6, "0"));
}

/** 2_500_000n → "2.500000": exact, for people and exports. */
export function formatMicroEur(micro: bigint): string {
  return `${micro / MICRO_PER_EUR}.${(micro % MICRO_PER_EUR).toString().padStart(6, "0")}`;
}

/**
 * Adds a price version. It may not start in the past: requests already served were priced with the
 * version then in force, and a back-dated version would make the book disagree with their costs.
 */
export async function addPriceVersion(db: Db, input: NewPrice, now = new Date()): Promise<PriceVersion> {
  const model = input.model.trim();
  if (!model || model.length > 128) throw new StoreError("invalid", "Give the model's public name.");
  const effectiveFrom = input.effectiveFrom ?? now;
  if (Number.isNaN(effectiveFrom.getTime())) throw new StoreError("invalid", "The start time is not a date.");
  if (effectiveFrom.getTime() < now.getTime()) {
    throw new StoreError(
      "invalid",
      `A price version cannot start in the past (${effectiveFrom.toISOString()}); give a future time or none for now.`,
    );
  }
  const embedding = input.embeddingMicroEurPerM ?? null;
  for (const value of [
    input.inputMicroEurPerM,
    input.cachedMicroEurPerM,
    input.outputMicroEurPerM,
    embedding ?? 0n,
  ]) {
    if (value < 0n) throw new StoreError("invalid", "Prices cannot be negative.");
  }
  try {
    const result = await db.query(
      `INSERT INTO price_versions (model, input_micro_eur_per_m, cached_micro_eur_per_m,
         output_micro_eur_per_m, embedding_micro_eur_per_m, effective_from, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [
        model,
        input.inputMicroEurPerM.toString(),
        input.cachedMicroEurPerM.toString(),
        input.outputMicroEurPerM.toString(),
        embedding === null ? null : embedding.toString(),
        effectiveFrom,
        input.createdBy,
      ],
    );
    return toPriceVersion(result.rows[0]);
  } catch (error) {
    if (isPgError(error, UNIQUE_VIOLATION)) {
      throw new StoreError(
        "conflict",
        `${model} already has a price version starting at ${effectiveFrom.toISOString()}; pick another time.`,
      );
    }
    throw error;
  }
}

const COLUMNS = `id::text AS id, model, input_micro_eur_per_m::text AS input, cached_micro_eur_per_m::text AS cached,
  output_micro_eur_per_m::text AS output, embedding_micro_eur_per_m::text AS embedding, effective_from, created_at, created_by`;

/** Every version, oldest first per model: what a price book loads. */
export async function listPriceVersions(db: Db, model?: string): Promise<PriceVersion[]> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM price_versions WHERE ($1::text IS NULL OR model = $1)
     ORDER BY model, effective_from`,
    [model ?? null],
  );
  return result.rows.map(toPriceVersion);
}

/** The versions with these ids: what an agent re-reads when NOTIFY names them. */
export async function getPriceVersionsByIds(db: Db, ids: string[]): Promise<PriceVersion[]> {
  const result = await db.query(`SELECT ${COLUMNS} FROM price_versions WHERE id = ANY($1::bigint[])`, [ids]);
  return result.rows.map(toPriceVersion);
}

function toPriceVersion(row: Record<string, unknown>): PriceVersion {
  return {
    version: Number(row.id),
    model: row.model as string,
    inputMicroEurPerM: BigInt(row.input as string),
    cachedMicroEurPerM: BigInt(row.cached as string),
    outputMicroEurPerM: BigInt(row.output as string),
    embeddingMicroEurPerM: row.embedding === null ? null : BigInt(row.embedding as string),
    effectiveFrom: (row.effective_from as Date).getTime(),
    createdAt: row.created_at as Date,
    createdBy: row.created_by as string,
  };
}
