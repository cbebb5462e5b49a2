import assert from "node:assert/strict";
import { test } from "node:test";
import { canOpen, homePath, navFor } from "./nav.js";

const labels = (role: Parameters<typeof navFor>[0]) => navFor(role).map((item) => item.path);

test("owners see every page", () => {
  assert.deepEqual(labels("owner"), [
    "/keys",
    "/usage",
    "/invoices",
    "/notices",
    "/models",
    "/team",
    "/account",
    "/security",
  ]);
});

test("developers see keys, usage, models, notices and security", () => {
  assert.deepEqual(labels("developer").sort(), ["/keys", "/models", "/notices", "/security", "/usage"]);
  assert.equal(canOpen("developer", "invoices"), false);
  assert.equal(canOpen("developer", "invoice"), false, "an invoice's page goes with the list");
  assert.equal(canOpen("developer", "team"), false);
  assert.equal(canOpen("developer", "account"), false);
});

test("billing sees usage, invoices, notices, models, account and security, not keys or team", () => {
  assert.deepEqual(labels("billing").sort(), [
    "/account",
    "/invoices",
    "/models",
    "/notices",
    "/security",
    "/usage",
  ]);
  assert.equal(canOpen("billing", "invoice"), true);
  assert.equal(canOpen("billing", "keys"), false);
  assert.equal(canOpen("billing", "team"), false);
});

test("the first page after login is the role's first", () => {
  assert.equal(homePath("owner"), "/keys");
  assert.equal(homePath("developer"), "/keys");
  assert.equal(homePath("billing"), "/usage");
});
