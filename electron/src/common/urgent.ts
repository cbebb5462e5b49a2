// Channels of the urgent actions (issue 17): an account's keys and limits, revoking a key, setting
// limits, restricting / unrestricting / erasing an account, resolving an abuse flag, rotating one
// node's model and the certificate deny list. Every one goes to the agent over gRPC, which checks the
// role and writes the audit log; the console holds neither database access nor the key secret.
// Kept apart from channels.ts (which spreads them in), like the record channels.
import type {
  AbuseFlag__Output,
  AccountActionResult__Output,
  ApiKey__Output,
  CertificateRevocation__Output,
  Limits__Output,
  RevokeCertificateResponse__Output,
  RotationProgress__Output,
} from "@entrim/proto";
import { z } from "zod";
import { getRequestChannel as req, returns, getStreamChannel as stream } from "./channel.js";

export type ApiKey = ApiKey__Output;
export type Limits = Limits__Output;
export type AccountActionResult = AccountActionResult__Output;
export type CertificateRevocation = CertificateRevocation__Output;
export type RotationProgress = RotationProgress__Output;

const accountId = z.string().regex(/^acct_[a-z0-9]{16,40}$/, "expected an account id (acct_…)");
const keyId = z.string().regex(/^[a-z2-7]{12}$/, "expected an API key id (12 characters a-z, 2-7)");
const reason = z.string().trim().min(3, "say why (it goes to the audit log)").max(1000);
/** A limit as typed: empty leaves it as it is. The agent validates the value as `limits set` does. */
const limit = z.string().trim().max(20).default("");

export const accountRef = z.object({ accountId }).strict();
export const revokeKeyRequest = z.object({ keyId, reason }).strict();
export const setLimitsRequest = z
  .object({
    accountId,
    keyId: z.union([keyId, z.literal("")]).default(""),
    rpm: limit,
    tpm: limit,
    concurrency: limit,
    spendCapEur: limit,
    clear: z
      .array(z.enum(["rpm", "tpm", "concurrency", "spend_cap_eur"]))
      .max(4)
      .default([]),
    reason: z.string().trim().max(1000).default(""),
  })
  .strict();
export const accountActionRequest = z
  .object({
    verb: z.enum(["restrict", "unrestrict", "erase"]),
    accountId,
    reason: z.string().trim().max(1000).default(""),
    /** Erase only: the id typed again; the agent refuses a mismatch. */
    confirmAccountId: z.string().trim().max(64).default(""),
  })
  .strict();
export const resolveFlagRequest = z
  .object({ id: z.string().regex(/^\d{1,18}$/), note: z.string().trim().min(3).max(2000) })
  .strict();
export const rotateModelRequest = z
  .object({
    node: z.string().min(1).max(200),
    model: z.string().min(1).max(200),
    version: z.string().min(1).max(200),
    reason,
  })
  .strict();
export const revokeCertificateRequest = z
  .object({
    serialNumber: z.string().trim().max(200).default(""),
    fingerprint: z.string().trim().max(200).default(""),
    reason,
  })
  .strict();

export const urgentChannels = {
  listApiKeys: req("keys.list", accountRef, returns<ApiKey[]>),
  revokeApiKey: req("keys.revoke", revokeKeyRequest, returns<ApiKey>),
  getLimits: req("limits.get", accountRef, returns<Limits>),
  setLimits: req("limits.set", setLimitsRequest, returns<Limits>),
  accountAction: req("accounts.action", accountActionRequest, returns<AccountActionResult>),
  resolveAbuseFlag: req("abuse.resolve", resolveFlagRequest, returns<AbuseFlag__Output>),
  /** One node's model to a version outside any rollout; progress until the last message (done). */
  rotateModel: stream("node.rotate", rotateModelRequest, returns<RotationProgress>),
  listRevocations: req("certs.revoked", z.object({}).strict(), returns<CertificateRevocation[]>),
  revokeCertificate: req(
    "certs.revoke",
    revokeCertificateRequest,
    returns<RevokeCertificateResponse__Output>,
  ),
} as const;
