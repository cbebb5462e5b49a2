// TOTP (RFC 6238: SHA-1, 30 s, 6 digits) with one step of clock drift either way; the caller stores
// the step a code matched and refuses it next time, so a code seen over a shoulder cannot be reused.
import { timingSafeEqual } from "node:crypto";
import { generate, generateSecret, generateURI } from "otplib";

const PERIOD = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, issuer: string, label: string): string {
  return generateURI({ issuer, label, secret });
}

/** The time step a code matches at `now` (current, previous or next), or undefined. */
export async function matchTotp(secret: string, code: unknown, now: Date): Promise<number | undefined> {
  if (typeof code !== "string" || !/^\d{6}$/.test(code)) return undefined;
  const epoch = Math.floor(now.getTime() / 1000);
  const step = Math.floor(epoch / PERIOD);
  for (const candidate of [step - 1, step, step + 1]) {
    const expected = await generate({ secret, epoch: candidate * PERIOD, period: PERIOD });
    if (timingSafeEqual(Buffer.from(expected), Buffer.from(code))) return candidate;
  }
  return undefined;
}

/** The code for a time (tests play the authenticator app with it). */
export function totpCode(secret: string, now: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(now.getTime() / 1000), period: PERIOD });
}
