// Request bodies: a strict zod schema per route, so an unknown field is refused (400 naming it) rather
// than ignored, and every refusal names the field at fault in the customer's words.
import type { z } from "zod";
import { ApiError } from "../common/errors.js";

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body))
    throw new ApiError(
      400,
      "invalid_request_error",
      "Send a JSON object as the request body.",
      null,
      "invalid_json",
    );
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const field = issue.keys[0]!.slice(0, 64);
    throw new ApiError(
      400,
      "invalid_request_error",
      `Unknown field "${field}": remove it and send the request again.`,
      field,
      "unknown_field",
    );
  }
  const param = issue.path.map(String).join(".") || null;
  // The schema's own message when it has one in words; the value sent is never echoed (a password).
  const message =
    issue.message && !issue.message.startsWith("Invalid") ? issue.message : "is missing or not valid";
  throw new ApiError(
    400,
    "invalid_request_error",
    param ? `The field "${param}" ${message}.` : `The request ${message}.`,
    param,
    "invalid_request",
  );
}
