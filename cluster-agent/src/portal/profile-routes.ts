// The account's profile in the portal: read by every role, rectified (name, company, billing address,
// country, VAT ID) by owners and billing members; each change is audited. With billing.vat.vies on, a
// new VAT ID is checked in VIES at once and the answer says what came of it.
import type { FastifyInstance } from "fastify";
import { checkAccountVatId, isEuVatId } from "../billing/vat-id-check.js";
import { viesEnabled } from "../config/billing.js";
import { countryName, type VatIdStatus } from "../domain/vat.js";
import { normalizeVatId, vatIdProblem } from "../domain/vat-id.js";
import {
  type AccountProfile,
  getProfile,
  type ProfileChange,
  updateProfile,
} from "../store/account-profile.js";
import { getVatIdCheck } from "../store/vat-id-checks.js";
import { auditedChange, badInput, bodyOf, fromStore, iso } from "./account-input.js";
import { notFound, type PortalDeps, type PortalPrincipal, requirePortal } from "./context.js";

const PORTAL_CHECK_SPACING_MS = 60_000;

export function profileView(p: AccountProfile) {
  return {
    id: p.id,
    name: p.name,
    company: p.company,
    email: p.email,
    billingAddress: p.billingAddress,
    country: p.country,
    vatId: p.vatId,
    status: p.status,
    createdAt: iso(p.createdAt),
  };
}

/** A string, or null / "" to clear when `clearable`. */
function text(body: Record<string, unknown>, field: string, max: number, clearable: boolean) {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null || (typeof value === "string" && value.trim() === "")) {
    if (clearable) return null;
    throw badInput(`"${field}" cannot be empty.`, field);
  }
  if (typeof value !== "string") throw badInput(`"${field}" must be a string.`, field);
  const trimmed = value.trim();
  if (trimmed.length > max) throw badInput(`"${field}" must be at most ${max} characters.`, field);
  if (hasControlCharacter(trimmed)) throw badInput(`"${field}" contains control characters.`, field);
  return trimmed;
}

/** Line breaks and tabs are fine (an address has lines); other control characters are not. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/** Each field checked as the table's CHECKs would, but with a message naming it. */
export function profileChange(body: Record<string, unknown>): ProfileChange {
  const change: ProfileChange = {};
  const name = text(body, "name", 200, false);
  if (name !== undefined && name !== null) change.name = name;
  const company = text(body, "company", 200, true);
  if (company !== undefined) change.company = company;
  const address = text(body, "billingAddress", 1000, true);
  if (address !== undefined) change.billingAddress = address;
  const country = text(body, "country", 2, true);
  if (country !== undefined) {
    const code = country?.toUpperCase() ?? null;
    // A well-formed code the region list does not know (e.g. "XX") comes back unchanged.
    if (code !== null && (!/^[A-Z]{2}$/.test(code) || countryName(code) === code))
      throw badInput("Give the country as an ISO 3166 two-letter code, e.g. DE or FR.", "country");
    change.country = code;
  }
  const vat = text(body, "vatId", 40, true);
  if (vat !== undefined) {
    const id = vat === null ? null : normalizeVatId(vat);
    const problem = id === null ? null : vatIdProblem(id);
    if (problem !== null) throw badInput(problem, "vatId");
    change.vatId = id;
  }
  return change;
}

/** What the customer reads about the VIES check of their VAT ID: the result and what follows from it. */
function vatIdCheckView(vatId: string, status: VatIdStatus, checkedAt: Date, reference: string | null) {
  const message = {
    valid: `VIES confirms ${vatId} as a valid VAT ID.`,
    invalid: `VIES reports ${vatId} as not valid. Check the VAT ID for typos and correct it: until VIES confirms it, your invoices include VAT.`,
    unknown: `${vatId} could not be checked in VIES just now (the service or the member state's register is unavailable). It will be checked again before your next invoice; nothing for you to do.`,
  }[status];
  return { vatId, status, message, checkedAt: iso(checkedAt), reference };
}

/** The last VIES answer about the VAT ID on file (VIES on), so the page keeps showing it until it changes. */
async function storedVatIdCheck(deps: PortalDeps, profile: AccountProfile) {
  if (!deps.billing || !viesEnabled(deps.billing) || profile.vatId === null) return undefined;
  const stored = await getVatIdCheck(deps.store.pool, profile.id);
  return stored && stored.vatId === profile.vatId
    ? vatIdCheckView(stored.vatId, stored.status, stored.checkedAt, stored.reference)
    : undefined;
}

/**
 * The VIES check of the account's VAT ID after a change: run now when the VAT ID has no current answer
 * (new, changed, or "unknown"), so saving the form again does not ask VIES again. Undefined when VIES
 * is off or the VAT ID is not an EU one.
 */
async function vatIdCheckAfterChange(deps: PortalDeps, principal: PortalPrincipal, vatId: string | null) {
  const billing = deps.billing;
  if (!billing || !viesEnabled(billing) || vatId === null || !isEuVatId(vatId)) return undefined;
  const db = deps.store.pool;
  const stored = await getVatIdCheck(db, principal.accountId);
  if (stored && stored.vatId === vatId && stored.status !== "unknown")
    return vatIdCheckView(vatId, stored.status, stored.checkedAt, stored.reference);
  const now = deps.now();
  // One VIES call per account a minute from the portal: a customer saving VAT ID after VAT ID cannot
  // spend the seller's VIES quota (VIES limits requests per requester). The leader checks it later.
  if (stored && now.getTime() - stored.checkedAt.getTime() < PORTAL_CHECK_SPACING_MS)
    return vatIdCheckView(vatId, "unknown", now, null);
  const check = await checkAccountVatId(db, billing, principal.accountId, vatId, {
    now,
    actor: { operator: principal.userId, role: "customer", source: "portal" },
    recorder: deps.recorder,
    logger: deps.logger,
  });
  return check && vatIdCheckView(vatId, check.status, now, check.reference);
}

export async function profileRoutes(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  app.get("/api/profile", async (request) => {
    const principal = requirePortal(request);
    const profile = await getProfile(deps.store.pool, principal.accountId);
    if (!profile) throw notFound("account");
    const vatIdCheck = await storedVatIdCheck(deps, profile);
    return { account: profileView(profile), ...(vatIdCheck ? { vatIdCheck } : {}) };
  });

  app.patch("/api/profile", async (request) => {
    const principal = requirePortal(request, "owner", "billing");
    const change = profileChange(bodyOf(request, ["name", "company", "billingAddress", "country", "vatId"]));
    const fields = Object.keys(change);
    const profile = await auditedChange(
      deps,
      principal,
      // The fields changed, never their values: the audit log outlives an erasure.
      { action: "profile.update", target: () => `account:${principal.accountId}`, reason: fields.join(",") },
      (db) => updateProfile(db, principal.accountId, change),
    ).catch((error) => {
      throw fromStore(error, "account");
    });
    const vatIdCheck =
      change.vatId !== undefined
        ? await vatIdCheckAfterChange(deps, principal, profile.vatId)
        : await storedVatIdCheck(deps, profile);
    return { account: profileView(profile), ...(vatIdCheck ? { vatIdCheck } : {}) };
  });
}
