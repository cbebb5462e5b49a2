import { z } from "zod";

/**
 * Outbound email (SMTP through nodemailer). Absent: this agent sends no mail; messages queued by any
 * agent wait in the store until an agent with `mail` configured sends them.
 */
export const mailSchema = z
  .object({
    smtp: z
      .object({
        /** The relay or mail server, e.g. smtp.example.eu. */
        host: z.string().min(1, "smtp.host is required: the relay or mail server to send through"),
        /** Default: 465 with `secure`, else 587. */
        port: z.number().int().min(1, "port must be 1-65535").max(65535, "port must be 1-65535").optional(),
        /** Implicit TLS from the first byte (usually port 465). */
        secure: z.boolean().default(false),
        /** Refuse to send unless the server upgrades the connection with STARTTLS (usually port 587). */
        requireTLS: z.boolean().default(false),
        /** Names of environment variables holding the SMTP login: the secrets never sit in config. */
        userEnv: z.string().min(1).optional(),
        passwordEnv: z.string().min(1).optional(),
        /** How long one SMTP conversation may take before it counts as a temporary failure. */
        timeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
      })
      .strict(),
    /** Sender address, e.g. "Entrim <noreply@example.eu>". */
    from: z.string().min(3),
    /** Attempts before a temporarily failing message is given up and recorded as failed. */
    maxAttempts: z.number().int().min(1).max(100).default(8),
    /** First retry delay; doubles with every attempt (capped at one hour). */
    retryBaseMs: z.number().int().min(100).max(3_600_000).default(30_000),
    /** A claimed message is handed to another sender after this long (a crashed sender's claim expires). */
    leaseMs: z.number().int().min(1000).max(3_600_000).default(120_000),
    /** Fallback scan of the queue, besides the NOTIFY sent on every enqueue. */
    pollMs: z.number().int().min(100).max(3_600_000).default(10_000),
  })
  .strict()
  .superRefine((mail, ctx) => {
    if (mail.smtp.secure && mail.smtp.requireTLS)
      ctx.addIssue({
        code: "custom",
        path: ["smtp", "requireTLS"],
        message: "secure (implicit TLS) and requireTLS (STARTTLS) exclude each other: choose one",
      });
    // One send may spend a timeout connecting, one on the greeting and one on the data; a lease shorter
    // than that lets a second agent send a message the first is still delivering.
    if (mail.leaseMs < 3 * mail.smtp.timeoutMs)
      ctx.addIssue({
        code: "custom",
        path: ["leaseMs"],
        message: `must be at least 3 x smtp.timeoutMs (${3 * mail.smtp.timeoutMs}), or a slow send could be sent twice`,
      });
    if ((mail.smtp.userEnv === undefined) !== (mail.smtp.passwordEnv === undefined))
      ctx.addIssue({
        code: "custom",
        path: ["smtp", mail.smtp.userEnv === undefined ? "userEnv" : "passwordEnv"],
        message: "userEnv and passwordEnv go together: set both (a login) or neither (no login)",
      });
  })
  .optional();

export type MailConfig = NonNullable<z.infer<typeof mailSchema>>;

export interface SmtpAuth {
  user: string;
  pass: string;
}

/** Reads the SMTP login from the environment variables the config names; throws naming the missing one. */
export function smtpAuth(mail: MailConfig, env: NodeJS.ProcessEnv = process.env): SmtpAuth | undefined {
  const { userEnv, passwordEnv } = mail.smtp;
  if (userEnv === undefined || passwordEnv === undefined) return undefined;
  for (const [field, name] of [
    ["userEnv", userEnv],
    ["passwordEnv", passwordEnv],
  ] as const) {
    if (!env[name]) throw new Error(`mail.smtp.${field} names ${name}, which is not set in the environment`);
  }
  return { user: env[userEnv] as string, pass: env[passwordEnv] as string };
}
