import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { StoreError } from "../store/db.js";
import { invalidArgument } from "./rpc.js";
import { isConnectionError, statusOf } from "./status.js";

describe("statusOf", () => {
  it("keeps the message of refusals a handler chose", () => {
    assert.deepEqual(statusOf(invalidArgument("limit must be at most 1000")), {
      code: status.INVALID_ARGUMENT,
      details: "limit must be at most 1000",
    });
    assert.equal(statusOf(new StoreError("conflict", "already revoked")).code, status.FAILED_PRECONDITION);
  });

  it("recognises a store that cannot be reached however node-postgres reports it", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    assert.ok(isConnectionError(refused));
    // Node's happy-eyeballs connect: one AggregateError over every address it tried.
    assert.ok(isConnectionError(new AggregateError([refused], "")));
    assert.ok(isConnectionError(new Error("Connection terminated unexpectedly")));
    assert.ok(isConnectionError(new Error("timeout exceeded when trying to connect")));
    assert.ok(isConnectionError(Object.assign(new Error("terminating connection"), { code: "57P01" })));
    assert.ok(isConnectionError(new Error("query failed", { cause: refused })));
    assert.ok(!isConnectionError(Object.assign(new Error("duplicate key"), { code: "23505" })));
    assert.equal(statusOf(refused).code, status.UNAVAILABLE);
  });

  it("hides everything else behind a reference", () => {
    const result = statusOf(new Error("row for sk-entrim-secret"));
    assert.equal(result.code, status.INTERNAL);
    assert.doesNotMatch(result.details, /secret/);
    assert.ok(result.reference && result.details.includes(result.reference));
  });
});
