import { z } from "zod";

/** host:port, IPv6 hosts in brackets; the same shape as every other listener of the agent. */
const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "must be host:port, e.g. 127.0.0.1:8088");

/** A sliding-window allowance: `max` attempts per `windowSeconds`. */
const allowance = (max: number, windowSeconds: number) =>
  z
    .object({
      max: z.number().int().min(1, "max must be at least 1 (the limit cannot be turned off)").max(100_000),
      windowSeconds: z.number().int().min(1).max(86_400),
    })
    .strict()
    .default({ max, windowSeconds });

const VERSION = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a version name such as 2026-06-01 (letters, digits, . _ -)");

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

/**
 * The customer portal (issue 15): a web app on its own listener, on the same store as the API. Absent
 * or `listen: ""`: this agent serves no portal (other agents may).
 */
export const portalSchema = z
  .object({
    /** Where the portal listens; "" turns it off (the default). */
    listen: listenAddress.or(z.literal("")).default(""),
    /** Base URL customers reach the portal at (links in emails); default http(s)://<listen>. */
    publicUrl: httpUrl.optional(),
    /** Serve HTTPS with these PEM files (like api.tls); without it, plain HTTP (TLS at the balancer). */
    tls: z
      .object({ certFile: z.string().min(1), keyFile: z.string().min(1) })
      .strict()
      .optional(),
    /** Mark cookies Secure; default: true with tls or an https publicUrl. */
    secureCookies: z.boolean().optional(),
    session: z
      .object({
        /** A session unused this long ends. */
        idleMinutes: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 60)
          .default(60),
        /** A session ends this long after login, used or not. */
        absoluteHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 90)
          .default(12),
      })
      .strict()
      .prefault({}),
    throttle: z
      .object({
        /** Login attempts per account (email address). */
        loginPerAccount: allowance(5, 900),
        /** Login attempts per client address. */
        loginPerAddress: allowance(20, 900),
        /** Password-reset and verification emails per account (email address). */
        resetPerAccount: allowance(3, 3600),
        /** Password-reset and verification emails per client address. */
        resetPerAddress: allowance(20, 3600),
      })
      .strict()
      .prefault({}),
    legal: z
      .object({
        /** The versions a sign-up must accept; raise them when the documents change. */
        termsVersion: VERSION.default("2026-06-01"),
        privacyVersion: VERSION.default("2026-06-01"),
        termsUrl: httpUrl.optional(),
        privacyUrl: httpUrl.optional(),
      })
      .strict()
      .prefault({}),
    branding: z
      .object({
        productName: z.string().trim().min(1).max(60).default("Entrim"),
        supportEmail: z
          .string()
          .regex(
            /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/,
            "a single email address, e.g. support@example.eu",
          )
          .optional(),
      })
      .strict()
      .prefault({}),
    /** The built app (index.html, app.js, ...); default: the @entrim/portal package's dist/app. */
    assetsDir: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((portal, ctx) => {
    if (portal.listen !== "") {
      const port = Number(portal.listen.slice(portal.listen.lastIndexOf(":") + 1));
      if (port > 65535) ctx.addIssue({ code: "custom", path: ["listen"], message: "port must be 0-65535" });
    }
    if (portal.publicUrl) {
      const url = new URL(portal.publicUrl);
      if (url.search || url.hash || url.username || url.password)
        ctx.addIssue({
          code: "custom",
          path: ["publicUrl"],
          message: "must be a plain base URL (scheme, host, optional path): no query, fragment or login",
        });
    }
    if (portal.secureCookies === false && (portal.tls || portal.publicUrl?.startsWith("https:")))
      ctx.addIssue({
        code: "custom",
        path: ["secureCookies"],
        message:
          "cannot be false when the portal is served over HTTPS (tls or an https publicUrl): remove it, or the session cookie could leak over plain HTTP",
      });
  })
  .prefault({});

export type PortalConfig = z.infer<typeof portalSchema>;

/** The portal's base URL without a trailing slash, for links in emails and the Origin check. */
export function portalBaseUrl(portal: PortalConfig, boundAddress?: string): string {
  if (portal.publicUrl) return portal.publicUrl.replace(/\/+$/, "");
  const listen = boundAddress ?? portal.listen;
  return `${portal.tls ? "https" : "http"}://${listen}`;
}

/** Whether session cookies carry Secure: explicit, else whenever the portal is reached over HTTPS. */
export function portalSecureCookies(portal: PortalConfig): boolean {
  return (
    portal.secureCookies ?? (portal.tls !== undefined || portal.publicUrl?.startsWith("https:") === true)
  );
}
