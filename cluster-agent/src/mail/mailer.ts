import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "../common/log.js";
import { type MailConfig, smtpAuth } from "../config/mail.js";
import {
  type ClaimedMail,
  claimDue,
  type MailErrorClass,
  markFailed,
  markSent,
  nextDueInMs,
} from "../store/mail.js";
import type { Store } from "../store/store.js";

/** The NOTIFY channel the queue's insert trigger signals (migration 0016). */
export const MAIL_CHANNEL = "entrim_mail";

/** Messages claimed per round; each is sent over the transport's own connection. */
const BATCH = 10;

export interface MailerOptions {
  store: Store;
  config: MailConfig;
  logger?: Logger | undefined;
  /** Where the SMTP login's variables are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Classifies a nodemailer failure by what the server or the network did, never by its text (which may
 * echo the address or the message). 4xx replies, dropped connections and timeouts are temporary and
 * retried; a 5xx reply is permanent. A refused login (EAUTH) is retried: it is this agent's
 * configuration, not the message, that is wrong, and a fixed configuration should still deliver it.
 */
export function classifySmtpError(error: unknown): { code: number; class: MailErrorClass } {
  const e = error as { responseCode?: unknown; code?: unknown };
  const reply = typeof e.responseCode === "number" ? e.responseCode : 0;
  if (e.code === "EAUTH") return { code: reply, class: "other" };
  if (reply >= 500 && reply < 600) return { code: reply, class: "permanent" };
  if (reply >= 400 && reply < 500) return { code: reply, class: "temporary" };
  if (e.code === "ETIMEDOUT") return { code: 0, class: "timeout" };
  if (e.code === "ECONNECTION" || e.code === "ESOCKET" || e.code === "EDNS")
    return { code: 0, class: "connection" };
  return { code: reply, class: "other" };
}

/**
 * The sender loop: every agent with `mail` configured runs one. It is woken by the NOTIFY each enqueue
 * sends, by the due time of the earliest retry, and by a slow poll (for a missed notification); each
 * round claims due messages (a committed claim with a lease, FOR UPDATE SKIP LOCKED), so several
 * agents sharing one store send each message once. Logs name the kind, queue id and result only.
 */
export class Mailer {
  private readonly transport: Transporter;
  private unlisten: (() => Promise<void>) | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private dueTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: MailerOptions) {
    const { smtp } = options.config;
    const auth = smtpAuth(options.config, options.env);
    this.transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port ?? (smtp.secure ? 465 : 587),
      secure: smtp.secure,
      requireTLS: smtp.requireTLS,
      ...(auth ? { auth } : {}),
      connectionTimeout: smtp.timeoutMs,
      greetingTimeout: smtp.timeoutMs,
      socketTimeout: smtp.timeoutMs,
      // nodemailer's own logger would print envelopes (addresses); ours logs metadata only.
      logger: false,
      debug: false,
    });
  }

  async start(): Promise<void> {
    const { store, config } = this.options;
    this.unlisten = await store.listen(MAIL_CHANNEL, () => this.wake(), { onReconnect: () => this.wake() });
    this.pollTimer = setInterval(() => this.wake(), config.pollMs);
    this.pollTimer.unref();
    this.wake();
  }

  /** Runs a round now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error) => this.options.logger?.warn({ err: (error as Error).message }, "mail round failed"))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Waits for the round in progress (a claimed message is sent or rescheduled), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.dueTimer);
    await this.unlisten?.().catch(() => {});
    await this.running;
    this.transport.close();
  }

  private async drain(): Promise<void> {
    const { store, config } = this.options;
    for (;;) {
      if (this.stopped) return;
      const batch = await claimDue(store.pool, BATCH, config.leaseMs);
      if (batch.length === 0) break;
      await Promise.all(batch.map((mail) => this.send(mail)));
    }
    // The earliest retry wakes this sender itself; the poll is only the fallback.
    const dueIn = await nextDueInMs(store.pool);
    clearTimeout(this.dueTimer);
    if (dueIn !== undefined && dueIn < config.pollMs && !this.stopped) {
      this.dueTimer = setTimeout(() => this.wake(), dueIn + 5);
      this.dueTimer.unref();
    }
  }

  private async send(mail: ClaimedMail): Promise<void> {
    const { store, config, logger } = this.options;
    const meta = { mail: mail.id, kind: mail.kind, attempt: mail.attempts };
    try {
      await this.transport.sendMail({
        from: config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html !== undefined ? { html: mail.html } : {}),
        ...(mail.attachments
          ? {
              attachments: mail.attachments.map((a) => ({
                filename: a.filename,
                contentType: a.contentType,
                content: a.content,
                encoding: "base64",
              })),
            }
          : {}),
      });
    } catch (error) {
      const failure = classifySmtpError(error);
      const outcome = await markFailed(store.pool, mail, failure, config);
      const line = { ...meta, code: failure.code, class: failure.class, result: outcome };
      if (outcome === "failed") logger?.warn(line, "mail given up");
      else logger?.info(line, "mail attempt failed");
      return;
    }
    // Delivered: a lost claim here means the lease was shorter than the send; say so, it can duplicate.
    if (await markSent(store.pool, mail)) logger?.info({ ...meta, result: "sent" }, "mail sent");
    else logger?.warn({ ...meta, result: "sent" }, "mail sent after its claim ran out; raise mail.leaseMs");
  }
}
