// The account's team (owners only) and the invitation links (public: the token is the credential).
// Every query names the session's account, so another account's member or invite id is a 404.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError } from "../common/errors.js";
import { transaction } from "../store/db.js";
import { endPortalSessionsOf } from "../store/portal-sessions.js";
import {
  consumePortalToken,
  createPortalToken,
  listPortalInvites,
  type PortalToken,
  peekPortalToken,
  withdrawPortalInvite,
} from "../store/portal-tokens.js";
import {
  createPortalUser,
  deletePortalUser,
  findPortalUserByEmail,
  getPortalAccount,
  getPortalUser,
  listPortalUsers,
  lockOwners,
  type PortalUser,
  recordTermsAcceptance,
  setPortalUserRole,
} from "../store/portal-users.js";
import { parseBody } from "./body.js";
import { auditCustomer, CUSTOMER_ROLES, notFound, requirePortal } from "./context.js";
import { assertCurrentVersions, consentFields, emailField, nameField, passwordField } from "./identity.js";
import { mailInvite } from "./mails.js";
import { assertPasswordRules, hashPassword } from "./passwords.js";
import { hashToken, looksLikeToken, newToken } from "./secrets.js";
import type { PortalServices } from "./server.js";

const INVITE_MS = 7 * 24 * 3_600_000;

const role = z.enum(CUSTOMER_ROLES, { error: "must be owner, developer or billing" });
const inviteBody = z.object({ email: emailField, role }).strict();
const roleBody = z.object({ role }).strict();
const acceptBody = z
  .object({ token: z.string().max(200), name: nameField, password: passwordField, ...consentFields })
  .strict();

function memberView(user: PortalUser, you: string) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    totpEnabled: user.totpEnabledAt !== null,
    you: user.id === you,
  };
}

function inviteView(invite: PortalToken) {
  return {
    id: invite.id,
    email: invite.email,
    role: invite.role,
    createdAt: invite.createdAt.toISOString(),
    expiresAt: invite.expiresAt.toISOString(),
  };
}

function lastOwner(): ApiError {
  return new ApiError(
    409,
    "invalid_request_error",
    "This is the account's last owner: make another member an owner first.",
    null,
    "conflict",
  );
}

export function teamRoutes(app: FastifyInstance, s: PortalServices): void {
  const db = s.store.pool;

  app.get("/api/team", async (request) => {
    const principal = requirePortal(request, "owner");
    const [members, invites] = await Promise.all([
      listPortalUsers(db, principal.accountId),
      listPortalInvites(db, principal.accountId, s.now()),
    ]);
    return {
      members: members.map((m) => memberView(m, principal.userId)),
      invites: invites.map(inviteView),
    };
  });

  app.post("/api/team/invites", async (request, reply) => {
    const principal = requirePortal(request, "owner");
    const body = parseBody(inviteBody, request.body);
    if (await findPortalUserByEmail(db, body.email))
      throw new ApiError(
        409,
        "invalid_request_error",
        "This address already has a login (one address is one person across the service); invite another address.",
        "email",
        "conflict",
      );
    const invite = await transaction(db, async (tx) => {
      const now = s.now();
      const { token, hash } = newToken();
      const created = await createPortalToken(tx, {
        tokenHash: hash,
        purpose: "invite",
        accountId: principal.accountId,
        email: body.email,
        role: body.role,
        createdBy: principal.userId,
        now,
        expiresAt: new Date(now.getTime() + INVITE_MS),
      });
      const [inviter, account] = await Promise.all([
        getPortalUser(tx, principal.accountId, principal.userId),
        getPortalAccount(tx, principal.accountId),
      ]);
      await mailInvite(
        tx,
        { productName: s.config.branding.productName, supportEmail: s.config.branding.supportEmail },
        {
          to: body.email,
          accountId: principal.accountId,
          accountName: account?.name ?? "your team",
          inviter: inviter?.name ?? "A colleague",
          role: body.role,
          url: `${s.baseUrl()}/accept-invite?token=${token}`,
        },
      );
      await auditCustomer(
        s,
        principal,
        { action: "invite.create", target: created.id, reason: body.role },
        tx,
      );
      return created;
    });
    return reply.code(201).send({ invite: inviteView(invite) });
  });

  app.delete<{ Params: { id: string } }>("/api/team/invites/:id", async (request, reply) => {
    const principal = requirePortal(request, "owner");
    await transaction(db, async (tx) => {
      if (!(await withdrawPortalInvite(tx, principal.accountId, request.params.id, s.now())))
        throw notFound("invitation");
      await auditCustomer(s, principal, { action: "invite.withdraw", target: request.params.id }, tx);
    });
    return reply.code(204).send();
  });

  app.patch<{ Params: { id: string } }>("/api/team/members/:id", async (request) => {
    const principal = requirePortal(request, "owner");
    const body = parseBody(roleBody, request.body);
    const member = await transaction(db, async (tx) => {
      const owners = await lockOwners(tx, principal.accountId);
      const user = await getPortalUser(tx, principal.accountId, request.params.id, { forUpdate: true });
      if (!user) throw notFound("member");
      if (user.role === "owner" && body.role !== "owner" && owners.length <= 1) throw lastOwner();
      const updated = await setPortalUserRole(tx, principal.accountId, user.id, body.role);
      await auditCustomer(
        s,
        principal,
        { action: "member.role-change", target: user.id, reason: `${user.role} -> ${body.role}` },
        tx,
      );
      return updated!;
    });
    return { member: memberView(member, principal.userId) };
  });

  app.delete<{ Params: { id: string } }>("/api/team/members/:id", async (request, reply) => {
    const principal = requirePortal(request, "owner");
    await transaction(db, async (tx) => {
      const owners = await lockOwners(tx, principal.accountId);
      const user = await getPortalUser(tx, principal.accountId, request.params.id, { forUpdate: true });
      if (!user) throw notFound("member");
      if (user.role === "owner" && owners.length <= 1) throw lastOwner();
      await endPortalSessionsOf(tx, user.id, s.now());
      await deletePortalUser(tx, principal.accountId, user.id);
      await auditCustomer(s, principal, { action: "member.remove", target: user.id }, tx);
    });
    return reply.code(204).send();
  });

  app.get<{ Params: { token: string } }>("/api/invites/:token", async (request) => {
    const token = request.params.token;
    const invite = looksLikeToken(token)
      ? await peekPortalToken(db, hashToken(token), "invite", s.now())
      : undefined;
    if (!invite) throw notFound("invitation (it may have expired or been withdrawn)");
    const account = await getPortalAccount(db, invite.accountId);
    return {
      accountName: account?.name ?? "",
      email: invite.email,
      role: invite.role,
      expiresAt: invite.expiresAt.toISOString(),
    };
  });

  app.post("/api/invites/accept", async (request, reply) => {
    const body = parseBody(acceptBody, request.body);
    await assertCurrentVersions(db, s.config, body, s.now());
    const badInvite = () =>
      new ApiError(
        400,
        "invalid_request_error",
        "This invitation is not valid any more (used, expired or withdrawn). Ask an owner for a new one.",
        "token",
        "invalid_token",
      );
    if (!looksLikeToken(body.token)) throw badInvite();
    const hash = hashToken(body.token);
    const pending = await peekPortalToken(db, hash, "invite", s.now());
    if (!pending?.email || !pending.role) throw badInvite();
    assertPasswordRules(body.password, pending.email, "password");
    const passwordHash = await hashPassword(body.password);
    await transaction(db, async (tx) => {
      const now = s.now();
      const invite = await consumePortalToken(tx, hash, "invite", now);
      if (!invite?.email || !invite.role) throw badInvite();
      // The link reached the invited inbox: the address is verified.
      const user = await createPortalUser(tx, {
        accountId: invite.accountId,
        email: invite.email,
        name: body.name,
        role: invite.role,
        passwordHash,
        emailVerified: true,
      });
      await recordTermsAcceptance(tx, {
        accountId: invite.accountId,
        userId: user.id,
        termsVersion: body.termsVersion,
        privacyVersion: body.privacyVersion,
        now,
      });
      await auditCustomer(
        s,
        { userId: user.id },
        { action: "invite.accept", target: invite.id, reason: invite.role },
        tx,
      );
    });
    return reply
      .code(201)
      .send({ message: "Welcome aboard: your login is ready. Log in with your email address and password." });
  });
}
