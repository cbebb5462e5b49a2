// A started portal for tests: a real store, a real SMTP server with the real mailer sending the
// portal's queue to it, the portal server on a free port with an injectable clock, the agent's IP
// blocker and suspension cache, and the log written to a file the tests can search.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { IpBlocker, recordIpBlockIn } from "../admission/ip-block.js";
import { SecurityEventsGate } from "../admission/security-events.js";
import { SecurityEventRecorder } from "../admission/security-recorder.js";
import { SuspensionGate } from "../admission/suspensions.js";
import { createLogger, type Logger } from "../common/log.js";
import type { BillingConfig } from "../config/billing.js";
import { loadConfig } from "../config/load.js";
import { type PortalConfig, portalSchema } from "../config/portal.js";
import { Mailer } from "../mail/mailer.js";
import type { PaymentsDeps } from "../portal/payment-routes.js";
import { startPortalServer } from "../portal/server.js";
import { admissionGuard } from "../portal/setup.js";
import { auditCheckpointKey } from "../store/audit-hash.js";
import { StoreAuditRecorder } from "../store/audit-recorder.js";
import { openTestStore, type TestStore } from "./postgres.js";
import { startTestSmtp, type TestSmtp } from "./smtp.js";
import { until } from "./until.js";

export interface PortalKit {
  db: TestStore;
  smtp: TestSmtp;
  url: string;
  clock: { now: Date; advance(ms: number): void };
  pepper: Buffer;
  logFile: string;
  /** The log as written so far (flushed first). */
  log(): Promise<string>;
  suspensions: SuspensionGate;
  client(options?: { origin?: string; forwardedFor?: string }): PortalClient;
  /** The newest message to `to` after `seen` earlier ones: its subject and the portal link in it. */
  readMail(to: string, index?: number): Promise<{ subject: string; text: string; link: string | undefined }>;
  /** How many messages `to` has received so far. */
  mailCount(to: string): number;
  close(): Promise<void>;
}

export interface PortalResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A browser: keeps the portal's cookies and sends the CSRF token it was last given. */
export class PortalClient {
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly options: { origin?: string; forwardedFor?: string } = {},
  ) {}

  async session(): Promise<PortalResponse> {
    return this.request("GET", "/api/session");
  }

  get(path: string) {
    return this.request("GET", path);
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request("POST", path, body, headers);
  }
  patch(path: string, body?: unknown) {
    return this.request("PATCH", path, body);
  }
  delete(path: string) {
    return this.request("DELETE", path);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<PortalResponse> {
    if (method !== "GET" && this.csrfToken === undefined) await this.session();
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0)
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (method !== "GET" && this.csrfToken) headers["x-csrf-token"] = this.csrfToken;
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.options.origin) headers.origin = this.options.origin;
    if (this.options.forwardedFor) headers["x-forwarded-for"] = this.options.forwardedFor;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...headers, ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === "" || /max-age=0/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    const token = (parsed as { csrfToken?: unknown })?.csrfToken;
    if (typeof token === "string") this.csrfToken = token;
    return { status: response.status, headers: response.headers, body: parsed };
  }
}

/** Decodes quoted-printable soft breaks and escapes, which is how a long link arrives. */
function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

export async function startPortalKit(
  options: {
    portal?: Record<string, unknown>;
    ipBlockFailures?: number;
    trustedProxies?: string[];
    payments?: PaymentsDeps;
    billing?: BillingConfig;
  } = {},
): Promise<PortalKit> {
  const db = await openTestStore();
  const smtp = await startTestSmtp();
  const logFile = join(db.dataDir, "portal.log");
  const logger: Logger = createLogger({ level: "debug", destination: logFile });
  const mailer = new Mailer({
    store: db.store,
    config: {
      smtp: { host: "127.0.0.1", port: smtp.port, secure: false, requireTLS: false, timeoutMs: 5000 },
      from: "noreply@entrim.test",
      maxAttempts: 3,
      retryBaseMs: 100,
      leaseMs: 60_000,
      pollMs: 200,
    },
    logger,
  });
  await mailer.start();
  const suspensions = new SuspensionGate({ store: db.store, logger });
  await suspensions.start();
  const ipBlocker = new IpBlocker({
    failures: options.ipBlockFailures ?? 1000,
    windowMs: 600_000,
    blockMs: 900_000,
    maxTrackedIps: 1000,
    allowList: [],
    record: recordIpBlockIn(db.store.pool, "test-node", suspensions),
    logger,
  });
  const security = new SecurityEventsGate({
    recorder: new SecurityEventRecorder({ store: db.store, node: "test-node", logger, flushIntervalMs: 50 }),
    rules: loadConfig({}, {}).security.rules,
  });
  security.start();
  const pepper = randomBytes(32);
  const clock = {
    now: new Date(),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const config: PortalConfig = portalSchema.parse({ listen: "127.0.0.1:0", ...options.portal });
  const server = await startPortalServer({
    store: db.store,
    recorder: new StoreAuditRecorder(db.store, "test-node", auditCheckpointKey(pepper)),
    pepper,
    logger,
    node: "test-node",
    now: () => clock.now,
    config,
    trustedProxies: options.trustedProxies,
    payments: options.payments,
    billing: options.billing,
    guard: admissionGuard({ suspensions, ipBlocker, security }),
  });
  const seen = new Map<string, number>();
  const received = (to: string) => smtp.received.filter((m) => m.to.includes(to));
  return {
    db,
    smtp,
    url: server.url,
    clock,
    pepper,
    logFile,
    suspensions,
    log: async () => {
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      return readFileSync(logFile, "utf8");
    },
    client: (clientOptions) => new PortalClient(server.url, clientOptions),
    mailCount: (to) => received(to).length,
    readMail: async (to, index) => {
      const want = index ?? seen.get(to) ?? 0;
      const mail = await until(`message ${want + 1} to ${to} arrives`, () => received(to)[want]);
      seen.set(to, want + 1);
      const text = decodeQuotedPrintable(mail.body);
      return {
        subject: mail.subject,
        text,
        link: /https?:\/\/[^\s"<>]+token=[A-Za-z0-9_-]{43}/.exec(text)?.[0],
      };
    },
    close: async () => {
      await server.close();
      await mailer.stop();
      await suspensions.stop();
      await security.stop();
      await smtp.close();
      await db.close();
    },
  };
}
