import { clientNetwork, formatCidr, parseIp } from "../domain/cidr.js";
import type { AbuseSubjectType } from "../store/abuse-flags.js";
import type { SecurityEventKind } from "../store/security-events.js";
import { SlidingWindow } from "./sliding-window.js";

/**
 * The subject an address is flagged as: IPv4 the address, IPv6 its /64, the way IP blocking counts
 * clients, so one customer rotating through their /64 is one subject and not 2^64.
 */
function ipSubject(ip: string): string {
  const address = parseIp(ip);
  return address?.version === 6 ? formatCidr(clientNetwork(address)) : ip;
}

/** "threshold events of one subject within windowSeconds"; a threshold of 0 turns the rule off. */
export interface WindowRule {
  threshold: number;
  windowSeconds: number;
}

/**
 * A minute whose tokens exceed `factor` × the account's baseline (an EWMA of its busy minutes, weight
 * `alpha` for the newest) and at least `minTokens`, once `warmupMinutes` busy minutes formed the baseline.
 * A factor of 0 turns the rule off.
 */
export interface SpikeRule {
  factor: number;
  minTokens: number;
  warmupMinutes: number;
  alpha: number;
}

export interface AbuseRulesConfig {
  authFailures: WindowRule;
  rateLimited: WindowRule;
  suspendedAccess: WindowRule;
  usageSpike: SpikeRule;
}

/** A rule tripping for a subject: the recorder turns these into abuse flags. */
export interface RuleTrip {
  rule: string;
  subjectType: AbuseSubjectType;
  subject: string;
  at: number;
  /** The events (or tokens) counted when it tripped. */
  observed: number;
  /** The thresholds in force, as evidence. */
  limits: Readonly<Record<string, number>>;
}

export interface Spike {
  tokens: number;
  baseline: number;
}

const MAX_SUBJECTS = 100_000;
/** A rule's window is counted in this many steps (5 s for a minute). */
const STEPS = 12;

/**
 * Counts events per subject over a sliding window, with the rate limits' bucketed `SlidingWindow`: an
 * event stays counted for at least the window and at most one step (a twelfth of it, in whole
 * seconds) longer, two where the step does not divide the window. So `threshold` events within
 * `windowSeconds` always trip the rule, wherever they fall against the clock's minutes (an address IP
 * blocking blocks at the same threshold is always flagged), and events a step or two older than the
 * window may count too. Memory is one ring of about 13 numbers per subject, at most `maxSubjects` of
 * them. A trip resets the subject, so a steady stream of events trips once per `threshold` events.
 */
export class SlidingCounter {
  private readonly windows = new Map<string, SlidingWindow>();
  private readonly windowMs: number;
  private readonly stepMs: number;

  constructor(
    private readonly rule: WindowRule,
    private readonly maxSubjects = MAX_SUBJECTS,
  ) {
    this.windowMs = rule.windowSeconds * 1000;
    this.stepMs = Math.ceil(rule.windowSeconds / STEPS) * 1000;
  }

  get size(): number {
    return this.windows.size;
  }

  /** Counts one event; returns the count when it reaches the threshold. */
  hit(subject: string, now: number): number | undefined {
    if (this.rule.threshold <= 0) return undefined;
    let w = this.windows.get(subject);
    if (!w) {
      if (this.windows.size >= this.maxSubjects) this.windows.delete(this.windows.keys().next().value!);
      w = new SlidingWindow(this.windowMs, this.stepMs);
      this.windows.set(subject, w);
    }
    w.add(now, 1);
    const count = w.used(now);
    if (count < this.rule.threshold) return undefined;
    this.windows.delete(subject);
    return count;
  }

  /** Forgets subjects with nothing left counted. */
  sweep(now: number): void {
    for (const [subject, w] of this.windows) if (w.used(now) === 0) this.windows.delete(subject);
  }
}

interface AccountMinute {
  minute: number;
  tokens: number;
  baseline: number;
  busyMinutes: number;
  reported: boolean;
}

/** Per-account token-rate baseline and spike test; everything in memory, O(1) per settled request. */
export class SpikeDetector {
  private readonly accounts = new Map<string, AccountMinute>();

  constructor(
    private readonly rule: SpikeRule,
    private readonly maxAccounts = MAX_SUBJECTS,
  ) {}

  /** Adds a settled request's tokens; returns the spike the first time a minute crosses the line. */
  add(accountId: string, tokens: number, now: number): Spike | undefined {
    if (this.rule.factor <= 0 || tokens <= 0) return undefined;
    const minute = Math.floor(now / 60_000);
    let a = this.accounts.get(accountId);
    if (!a) {
      if (this.accounts.size >= this.maxAccounts) this.accounts.delete(this.accounts.keys().next().value!);
      a = { minute, tokens: 0, baseline: 0, busyMinutes: 0, reported: false };
      this.accounts.set(accountId, a);
    } else if (minute !== a.minute) {
      this.close(a);
      a.minute = minute;
      a.tokens = 0;
      a.reported = false;
    }
    a.tokens += tokens;
    const { factor, minTokens, warmupMinutes } = this.rule;
    // Without one finished busy minute there is no baseline to compare with.
    if (a.reported || a.busyMinutes < Math.max(1, warmupMinutes)) return undefined;
    if (a.tokens < minTokens || a.tokens <= factor * a.baseline) return undefined;
    a.reported = true;
    return { tokens: a.tokens, baseline: Math.round(a.baseline) };
  }

  /** The baseline of an account, for tests and operators. */
  baseline(accountId: string): number | undefined {
    return this.accounts.get(accountId)?.baseline;
  }

  /**
   * Folds a finished busy minute into the baseline. Idle minutes are left out (a night's quiet must not
   * make every morning a spike), and a spike counts only up to the line, so abuse that goes on raises
   * the baseline slowly instead of hiding itself within minutes.
   */
  private close(a: AccountMinute): void {
    if (a.tokens <= 0) return;
    const judged = a.busyMinutes >= this.rule.warmupMinutes && a.baseline > 0;
    const counted = judged ? Math.min(a.tokens, this.rule.factor * a.baseline) : a.tokens;
    a.baseline =
      a.busyMinutes === 0 ? counted : this.rule.alpha * counted + (1 - this.rule.alpha) * a.baseline;
    a.busyMinutes++;
  }
}

export interface ObservedEvent {
  kind: SecurityEventKind;
  ip: string | null;
  accountId: string | null;
  keyId: string | null;
}

/** The configured rules over the security events one agent sees. */
export class AbuseRules {
  private readonly authFailures: SlidingCounter;
  private readonly rateLimited: SlidingCounter;
  private readonly suspended: SlidingCounter;
  readonly spikes: SpikeDetector;

  constructor(private readonly config: AbuseRulesConfig) {
    this.authFailures = new SlidingCounter(config.authFailures);
    this.rateLimited = new SlidingCounter(config.rateLimited);
    this.suspended = new SlidingCounter(config.suspendedAccess);
    this.spikes = new SpikeDetector(config.usageSpike);
  }

  observe(event: ObservedEvent, now: number): RuleTrip | undefined {
    switch (event.kind) {
      case "auth_failure":
      case "revoked_key":
        if (!event.ip) return undefined;
        return this.count(
          "auth_failures",
          this.authFailures,
          this.config.authFailures,
          "ip",
          ipSubject(event.ip),
          now,
        );
      case "rate_limited":
        if (!event.accountId) return undefined;
        return this.count(
          "rate_limited",
          this.rateLimited,
          this.config.rateLimited,
          "account",
          event.accountId,
          now,
        );
      case "suspended_access": {
        // The narrowest subject known: a suspended key's holder may not be the whole account.
        const [type, subject]: [AbuseSubjectType, string | null] = event.keyId
          ? ["key", event.keyId]
          : event.accountId
            ? ["account", event.accountId]
            : ["ip", event.ip && ipSubject(event.ip)];
        if (!subject) return undefined;
        return this.count(
          "suspended_access",
          this.suspended,
          this.config.suspendedAccess,
          type,
          subject,
          now,
        );
      }
      default:
        return undefined;
    }
  }

  /** A usage spike is flagged on its own: the baseline already is the account's history. */
  observeUsage(accountId: string, tokens: number, now: number): { spike: Spike; trip: RuleTrip } | undefined {
    const spike = this.spikes.add(accountId, tokens, now);
    if (!spike) return undefined;
    const { factor, minTokens } = this.config.usageSpike;
    return {
      spike,
      trip: {
        rule: "usage_spike",
        subjectType: "account",
        subject: accountId,
        at: now,
        observed: spike.tokens,
        limits: { baselineTokensPerMinute: spike.baseline, factor, minTokens },
      },
    };
  }

  sweep(now: number): void {
    this.authFailures.sweep(now);
    this.rateLimited.sweep(now);
    this.suspended.sweep(now);
  }

  private count(
    rule: string,
    counter: SlidingCounter,
    config: WindowRule,
    subjectType: AbuseSubjectType,
    subject: string,
    now: number,
  ): RuleTrip | undefined {
    const observed = counter.hit(subject, now);
    if (observed === undefined) return undefined;
    return {
      rule,
      subjectType,
      subject,
      at: now,
      observed,
      limits: { threshold: config.threshold, windowSeconds: config.windowSeconds },
    };
  }
}
