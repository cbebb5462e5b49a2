import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startViesStandIn, type ViesStandIn } from "../test-support/vies.js";
import { checkVatId, readViesAnswer, splitVatId } from "./vies.js";

let vies: ViesStandIn;
const config = () => ({ url: vies.url, timeoutMs: 2000 });

before(async () => {
  vies = await startViesStandIn();
});
after(() => vies.close());

test("VIES: a valid VAT ID is valid, with the consultation number the seller keeps", async () => {
  vies.mode = "valid";
  const check = await checkVatId(config(), "DE123456789", "SI12345678");
  assert.equal(check.status, "valid");
  assert.match(check.reference ?? "", /^WAPI/);
  // The seller is the requester: that is what makes VIES issue a consultation number.
  assert.deepEqual(vies.requests.at(-1), {
    countryCode: "DE",
    vatNumber: "123456789",
    requesterMemberStateCode: "SI",
    requesterNumber: "12345678",
  });
});

test("VIES: a VAT ID VIES does not know is invalid", async () => {
  vies.mode = "invalid";
  const check = await checkVatId(config(), "FR12345678901", "SI12345678");
  assert.equal(check.status, "invalid");
});

test("VIES: member-state outages, 5xx and malformed answers are unknown, never invalid", async () => {
  for (const mode of ["ms_unavailable", "http_500", "malformed"] as const) {
    vies.mode = mode;
    const check = await checkVatId(config(), "DE123456789", "SI12345678");
    assert.equal(check.status, "unknown", mode);
    assert.equal(check.reference, null);
  }
  vies.mode = "ms_unavailable";
  assert.equal((await checkVatId(config(), "DE123456789", "SI12345678")).detail, "MS_UNAVAILABLE");
});

test("VIES: a slow VIES is cut at the timeout and unknown; an unreachable one too", async () => {
  vies.mode = "slow";
  const slow = await checkVatId({ url: vies.url, timeoutMs: 200 }, "DE123456789", "SI12345678");
  assert.deepEqual([slow.status, slow.detail], ["unknown", "timeout"]);
  const away = await checkVatId(
    { url: "http://127.0.0.1:1/vies", timeoutMs: 2000 },
    "DE123456789",
    "SI12345678",
  );
  assert.equal(away.status, "unknown");
});

test("VIES: Greek VAT IDs keep their EL prefix, which is VIES's code for Greece", () => {
  assert.deepEqual(splitVatId("el 094014201"), { countryCode: "EL", vatNumber: "094014201" });
});

test("VIES answers: an outage in userError or an error code is unknown; only INVALID and INVALID_INPUT are invalid", () => {
  const status = (http: number, body: unknown) => readViesAnswer(http, body).status;
  assert.equal(status(200, { valid: false, userError: "MS_UNAVAILABLE" }), "unknown");
  assert.equal(status(200, { valid: false, userError: "INVALID" }), "invalid");
  assert.equal(status(400, { actionSucceed: false, errorWrappers: [{ error: "INVALID_INPUT" }] }), "invalid");
  assert.equal(
    status(400, { actionSucceed: false, errorWrappers: [{ error: "INVALID_REQUESTER_INFO" }] }),
    "unknown",
  );
  assert.equal(
    status(200, { actionSucceed: false, errorWrappers: [{ error: "MS_MAX_CONCURRENT_REQ" }] }),
    "unknown",
  );
  assert.equal(status(200, { isValid: true, requestIdentifier: "WAPI1" }), "valid");
  assert.equal(status(200, { name: "---" }), "unknown");
  assert.equal(status(200, [true]), "unknown");
});
