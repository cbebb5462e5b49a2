// The portal's emails: plain text plus a simple HTML part, each with one link to the portal. The
// links carry tokens, so these texts are built here and nowhere logged.
import type { Db } from "../store/db.js";
import { enqueueMail } from "../store/mail.js";

export interface MailContext {
  productName: string;
  supportEmail?: string | undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function compose(context: MailContext, lines: string[], link?: { url: string; label: string }) {
  const footer = context.supportEmail ? `Questions? Write to ${context.supportEmail}.` : "";
  const text = [...lines, ...(link ? ["", link.url] : []), "", footer, `— ${context.productName}`]
    .filter((l, i, all) => !(l === "" && all[i - 1] === ""))
    .join("\n");
  const html = [
    ...lines.filter((l) => l !== "").map((l) => `<p>${escapeHtml(l)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`] : []),
    ...(footer ? [`<p>${escapeHtml(footer)}</p>`] : []),
    `<p>— ${escapeHtml(context.productName)}</p>`,
  ].join("\n");
  return { text, html };
}

interface Message {
  to: string;
  accountId: string;
}

export function mailVerify(db: Db, c: MailContext, m: Message & { name: string; url: string }) {
  return enqueueMail(db, {
    kind: "portal.verify",
    accountId: m.accountId,
    to: m.to,
    subject: `Confirm your email address for ${c.productName}`,
    ...compose(
      c,
      [
        `Hello ${m.name},`,
        "",
        "Please confirm your email address by opening the link below (valid for 48 hours). Until you do, you cannot log in.",
        "If you did not sign up, ignore this message.",
      ],
      { url: m.url, label: "Confirm my email address" },
    ),
  });
}

export function mailReset(db: Db, c: MailContext, m: Message & { name: string; url: string }) {
  return enqueueMail(db, {
    kind: "portal.reset",
    accountId: m.accountId,
    to: m.to,
    subject: `Reset your ${c.productName} password`,
    ...compose(
      c,
      [
        `Hello ${m.name},`,
        "",
        "Someone (we hope you) asked to reset your password. Open the link below within one hour to choose a new one; it works once and logs you out everywhere.",
        "If you did not ask, ignore this message: your password stays as it is.",
      ],
      { url: m.url, label: "Choose a new password" },
    ),
  });
}

export function mailInvite(
  db: Db,
  c: MailContext,
  m: Message & { accountName: string; inviter: string; role: string; url: string },
) {
  return enqueueMail(db, {
    kind: "portal.invite",
    accountId: m.accountId,
    to: m.to,
    subject: `${m.inviter} invited you to ${m.accountName} on ${c.productName}`,
    ...compose(
      c,
      [
        `${m.inviter} invited you to join the account "${m.accountName}" on ${c.productName} with the ${m.role} role.`,
        "",
        "Open the link below within 7 days to accept and choose your password.",
      ],
      { url: m.url, label: "Accept the invitation" },
    ),
  });
}

export function mailSignupAttempt(db: Db, c: MailContext, m: Message & { name: string; loginUrl: string }) {
  return enqueueMail(db, {
    kind: "portal.signup-attempt",
    accountId: m.accountId,
    to: m.to,
    subject: `Someone tried to sign up to ${c.productName} with your address`,
    ...compose(
      c,
      [
        `Hello ${m.name},`,
        "",
        "Someone tried to create an account with your email address, which already has one. Nothing was changed.",
        "If it was you, log in instead (or reset your password if you forgot it). If not, you can ignore this message.",
      ],
      { url: m.loginUrl, label: "Log in" },
    ),
  });
}
