// What the account routes share: strict JSON bodies (unknown fields refused), store errors in the
// portal's words, money as strings, and a change committed together with its audit entry.
import type { FastifyRequest } from "fastify";
import { ApiError } from "../common/errors.js";
import { type Db, StoreError, transaction } from "../store/db.js";
import { auditCustomer, notFound, type PortalDeps, type PortalPrincipal } from "./context.js";

export function badInput(message: string, param: string | null): ApiError {
  return new ApiError(400, "invalid_request_error", message, param, "invalid_request");
}

export function conflict(message: string): ApiError {
  return new ApiError(409, "invalid_request_error", message, null, "conflict");
}

/** The JSON object body with only `allowed` fields; anything else is a 400 naming the field. */
export function bodyOf(request: FastifyRequest, allowed: readonly string[]): Record<string, unknown> {
  const body = request.body ?? {};
  if (typeof body !== "object" || Array.isArray(body) || body === null)
    throw badInput("Send a JSON object as the request body.", null);
  for (const field of Object.keys(body)) {
    if (!allowed.includes(field)) throw badInput(`Unknown field "${field}"; remove it and try again.`, field);
  }
  return body as Record<string, unknown>;
}

/** A string field, trimmed; undefined when absent. A non-string is a 400 naming it. */
export function stringField(body: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw badInput(`"${field}" must be a string.`, field);
  const trimmed = value.trim();
  if (trimmed.length > max) throw badInput(`"${field}" must be at most ${max} characters.`, field);
  return trimmed;
}

/** An ISO 8601 date or time; undefined when absent or null. */
export function dateField(body: Record<string, unknown>, field: string): Date | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const date = typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw badInput(`"${field}" must be an ISO 8601 date or time, e.g. 2027-06-30T00:00:00Z.`, field);
  return date;
}

/** A store refusal as the customer reads it; `what` names a missing thing without its id. */
export function fromStore(error: unknown, what: string, param: string | null = null): unknown {
  if (!(error instanceof StoreError)) return error;
  if (error.code === "not_found") return notFound(what);
  if (error.code === "conflict") return conflict(error.message);
  return badInput(error.message, param);
}

/** Pico-euros as euros with 6 decimals, rounded half up ("0.000123"): costs, never floats. */
export function euros6(pico: bigint): string {
  const micro = (pico < 0n ? pico - 500_000n : pico + 500_000n) / 1_000_000n;
  const sign = micro < 0n ? "-" : "";
  const abs = micro < 0n ? -micro : micro;
  return `${sign}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, "0")}`;
}

export const iso = (date: Date | null | undefined): string | null => date?.toISOString() ?? null;

/** Runs a customer's change in one transaction with its audit entry: both commit or neither does. */
export function auditedChange<T>(
  deps: PortalDeps,
  principal: PortalPrincipal,
  entry: { action: string; target: (result: T) => string; reason?: string },
  change: (db: Db) => Promise<T>,
): Promise<T> {
  return transaction(deps.store.pool, async (db) => {
    const result = await change(db);
    const audit: { action: string; target: string; reason?: string } = {
      action: entry.action,
      target: entry.target(result),
    };
    if (entry.reason !== undefined) audit.reason = entry.reason;
    await auditCustomer(deps, principal, audit, db);
    return result;
  });
}

/** Sends a download: the browser saves it under `filename` instead of showing it. */
export function attachment(filename: string): Record<string, string> {
  return { "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" };
}
