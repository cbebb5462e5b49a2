import assert from "node:assert/strict";
import { test } from "node:test";
import { loginPath, matchRoute, safeNext } from "./router.js";

test("paths match their pages; signed-out pages are public", () => {
  assert.deepEqual(matchRoute("/login"), { name: "login", params: {}, private: false });
  assert.deepEqual(matchRoute("/verify-email"), { name: "verifyEmail", params: {}, private: false });
  assert.deepEqual(matchRoute("/accept-invite"), { name: "acceptInvite", params: {}, private: false });
  assert.deepEqual(matchRoute("/keys"), { name: "keys", params: {}, private: true });
  assert.deepEqual(matchRoute("/keys/"), { name: "keys", params: {}, private: true }, "trailing slash");
  assert.equal(matchRoute("/security").name, "security");
});

test("an invoice's page carries its id, decoded", () => {
  assert.deepEqual(matchRoute("/invoices/inv_2026-11_a"), {
    name: "invoice",
    params: { id: "inv_2026-11_a" },
    private: true,
  });
  assert.equal(matchRoute("/invoices/a%2Fb").params.id, "a/b");
  assert.equal(matchRoute("/invoices/%E0%A4%A").name, "notFound", "a broken escape is not a crash");
  assert.equal(matchRoute("/invoices/a/b").name, "notFound");
});

test("unknown paths are not found (behind login: they reveal nothing to visitors)", () => {
  assert.deepEqual(matchRoute("/admin"), { name: "notFound", params: {}, private: true });
});

test("after login only a page of this portal is a destination", () => {
  assert.equal(safeNext("/usage?month=2026-11"), "/usage?month=2026-11");
  assert.equal(safeNext("/invoices/inv_1"), "/invoices/inv_1");
  assert.equal(safeNext("//evil.example/keys"), "/");
  assert.equal(safeNext("/\\evil.example"), "/");
  assert.equal(safeNext("https://evil.example/keys"), "/");
  assert.equal(safeNext("/login"), "/", "not back to the login page itself");
  assert.equal(safeNext(null, "/keys"), "/keys");
});

test("the login page remembers where the user was going", () => {
  assert.equal(loginPath("/usage?month=2026-11"), "/login?next=%2Fusage%3Fmonth%3D2026-11");
  assert.equal(loginPath("/"), "/login");
  assert.equal(loginPath("/login"), "/login");
});
