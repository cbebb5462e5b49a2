import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { loadPepper, type PepperSource } from "../config/pepper.js";
import type { AuditAction } from "../domain/audit-action.js";

/**
 * The audit chain's arithmetic, apart from the store so that a verifier outside the agent can follow
 * it: entry n stores `hash = hex(hmac_sha256(key, prev_hash + canonicalEntry(n)))`, prev_hash being the
 * hash of entry n-1, of the last entry a pruning checkpoint covers, or GENESIS_HASH for entry 1. The key
 * is derived from the cluster's pepper: someone who can write to the database but does not hold the
 * pepper cannot recompute the chain after editing, deleting or appending entries.
 */
export const GENESIS_HASH = "0".repeat(64);

/** One stored entry: the action plus what the chain adds. seq is decimal text (it is a bigint). */
export interface AuditRecord extends AuditAction {
  seq: string;
  at: Date;
  node: string;
  prevHash: string;
  hash: string;
}

export interface AuditCheckpoint {
  /** The last pruned entry's seq. */
  prunedThrough: string;
  /** That entry's hash: the chain continues from it. */
  lastHash: string;
  createdAt: Date;
  node: string;
  signature: string;
}

/**
 * The exact text hashed after prev_hash: a JSON object with keys in this fixed order, `at` as epoch
 * milliseconds. Written out by hand (not derived from the object) so that adding a field elsewhere
 * cannot silently change every hash.
 */
export function canonicalEntry(e: Omit<AuditRecord, "hash" | "prevHash">): string {
  return JSON.stringify({
    seq: e.seq,
    at: e.at.getTime(),
    operator: e.operator,
    role: e.role,
    source: e.source,
    action: e.action,
    target: e.target,
    reason: e.reason,
    result: e.result,
    node: e.node,
  });
}

export function entryHash(
  key: Buffer,
  prevHash: string,
  entry: Omit<AuditRecord, "hash" | "prevHash">,
): string {
  return createHmac("sha256", key)
    .update(prevHash + canonicalEntry(entry), "utf8")
    .digest("hex");
}

/**
 * The checkpoint signing key: HKDF-SHA256 of the cluster's key pepper. Every agent holds the pepper,
 * so any agent can verify a checkpoint, and nobody without it (a database dump, a DBA) can forge one to
 * hide deleted entries. A derived key, not the pepper itself, so the two uses never share a MAC input.
 */
export function auditCheckpointKey(pepper: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", pepper, Buffer.alloc(0), "entrim audit checkpoint", 32));
}

/** The key from the cluster's pepper (ENTRIM_KEY_PEPPER or `<dataDir>/key-pepper`). */
export async function loadAuditKey(source: PepperSource): Promise<Buffer> {
  return auditCheckpointKey(await loadPepper(source));
}

export function signCheckpoint(key: Buffer, c: Omit<AuditCheckpoint, "signature">): string {
  const text = JSON.stringify({
    prunedThrough: c.prunedThrough,
    lastHash: c.lastHash,
    createdAt: c.createdAt.getTime(),
    node: c.node,
  });
  return createHmac("sha256", key).update(text, "utf8").digest("hex");
}

export function checkpointValid(key: Buffer, c: AuditCheckpoint): boolean {
  const expected = Buffer.from(signCheckpoint(key, c), "hex");
  const actual = Buffer.from(c.signature, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
