import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { mailSchema } from "../config/mail.js";
import { Mailer } from "../mail/mailer.js";
import type { Store } from "../store/store.js";

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The login the client used, when it logged in. */
  user: string | undefined;
  /** The message as it arrived (headers and body). */
  raw: string;
  subject: string;
  /** The body after the headers, line endings normalised. */
  body: string;
}

export interface TestSmtp {
  port: number;
  /** Messages the server accepted, in order. */
  received: ReceivedMail[];
  /** Attempts at DATA so far, accepted or not. */
  attempts: number;
  /**
   * Connection errors the server reported (a client that drops mid-transaction, as an agent stopped
   * or a timed-out send does). A relay logs these and goes on; so does this one, instead of letting
   * an unheard "error" event end the test process.
   */
  errors: Error[];
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Reply for the n-th DATA (1-based): an SMTP code; 250 or undefined accepts. */
  answer?: (attempt: number) => number | undefined;
  /** Require this login (plain AUTH over the unencrypted test connection). */
  login?: { user: string; pass: string };
}

/**
 * A real SMTP server (the smtp-server package) on 127.0.0.1 for one test: plain connections (no
 * STARTTLS offered), and it keeps what it receives so tests read what a recipient would get.
 */
export async function startTestSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const state: TestSmtp = { port: 0, received: [], attempts: 0, errors: [], close: async () => {} };
  const server = new SMTPServer({
    disabledCommands: options.login ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !options.login,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.login?.user && auth.password === options.login?.pass;
      if (ok) callback(null, { user: auth.username });
      else callback(Object.assign(new Error("Invalid login"), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        state.attempts += 1;
        const code = options.answer?.(state.attempts);
        if (code !== undefined && code !== 250) {
          callback(Object.assign(new Error(`Test server says ${code}`), { responseCode: code }));
          return;
        }
        const raw = Buffer.concat(chunks).toString("utf8").replace(/\r\n/g, "\n");
        const split = raw.indexOf("\n\n");
        const headers = raw.slice(0, split);
        state.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === "string" ? session.user : undefined,
          raw,
          subject: /^Subject: (.*)$/m.exec(headers)?.[1] ?? "",
          body: raw.slice(split + 2),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      server.on("error", (error) => state.errors.push(error));
      resolve();
    });
  });
  state.port = (server.server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/**
 * The agent's real mailer pointed at a test SMTP server (not started: tests that watch mail wait in
 * the queue start it when they choose). `config` adds to the parsed mail config, e.g. retryBaseMs.
 */
export function testMailer(
  store: Store,
  smtp: TestSmtp,
  config: { from?: string; retryBaseMs?: number } = {},
): Mailer {
  return new Mailer({
    store,
    config: mailSchema.parse({
      smtp: { host: "127.0.0.1", port: smtp.port },
      from: config.from ?? "Entrim <noreply@entrim.test>",
      ...(config.retryBaseMs === undefined ? {} : { retryBaseMs: config.retryBaseMs }),
    })!,
  });
}
