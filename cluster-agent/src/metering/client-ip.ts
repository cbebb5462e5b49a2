import { isIP } from "node:net";

/** IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; record the address they really have. */
export function normalizeClientIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const plain = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  return isIP(plain) ? plain : null;
}
