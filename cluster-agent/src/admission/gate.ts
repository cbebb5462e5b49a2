import type { ApiError } from "../common/errors.js";
import type { Principal } from "../domain/principal.js";
import type { TokenUsage } from "../domain/token-usage.js";

/** Who is asking: the authenticated key and its account. */
export interface ReservationRequest {
  principal: Principal;
  ip: string;
  model: string;
  /**
   * An upper bound from the prompt's UTF-8 bytes: reservations are made before the prompt is
   * tokenized, so a request over its limit is refused without that work (see `reconcile`).
   */
  promptTokens: number;
  /** The completion budget the request may use (max_tokens, or what the context leaves). */
  maxTokens: number;
}

/** Capacity held for one request; settled exactly once with the real usage (or none if it failed). */
export interface Reservation {
  /** Response headers (x-ratelimit-*), sent on success and on refusal alike; current after reconcile. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Replaces the bound reserved with the request's exact count once it is tokenized (normally less).
   * Throws a 429 ApiError when the exact count is larger and no longer fits; the caller then settles
   * with null.
   */
  reconcile?(promptTokens: number, maxTokens: number): void;
  settle(usage: TokenUsage | null): void;
}

/** Why a request was refused, for security events; never carries content or keys. */
export interface Refusal {
  ip: string;
  principal: Principal | null;
  status: number;
  code: string | null;
  route: string;
}

/**
 * The admission pipeline the public API runs for every request, in this order:
 * checkIp → authenticate → (onAuthFailure | checkPrincipal) → validate → reserve → tokenize →
 * reconcile → run → settle.
 * Each stage is synchronous on the hot path (in-memory state kept current by LISTEN/NOTIFY);
 * refusing means throwing an ApiError. Gates are composed, so suspensions, rate limits and abuse
 * detection each implement only the stages they need.
 */
export interface AdmissionGate {
  /** Before authentication: a blocked IP is refused without spending an HMAC on it. */
  checkIp?(ip: string): void;
  /**
   * keyId is given only when the secret verified but the key may not be used (revoked, inactive
   * account): then it names a real key. For unknown or malformed keys it is absent, since the id would
   * be whatever the caller typed.
   */
  onAuthFailure?(ip: string, reason: string, keyId?: string): void;
  /** After authentication: suspended accounts and keys, restricted processing. */
  checkPrincipal?(principal: Principal, ip: string): void;
  /** Before the request takes a slot; throws a 429 ApiError when over a limit. */
  reserve?(request: ReservationRequest): Reservation | undefined;
  /** Every refused request (4xx/5xx before or instead of generation). */
  onRefused?(refusal: Refusal): void;
}

/** Runs several gates as one, in order. */
export function composeGates(gates: AdmissionGate[]): Required<AdmissionGate> {
  const withStage = <K extends keyof AdmissionGate>(stage: K) => gates.filter((g) => g[stage] !== undefined);
  const ip = withStage("checkIp");
  const failures = withStage("onAuthFailure");
  const principals = withStage("checkPrincipal");
  const reservers = withStage("reserve");
  const refusals = withStage("onRefused");
  return {
    checkIp: (address) => {
      for (const gate of ip) gate.checkIp!(address);
    },
    onAuthFailure: (address, reason, keyId) => {
      for (const gate of failures) gate.onAuthFailure!(address, reason, keyId);
    },
    checkPrincipal: (principal, address) => {
      for (const gate of principals) gate.checkPrincipal!(principal, address);
    },
    reserve: (request) => {
      if (reservers.length === 0) return undefined;
      const held: Reservation[] = [];
      try {
        for (const gate of reservers) {
          const reservation = gate.reserve!(request);
          if (reservation) held.push(reservation);
        }
      } catch (error) {
        // A later gate refused: give back what earlier gates reserved.
        for (const reservation of held) reservation.settle(null);
        throw error as ApiError;
      }
      if (held.length === 0) return undefined;
      if (held.length === 1) return held[0];
      return new Reservations(held);
    },
    onRefused: (refusal) => {
      for (const gate of refusals) gate.onRefused!(refusal);
    },
  };
}

/**
 * Several gates' reservations as one. A class, not an object literal with a getter: V8 gives every
 * such literal a hidden class (map) of its own, made in the old generation. Each dead map then held
 * its request's closures, and through them the whole request, alive through the next scavenges, so
 * every request was copied and promoted and the old generation filled with them (docs/BENCHMARKS.md,
 * History of 2026-12-06, night).
 */
class Reservations implements Reservation {
  constructor(private readonly held: readonly Reservation[]) {}

  get headers(): Readonly<Record<string, string>> {
    return Object.assign({}, ...this.held.map((r) => r.headers));
  }

  reconcile(promptTokens: number, maxTokens: number): void {
    for (const reservation of this.held) reservation.reconcile?.(promptTokens, maxTokens);
  }

  settle(usage: TokenUsage | null): void {
    for (const reservation of this.held) reservation.settle(usage);
  }
}
