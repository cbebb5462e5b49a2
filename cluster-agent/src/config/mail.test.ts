import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig } from "./load.js";
import { smtpAuth } from "./mail.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-config-"));
function load(mail: unknown) {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ mail }));
  return loadConfig({ config: path }, {});
}
const refused = (pattern: RegExp) => (error: unknown) =>
  error instanceof ConfigError && pattern.test(error.message);

test("no mail section: no mailer; a minimal one gets the defaults", () => {
  assert.equal(loadConfig({}, {}).mail, undefined);
  const mail = load({ smtp: { host: "smtp.example.eu" }, from: "noreply@example.eu" }).mail!;
  assert.equal(mail.maxAttempts, 8);
  assert.equal(mail.smtp.secure, false);
  assert.equal(mail.smtp.requireTLS, false);
  assert.equal(smtpAuth(mail, {}), undefined);
});

test("a missing host or a bad port is refused with a message naming the field", () => {
  assert.throws(() => load({ smtp: {}, from: "noreply@example.eu" }), refused(/mail\.smtp\.host/));
  assert.throws(
    () => load({ smtp: { host: "" }, from: "noreply@example.eu" }),
    refused(/smtp\.host is required/),
  );
  for (const port of [0, 70000, 25.5, "25"]) {
    assert.throws(
      () => load({ smtp: { host: "smtp.example.eu", port }, from: "noreply@example.eu" }),
      refused(/mail\.smtp\.port/),
      String(port),
    );
  }
});

test("implicit TLS and STARTTLS together, or half a login, are refused", () => {
  assert.throws(
    () => load({ smtp: { host: "h.eu", secure: true, requireTLS: true }, from: "a@b.eu" }),
    refused(/exclude each other/),
  );
  assert.throws(
    () => load({ smtp: { host: "h.eu", userEnv: "SMTP_USER" }, from: "a@b.eu" }),
    refused(/mail\.smtp\.passwordEnv.*go together/),
  );
  assert.throws(
    () => load({ smtp: { host: "h.eu", timeoutMs: 60_000 }, from: "a@b.eu" }),
    refused(/mail\.leaseMs: must be at least 3 x smtp\.timeoutMs \(180000\)/),
  );
  // A literal password has no field to sit in.
  assert.throws(
    () => load({ smtp: { host: "h.eu", password: "hunter2" }, from: "a@b.eu" }),
    refused(/password/),
  );
});

test("the login is read from the environment variables the config names", () => {
  const mail = load({
    smtp: { host: "h.eu", userEnv: "SMTP_USER", passwordEnv: "SMTP_PASSWORD" },
    from: "a@b.eu",
  }).mail!;
  assert.deepEqual(smtpAuth(mail, { SMTP_USER: "relay", SMTP_PASSWORD: "from-env" }), {
    user: "relay",
    pass: "from-env",
  });
  assert.throws(
    () => smtpAuth(mail, { SMTP_USER: "relay" }),
    /passwordEnv names SMTP_PASSWORD, which is not set/,
  );
});
