// Channels of the data-subject request queue (erasure, restriction, objection customers file in the
// portal): the list every role reads, and completing or rejecting, which the agent allows admins only.
// Kept apart from channels.ts (which spreads them in), like the record channels.
import type { DataSubjectRequest__Output } from "@entrim/proto";
import { z } from "zod";
import { getRequestChannel as req, returns } from "./channel.js";

export type DataSubjectRequest = DataSubjectRequest__Output;

const requestId = z.string().regex(/^dsr_[a-z0-9]{16,40}$/, "expected a request id (dsr_…)");

export const listDataRequestsRequest = z
  .object({
    status: z.enum(["open", "completed", "rejected", ""]).default(""),
    accountId: z
      .string()
      .regex(/^acct_[a-z0-9]{16,40}$/)
      .optional(),
    limit: z.number().int().min(1).max(1000).default(500),
  })
  .strict();
/** The note says what was done (for an objection: which processing stopped); the customer reads it. */
export const completeDataRequestRequest = z
  .object({ id: requestId, note: z.string().trim().max(1000).default("") })
  .strict();
/** The customer is told why: a reason is required. */
export const rejectDataRequestRequest = z
  .object({ id: requestId, reason: z.string().trim().min(3, "say why (the customer is told)").max(1000) })
  .strict();

export const dataRequestChannels = {
  listDataRequests: req("requests.list", listDataRequestsRequest, returns<DataSubjectRequest[]>),
  completeDataRequest: req("requests.complete", completeDataRequestRequest, returns<DataSubjectRequest>),
  rejectDataRequest: req("requests.reject", rejectDataRequestRequest, returns<DataSubjectRequest>),
} as const;
