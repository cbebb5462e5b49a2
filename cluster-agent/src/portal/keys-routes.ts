// API keys in the portal: create (the token shown once), list, revoke. Every statement names the
// session's account, so another account's key id is "not found" exactly like a missing one. A revoke
// reaches every agent through the api_keys trigger (NOTIFY entrim_keys) within moments.
import type { FastifyInstance } from "fastify";
import { ApiError } from "../common/errors.js";
import { API_KEY_PREFIX } from "../domain/api-key.js";
import {
  type ApiKeyInfo,
  checkExpiry,
  createApiKey,
  listApiKeys,
  revokeApiKeyOf,
} from "../store/api-keys.js";
import type { Db } from "../store/db.js";
import { auditedChange, badInput, bodyOf, dateField, fromStore, iso, stringField } from "./account-input.js";
import { type PortalDeps, requirePortal } from "./context.js";

export function keyView(key: ApiKeyInfo, now: Date) {
  const state =
    key.revokedAt !== null
      ? "revoked"
      : key.expiresAt !== null && key.expiresAt <= now
        ? "expired"
        : "active";
  return {
    id: key.id,
    name: key.name,
    // The id is public (it names the key in logs and the console); the secret never leaves creation.
    prefix: `${API_KEY_PREFIX}${key.id}-…`,
    createdAt: iso(key.createdAt),
    createdBy: key.createdBy,
    expiresAt: iso(key.expiresAt),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
    state,
  };
}

/** New keys only for an active account: a restricted or closed one is told why. */
async function refuseUnlessActive(db: Db, accountId: string): Promise<void> {
  const result = await db.query("SELECT status FROM accounts WHERE id = $1 FOR SHARE", [accountId]);
  const status = result.rows[0]?.status as string | undefined;
  if (status === "active") return;
  throw new ApiError(
    403,
    "permission_error",
    status === "restricted"
      ? "This account is restricted: no new API keys can be created. Read your notices or contact support."
      : "This account is closed: no new API keys can be created.",
    null,
    "account_inactive",
  );
}

export async function keysRoutes(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  app.get("/api/keys", async (request) => {
    const principal = requirePortal(request, "owner", "developer");
    const now = deps.now();
    const keys = await listApiKeys(deps.store.pool, { accountId: principal.accountId });
    return { keys: keys.map((k) => keyView(k, now)) };
  });

  app.post("/api/keys", async (request, reply) => {
    const principal = requirePortal(request, "owner", "developer");
    const body = bodyOf(request, ["name", "expiresAt"]);
    const name = stringField(body, "name", 200);
    if (!name) throw badInput("Give the key a name, e.g. where it is used.", "name");
    const expiresAt = dateField(body, "expiresAt");
    if (expiresAt) {
      try {
        checkExpiry(expiresAt, deps.now());
      } catch (error) {
        throw fromStore(error, "account", "expiresAt");
      }
    }
    const created = await auditedChange(
      deps,
      principal,
      {
        action: "key.create",
        target: (r: { key: ApiKeyInfo }) => `account:${principal.accountId}/key:${r.key.id}`,
      },
      async (db) => {
        await refuseUnlessActive(db, principal.accountId);
        return createApiKey(db, {
          accountId: principal.accountId,
          name,
          createdBy: principal.userId,
          pepper: deps.pepper,
          expiresAt: expiresAt ?? null,
        });
      },
    ).catch((error) => {
      throw fromStore(error, "account", "name");
    });
    reply.code(201).header("cache-control", "no-store");
    return { key: keyView(created.key, deps.now()), token: created.token };
  });

  app.delete<{ Params: { id: string } }>("/api/keys/:id", async (request) => {
    const principal = requirePortal(request, "owner", "developer");
    const revoked = await auditedChange(
      deps,
      principal,
      { action: "key.revoke", target: (k: ApiKeyInfo) => `account:${principal.accountId}/key:${k.id}` },
      (db) => revokeApiKeyOf(db, principal.accountId, request.params.id),
    ).catch((error) => {
      throw fromStore(error, "API key");
    });
    return { key: keyView(revoked, deps.now()) };
  });
}
