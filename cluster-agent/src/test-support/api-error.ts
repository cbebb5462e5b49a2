import assert from "node:assert/strict";
import { ApiError } from "../common/errors.js";

/** Awaits a promise that must reject with an ApiError of this status (and code); returns the error. */
export async function rejectsWith(
  promise: Promise<unknown>,
  status: number,
  code?: string,
): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
    assert.equal(err.status, status);
    if (code !== undefined) assert.equal(err.code, code);
    return err;
  }
  assert.fail("expected a rejection");
}
