// The Commission's VIES REST API: is a buyer's VAT ID valid today? One call, POST
// {base}/check-vat-number with {countryCode, vatNumber, requesterMemberStateCode, requesterNumber};
// the seller's own VAT ID as requester makes VIES answer a consultation number (requestIdentifier),
// the evidence a seller keeps for a zero-rated supply.
//
// An answer is "unknown" whenever VIES or the member state's back-end could not say: outages must never
// turn a business into a consumer (or into an unchecked one silently: the rule warns on "unknown").
import type { ViesConfig } from "../config/billing.js";
import type { VatIdStatus } from "../domain/vat.js";

export type { VatIdStatus };

export interface VatIdCheck {
  status: VatIdStatus;
  /** VIES's consultation number; null when VIES gave none (no answer, or no requester accepted). */
  reference: string | null;
  /** Why the status is "unknown" or "invalid": a VIES error code, "HTTP 503", "timeout", … */
  detail: string | null;
}

/** VIES's error codes meaning "the VAT ID itself is wrong" rather than "cannot answer now". */
const INVALID_CODES = new Set(["INVALID_INPUT", "INVALID"]);

/** "DE123456789" → ["DE", "123456789"]; Greece's IDs and VIES both use EL. */
export function splitVatId(vatId: string): { countryCode: string; vatNumber: string } {
  const clean = vatId.replace(/[\s.-]/g, "").toUpperCase();
  return { countryCode: clean.slice(0, 2), vatNumber: clean.slice(2) };
}

const unknown = (detail: string): VatIdCheck => ({ status: "unknown", reference: null, detail });

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" && value !== "---" ? value : null;
}

/** The first error code of VIES's error shape {actionSucceed: false, errorWrappers: [{error, message}]}. */
function errorCode(body: Record<string, unknown>): string | null {
  const wrappers = body.errorWrappers;
  if (Array.isArray(wrappers)) {
    for (const w of wrappers) {
      const code = text((w as Record<string, unknown> | null)?.error);
      if (code) return code;
    }
  }
  return body.actionSucceed === false ? "actionSucceed false" : null;
}

/** Reads an answer (any HTTP status) into a check; never throws. */
export function readViesAnswer(httpStatus: number, body: unknown): VatIdCheck {
  if (httpStatus >= 500) return unknown(`HTTP ${httpStatus}`);
  if (typeof body !== "object" || body === null || Array.isArray(body)) return unknown("malformed answer");
  const answer = body as Record<string, unknown>;
  const code = errorCode(answer);
  if (code)
    return INVALID_CODES.has(code) ? { status: "invalid", reference: null, detail: code } : unknown(code);
  if (httpStatus >= 400) return unknown(`HTTP ${httpStatus}`);
  // A 200 may still carry a member-state outage in userError, with valid: false.
  const userError = text(answer.userError);
  if (userError && userError !== "VALID" && userError !== "INVALID") return unknown(userError);
  // check-vat-number answers `valid`; its GET sibling says `isValid`: accept either spelling.
  const valid = typeof answer.valid === "boolean" ? answer.valid : answer.isValid;
  if (typeof valid !== "boolean") return unknown("malformed answer");
  const reference = text(answer.requestIdentifier);
  return valid
    ? { status: "valid", reference, detail: null }
    : { status: "invalid", reference, detail: userError ?? "INVALID" };
}

/**
 * Checks `vatId` in VIES with `requesterVatId` (the seller's) as requester. Network errors, timeouts,
 * 5xx and VIES's own outage codes are "unknown"; never throws.
 */
export async function checkVatId(
  config: Pick<ViesConfig, "url" | "timeoutMs">,
  vatId: string,
  requesterVatId: string,
): Promise<VatIdCheck> {
  const buyer = splitVatId(vatId);
  const requester = splitVatId(requesterVatId);
  let response: Response;
  try {
    response = await fetch(`${config.url.replace(/\/+$/, "")}/check-vat-number`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        countryCode: buyer.countryCode,
        vatNumber: buyer.vatNumber,
        requesterMemberStateCode: requester.countryCode,
        requesterNumber: requester.vatNumber,
      }),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (error) {
    const name = (error as { name?: string }).name;
    return unknown(name === "TimeoutError" || name === "AbortError" ? "timeout" : "network error");
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "TimeoutError" || name === "AbortError") return unknown("timeout");
    return response.status >= 500 ? unknown(`HTTP ${response.status}`) : unknown("malformed answer");
  }
  return readViesAnswer(response.status, body);
}
