import { invalidArgument } from "./rpc.js";

/** Epoch milliseconds for the wire; 0 for "none", as the contract documents. */
export function ms(date: Date | null | undefined): number {
  return date ? date.getTime() : 0;
}

/** A list size: 0 means the default, more than the maximum is an error rather than a silent cut. */
export function limitOf(requested: number, fallback = 100, max = 1000): number {
  if (requested === 0) return fallback;
  if (requested > max) throw invalidArgument(`limit must be at most ${max} (got ${requested}).`);
  return requested;
}

/** Optional time bound given as epoch ms; 0 means unbounded. */
export function timeOf(value: number, field: string): Date | undefined {
  if (value === 0) return undefined;
  if (!Number.isFinite(value) || value < 0) throw invalidArgument(`${field} must be epoch milliseconds.`);
  return new Date(value);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A UTC day "YYYY-MM-DD" as midnight UTC. */
export function dayOf(text: string, field: string): Date {
  const date = new Date(`${text}T00:00:00Z`);
  if (!DAY.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw invalidArgument(`${field} must be a UTC day like 2026-11-01 (got "${text}").`);
  }
  return date;
}

/** The period [from, to) of whole UTC days; empty bounds mean the current month so far. */
export function usagePeriod(fromText: string, toText: string, now = new Date()): { from: Date; to: Date } {
  const from = fromText
    ? dayOf(fromText, "usage_from")
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = toText
    ? new Date(dayOf(toText, "usage_to").getTime() + DAY_MS)
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS);
  if (to <= from) throw invalidArgument("usage_to must be on or after usage_from.");
  return { from, to };
}

/** Maps between the contract's prefixed enum names and the store's words. */
export function enumMap<Store extends string, Wire extends string>(prefix: string, values: readonly Store[]) {
  const toWire = (value: Store) => `${prefix}${value.toUpperCase()}` as Wire;
  const fromWire = (value: string, field: string): Store => {
    const found = values.find((v) => toWire(v) === value);
    if (!found) {
      const allowed = values.map((v) => toWire(v)).join(", ");
      throw invalidArgument(`${field} must be one of ${allowed} (got ${value || "none"}).`);
    }
    return found;
  };
  return { toWire, fromWire };
}
