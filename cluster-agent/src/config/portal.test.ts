import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig } from "./load.js";
import { portalBaseUrl, portalSecureCookies } from "./portal.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-config-"));
function load(portal: unknown, env: NodeJS.ProcessEnv = {}) {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ portal }));
  return loadConfig({ config: path }, env);
}
const refused = (pattern: RegExp) => (error: unknown) =>
  error instanceof ConfigError && pattern.test(error.message);

test("off by default; the defaults a listening portal gets", () => {
  const config = loadConfig({}, {});
  assert.equal(config.portal.listen, "");
  assert.equal(config.portal.session.idleMinutes, 60);
  assert.equal(config.portal.session.absoluteHours, 12);
  assert.deepEqual(config.portal.throttle.loginPerAccount, { max: 5, windowSeconds: 900 });
  assert.equal(config.portal.legal.termsVersion, "2026-06-01");
  assert.equal(config.portal.branding.productName, "Entrim");
  const on = loadConfig({}, { ENTRIM_PORTAL_LISTEN: "127.0.0.1:8088" }).portal;
  assert.equal(portalBaseUrl(on), "http://127.0.0.1:8088");
  assert.equal(portalSecureCookies(on), false);
});

test("an https publicUrl makes cookies Secure and is the base of links; secureCookies false is refused with it", () => {
  const portal = load({ listen: "0.0.0.0:8088", publicUrl: "https://portal.example.eu/" }).portal;
  assert.equal(portalBaseUrl(portal), "https://portal.example.eu");
  assert.equal(portalSecureCookies(portal), true);
  assert.throws(
    () => load({ listen: "0.0.0.0:8088", publicUrl: "https://portal.example.eu", secureCookies: false }),
    refused(/portal\.secureCookies: cannot be false/),
  );
});

test("bad fields are refused naming them", () => {
  assert.throws(() => load({ listen: "8088" }), refused(/portal\.listen: must be host:port/));
  assert.throws(() => load({ publicUrl: "ftp://x" }), refused(/portal\.publicUrl/));
  assert.throws(
    () => load({ throttle: { loginPerAccount: { max: 0, windowSeconds: 60 } } }),
    refused(/max must be at least 1/),
  );
  assert.throws(() => load({ legal: { termsVersion: "v 1" } }), refused(/portal\.legal\.termsVersion/));
  assert.throws(() => load({ sessions: {} }), refused(/portal/));
});
