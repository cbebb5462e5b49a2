import type { SecurityEventKind } from "../store/security-events.js";
import { AbuseRules, type AbuseRulesConfig, type RuleTrip } from "./abuse-rules.js";
import type { AdmissionGate, Refusal, Reservation, ReservationRequest } from "./gate.js";
import type { SecurityEventInput, SecurityEventRecorder } from "./security-recorder.js";

/** Codes the authentication stage answers with: onAuthFailure has already recorded those requests. */
const AUTH_CODES = new Set(["missing_api_key", "invalid_api_key", "expired_api_key", "account_inactive"]);

/**
 * Which security event a refused request is, by status and OpenAI error code; undefined for refusals
 * that say nothing about abuse:
 * - 401 and the auth codes: recorded by onAuthFailure, which knows the reason.
 * - 403 (a suspended account, key or IP, whatever its code): suspended_access.
 * - 413: oversized_request. 429 (rate_limit_exceeded, insufficient_quota…): rate_limited.
 * - 400/415/422: malformed_request, except context_length_exceeded (a well-formed request the model
 *   cannot fit is a customer's sizing mistake, not a probe).
 * - 404 (unknown model or URL), 405, 5xx (our own failures, drain): not recorded.
 */
export function classifyRefusal(status: number, code: string | null): SecurityEventKind | undefined {
  if (code !== null && AUTH_CODES.has(code)) return undefined;
  switch (status) {
    case 403:
      return "suspended_access";
    case 413:
      return "oversized_request";
    case 429:
      return "rate_limited";
    case 400:
    case 415:
    case 422:
      return code === "context_length_exceeded" ? undefined : "malformed_request";
    default:
      return undefined;
  }
}

/** Authentication failure reasons (admission/key-cache.ts) as events and the code answered with. */
export function classifyAuthFailure(reason: string): { kind: SecurityEventKind; code: string } {
  switch (reason) {
    case "revoked":
      return { kind: "revoked_key", code: "invalid_api_key" };
    case "expired":
      return { kind: "revoked_key", code: "expired_api_key" };
    case "account_inactive":
      return { kind: "suspended_access", code: "account_inactive" };
    case "missing":
      return { kind: "auth_failure", code: "missing_api_key" };
    default:
      return { kind: "auth_failure", code: "invalid_api_key" };
  }
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const AUTH_REASONS = new Set(["missing", "malformed", "unknown", "revoked", "expired", "account_inactive"]);

export interface SecurityEventsGateOptions {
  recorder: SecurityEventRecorder;
  rules: AbuseRulesConfig;
  now?: () => number;
}

/**
 * The admission gate that turns refusals and token usage into security events and abuse flags. It
 * refuses nothing itself, and every stage only appends to memory: the recorder writes in the
 * background.
 */
export class SecurityEventsGate implements AdmissionGate {
  readonly rules: AbuseRules;
  private readonly recorder: SecurityEventRecorder;
  private readonly now: () => number;
  private readonly watchUsage: boolean;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: SecurityEventsGateOptions) {
    this.recorder = options.recorder;
    this.rules = new AbuseRules(options.rules);
    this.now = options.now ?? Date.now;
    this.watchUsage = options.rules.usageSpike.factor > 0;
  }

  /** Records an event and runs the abuse rules over it; for other components too (e.g. IP blocks). */
  record(event: SecurityEventInput): void {
    const now = this.now();
    this.recorder.record({ ...event, occurredAt: event.occurredAt ?? new Date(now) });
    const trip = this.rules.observe(
      {
        kind: event.kind,
        ip: event.ip ?? null,
        accountId: event.accountId ?? null,
        keyId: event.keyId ?? null,
      },
      now,
    );
    if (trip) this.flag(trip);
  }

  onAuthFailure(ip: string, reason: string, keyId?: string): void {
    const { kind, code } = classifyAuthFailure(reason);
    this.record({
      kind,
      ip,
      keyId: keyId ?? null,
      code,
      detail: {
        status: kind === "suspended_access" ? 403 : 401,
        reason: AUTH_REASONS.has(reason) ? reason : "other",
      },
    });
  }

  onRefused(refusal: Refusal): void {
    const kind = classifyRefusal(refusal.status, refusal.code);
    if (!kind) return;
    this.record({
      kind,
      ip: refusal.ip,
      accountId: refusal.principal?.accountId,
      keyId: refusal.principal?.keyId,
      code: refusal.code,
      // The route template ("/v1/chat/completions"), never the URL a client sent.
      detail: { status: refusal.status, route: refusal.route },
    });
  }

  reserve(request: ReservationRequest): Reservation | undefined {
    if (!this.watchUsage) return undefined;
    const { accountId, keyId } = request.principal;
    return {
      headers: NO_HEADERS,
      settle: (usage) => {
        if (!usage) return;
        const now = this.now();
        const seen = this.rules.observeUsage(accountId, usage.promptTokens + usage.completionTokens, now);
        if (!seen) return;
        this.recorder.record({
          kind: "usage_spike",
          ip: request.ip,
          accountId,
          keyId,
          occurredAt: new Date(now),
          detail: {
            tokens: seen.spike.tokens,
            baselineTokensPerMinute: seen.spike.baseline,
            factor: seen.trip.limits.factor ?? null,
          },
        });
        this.flag(seen.trip);
      },
    };
  }

  /** Starts the background writer and the minutely sweep of idle counters. */
  start(): void {
    this.recorder.start();
    this.sweeper ??= setInterval(() => this.rules.sweep(this.now()), 60_000).unref();
  }

  /** Writes what is buffered (one last try) and stops. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.recorder.stop();
  }

  private flag(trip: RuleTrip): void {
    this.recorder.recordTrip(trip);
    this.recorder.record({
      kind: "abuse_flagged",
      ip: trip.subjectType === "ip" ? trip.subject : null,
      accountId: trip.subjectType === "account" ? trip.subject : null,
      keyId: trip.subjectType === "key" ? trip.subject : null,
      occurredAt: new Date(trip.at),
      detail: { rule: trip.rule, observed: trip.observed, ...trip.limits },
    });
  }
}
