import { hash } from "node:crypto";
import { EventEmitter } from "node:events";
import { hintFields } from "../common/hints.js";
import type { Logger } from "../common/log.js";
import { parseApiKey, verifySecret } from "../domain/api-key.js";
import type { AccountStatus } from "../store/accounts.js";
import {
  type ApiKeyCredential,
  getApiKeyCredential,
  listUsableCredentials,
  readCredentialsFor,
  recordKeyUsage,
} from "../store/api-keys.js";
import { StoreMirror } from "../store/mirror.js";
import type { Store } from "../store/store.js";

/** The channel the migrations' triggers notify on. */
export const KEYS_CHANNEL = "entrim_keys";

export type AuthFailureReason =
  | "missing"
  | "malformed"
  | "unknown"
  | "revoked"
  | "expired"
  | "account_inactive";
export interface KeyPrincipal {
  readonly ok: true;
  readonly keyId: string;
  readonly accountId: string;
}
export interface AuthFailure {
  readonly ok: false;
  readonly reason: AuthFailureReason;
}
export type AuthResult = KeyPrincipal | AuthFailure;

/**
 * What "change" reports once the tables were re-read: the state as stored. (The triggers' payloads
 * have this shape too, but only their kind and id are used: a payload is a hint, never the state.)
 */
export type KeyNotification =
  | { kind: "key"; id: string; accountId: string; op: "insert" | "update" | "delete"; revoked: boolean }
  | { kind: "account"; id: string; status: string };

export interface KeyCacheOptions {
  store: Pick<Store, "pool" | "listen">;
  pepper: Buffer;
  logger?: Logger | undefined;
  /** Full reload from the tables, a safety net under NOTIFY (default 60 s). */
  resyncIntervalMs?: number;
  /** How long an id the store does not know is refused without asking again (default 5 s). */
  negativeTtlMs?: number;
  maxNegativeEntries?: number;
  /** Store lookups for uncached ids in flight at once; beyond it unknown ids are refused outright. */
  maxConcurrentLookups?: number;
  /** How often last_used_at is written (default 10 s). */
  usageFlushMs?: number;
}

interface Entry {
  readonly principal: KeyPrincipal;
  readonly hmac: Buffer;
  revoked: boolean;
  accountActive: boolean;
  /** Epoch ms after which the key is refused (the agent's clock); null: never. */
  expiresAt: number | null;
  /**
   * SHA-256 of the last secret that verified, in hex: a repeat costs one hash instead of an HMAC.
   * Hex, not a Buffer: Node's one-shot hash with Buffer output cost 1.2 µs per call against 0.3 µs
   * for hex (Node 20), and this runs for every request.
   */
  verified: string | undefined;
}

const fail = (reason: AuthFailureReason): AuthFailure => Object.freeze({ ok: false, reason });
const MISSING = fail("missing");
const MALFORMED = fail("malformed");
const UNKNOWN = fail("unknown");
const REVOKED = fail("revoked");
const EXPIRED = fail("expired");
const INACTIVE = fail("account_inactive");

/** The key or account a notification names ("key:id", "account:id"), if readable. */
function hintedRow(payload: string): string | undefined {
  const hint = hintFields(payload, "kind", "id");
  return hint && (hint.kind === "key" || hint.kind === "account") ? `${hint.kind}:${hint.id}` : undefined;
}

/** What a re-read found, kept to re-apply over a load that read the tables before it. */
type Reading =
  | { credential: ApiKeyCredential }
  | { goneKey: string }
  | { account: string; status: AccountStatus };

/**
 * Authenticates bearer tokens from memory. Loaded with every usable key at start, kept current by the
 * store's NOTIFY feed (a revocation or restriction applies within milliseconds: the notification names
 * a key or account, whose rows are re-read at once, batched one query at a time; a forged payload
 * changes nothing), and by a periodic and a post-reconnect full resync. When the store is unreachable it keeps serving
 * what it knows and refuses what it does not: fail-static, never fail-open.
 *
 * Emits "change" (KeyNotification, once applied) and "resync" ({ reason, keys }).
 */
export class KeyCache extends EventEmitter {
  private entries = new Map<string, Entry>();
  private byAccount = new Map<string, Set<string>>();
  private readonly negative = new Map<string, number>();
  private readonly lookups = new Map<string, Promise<Entry | undefined>>();
  private readonly usage = new Map<string, number>();
  /** Re-reads applied while a load was in flight: re-applied over its (possibly older) result. */
  private notes: { seq: number; reading: Reading }[] = [];
  private seq = 0;
  /** Load id → the notification seq at its start. */
  private readonly loadsInFlight = new Map<number, number>();
  private nextLoadId = 0;
  private lookupPauseUntil = 0;
  private readonly mirror: StoreMirror;
  private usageTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: KeyCacheOptions) {
    super();
    this.mirror = new StoreMirror({
      store: options.store,
      channel: KEYS_CHANNEL,
      load: (reason) => this.runResync(reason),
      resyncIntervalMs: options.resyncIntervalMs ?? 60_000,
      hints: { key: hintedRow, read: (ids) => this.reread(ids) },
    });
  }

  get size(): number {
    return this.entries.size;
  }

  async start(): Promise<void> {
    await this.mirror.start();
    this.usageTimer = setInterval(() => void this.flushUsage(), this.options.usageFlushMs ?? 10_000).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.usageTimer);
    this.usageTimer = undefined;
    await this.mirror.stop();
    await this.flushUsage();
  }

  /** Synchronous whenever the key's id is cached, which is every request but a brand-new key's first. */
  authenticate(authorization: string | undefined): AuthResult | Promise<AuthResult> {
    if (!authorization) return MISSING;
    if (authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== "bearer ") return MALFORMED;
    const parsed = parseApiKey(authorization.slice(7).trim());
    if (!parsed) return MALFORMED;
    const entry = this.entries.get(parsed.id);
    if (entry) return this.check(entry, parsed.secret);
    const until = this.negative.get(parsed.id);
    if (until !== undefined && until > Date.now()) return UNKNOWN;
    return this.lookup(parsed.id).then((found) => (found ? this.check(found, parsed.secret) : UNKNOWN));
  }

  private check(entry: Entry, secret: string): AuthResult {
    // The secret is checked before the state, so an id alone reveals nothing about its key.
    const digest = hash("sha256", secret);
    // A plain comparison of digests: its timing could tell at most how much of the stored digest a
    // guess's digest matches, and a digest is no use without a preimage (the HMAC stays constant-time).
    if (entry.verified !== digest) {
      if (!verifySecret(secret, entry.hmac, this.options.pepper)) return UNKNOWN;
      entry.verified = digest;
    }
    if (entry.revoked) return REVOKED;
    // Expiry needs no event: the instant is cached with the key and compared at every request.
    const now = Date.now();
    if (entry.expiresAt !== null && entry.expiresAt <= now) return EXPIRED;
    if (!entry.accountActive) return INACTIVE;
    this.usage.set(entry.principal.keyId, now);
    return entry.principal;
  }

  private lookup(id: string): Promise<Entry | undefined> {
    const pending = this.lookups.get(id);
    if (pending) return pending;
    if (
      this.lookups.size >= (this.options.maxConcurrentLookups ?? 16) ||
      Date.now() < this.lookupPauseUntil
    ) {
      return Promise.resolve(undefined);
    }
    const load = this.beginLoad();
    const promise = getApiKeyCredential(this.options.store.pool, id)
      .then(
        (credential) => {
          if (!credential) {
            this.rememberUnknown(id);
            return undefined;
          }
          const entry = this.put(credential, this.entries.get(id));
          this.reapplySince(load);
          return entry;
        },
        (error: Error) => {
          // Store down: refuse unknown ids without hammering it, and keep serving the known ones.
          this.lookupPauseUntil = Date.now() + 1_000;
          this.options.logger?.warn(
            { err: error.message, keyId: id },
            "key lookup failed; refusing unknown key",
          );
          return undefined;
        },
      )
      .finally(() => {
        this.lookups.delete(id);
        this.finishLoad(load);
      });
    this.lookups.set(id, promise);
    return promise;
  }

  /** Reloads every usable key. Concurrent calls coalesce; a call during a run queues one more. */
  resync(reason: string): Promise<void> {
    return this.mirror.resync(reason);
  }

  private async runResync(reason: string): Promise<void> {
    const load = this.beginLoad();
    try {
      const credentials = await listUsableCredentials(this.options.store.pool);
      const previous = this.entries;
      this.entries = new Map();
      this.byAccount = new Map();
      for (const credential of credentials) this.put(credential, previous.get(credential.id));
      this.negative.clear();
      this.lookupPauseUntil = 0;
      this.reapplySince(load);
      this.options.logger?.debug({ reason, keys: this.entries.size }, "key cache resynced");
      this.emit("resync", { reason, keys: this.entries.size });
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error).message, reason },
        "key cache resync failed; serving cached keys",
      );
      throw error;
    } finally {
      this.finishLoad(load);
    }
  }

  private put(credential: ApiKeyCredential, previous: Entry | undefined): Entry {
    const entry: Entry = {
      principal: Object.freeze({ ok: true, keyId: credential.id, accountId: credential.accountId }),
      hmac: credential.hmac,
      revoked: credential.revoked,
      accountActive: credential.accountStatus === "active",
      expiresAt: credential.expiresAt,
      verified: previous?.hmac.equals(credential.hmac) ? previous.verified : undefined,
    };
    this.entries.set(credential.id, entry);
    const keys = this.byAccount.get(credential.accountId);
    if (keys) keys.add(credential.id);
    else this.byAccount.set(credential.accountId, new Set([credential.id]));
    this.negative.delete(credential.id);
    return entry;
  }

  /** Re-reads the keys and accounts notifications named, applies what the tables say, and reports it. */
  private async reread(hinted: string[]): Promise<void> {
    const keyIds = hinted.filter((h) => h.startsWith("key:")).map((h) => h.slice(4));
    const accountIds = hinted.filter((h) => h.startsWith("account:")).map((h) => h.slice(8));
    const load = this.beginLoad();
    const changes: KeyNotification[] = [];
    try {
      const { credentials, accountStatuses } = await readCredentialsFor(this.options.store.pool, {
        keyIds,
        accountIds,
      });
      const wanted = new Set(keyIds);
      const found = new Set<string>();
      for (const credential of credentials) {
        found.add(credential.id);
        // Keys of a notified account matter only if this agent already holds them.
        if (!wanted.has(credential.id) && !this.entries.has(credential.id)) continue;
        this.record({ credential });
        if (wanted.has(credential.id)) {
          changes.push({
            kind: "key",
            id: credential.id,
            accountId: credential.accountId,
            op: "update",
            revoked: credential.revoked,
          });
        }
      }
      for (const id of keyIds) {
        const entry = this.entries.get(id);
        if (found.has(id) || !entry) continue;
        this.record({ goneKey: id });
        changes.push({ kind: "key", id, accountId: entry.principal.accountId, op: "delete", revoked: true });
      }
      for (const [id, status] of accountStatuses) {
        this.record({ account: id, status });
        changes.push({ kind: "account", id, status });
      }
      this.reapplySince(load);
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error).message },
        "could not re-read notified keys; the next resync applies them",
      );
      throw error;
    } finally {
      this.finishLoad(load);
    }
    for (const change of changes) this.emit("change", change);
  }

  private record(reading: Reading): void {
    this.seq++;
    if (this.loadsInFlight.size > 0) this.notes.push({ seq: this.seq, reading });
    this.apply(reading);
  }

  private apply(reading: Reading): void {
    if ("credential" in reading) {
      this.put(reading.credential, this.entries.get(reading.credential.id));
    } else if ("goneKey" in reading) {
      const entry = this.entries.get(reading.goneKey);
      if (entry) entry.revoked = true;
    } else {
      for (const keyId of this.byAccount.get(reading.account) ?? []) {
        const entry = this.entries.get(keyId);
        if (entry) entry.accountActive = reading.status === "active";
      }
    }
  }

  private beginLoad(): number {
    const load = ++this.nextLoadId;
    this.loadsInFlight.set(load, this.seq);
    return load;
  }

  /** The load read the tables at some point after it began; newer notifications win over it. */
  private reapplySince(load: number): void {
    const since = this.loadsInFlight.get(load) ?? this.seq;
    for (const n of this.notes) if (n.seq > since) this.apply(n.reading);
  }

  private finishLoad(load: number): void {
    this.loadsInFlight.delete(load);
    const oldest = Math.min(...this.loadsInFlight.values());
    this.notes = this.loadsInFlight.size === 0 ? [] : this.notes.filter((n) => n.seq > oldest);
  }

  private rememberUnknown(id: string): void {
    this.negative.set(id, Date.now() + (this.options.negativeTtlMs ?? 5_000));
    if (this.negative.size > (this.options.maxNegativeEntries ?? 10_000)) {
      this.negative.delete(this.negative.keys().next().value!);
    }
  }

  /** Writes last_used_at in one statement per interval, off the request path. */
  async flushUsage(): Promise<void> {
    if (this.usage.size === 0) return;
    const batch = new Map(this.usage);
    this.usage.clear();
    try {
      await recordKeyUsage(this.options.store.pool, batch);
    } catch (error) {
      for (const [id, at] of batch) if ((this.usage.get(id) ?? 0) < at) this.usage.set(id, at);
      this.options.logger?.debug({ err: (error as Error).message }, "could not record key usage; will retry");
    }
  }
}
