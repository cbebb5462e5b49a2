import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { appProtocolHandler } from "./app-protocol.js";

// A bundle directory beside a file that must never be served: a traversal that escaped would find it.
const dir = mkdtempSync(join(tmpdir(), "app-protocol-"));
const bundle = join(dir, "renderer", "app");
mkdirSync(bundle, { recursive: true });
writeFileSync(join(bundle, "index.html"), "<!doctype html><title>console</title>");
writeFileSync(join(bundle, "app.js"), "export {};");
writeFileSync(join(dir, "secret.html"), "the operator's secret");
writeFileSync(join(dir, "renderer", "secret.js"), "the operator's secret");
after(() => rmSync(dir, { recursive: true, force: true }));

const serve = appProtocolHandler(bundle);
const get = (url: string, method = "GET") => serve({ url, method });

test("app://bundle/ serves index.html with its type and the app's CSP; bundle files by name", async () => {
  for (const url of ["app://bundle/", "app://bundle/index.html"]) {
    const response = await get(url);
    assert.equal(response.status, 200, url);
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(
      response.headers.get("content-security-policy") ?? "",
      /default-src 'none'; script-src 'self'/,
    );
    assert.match(await response.text(), /<title>console<\/title>/);
  }
  const script = await get("app://bundle/app.js");
  assert.equal(script.status, 200);
  assert.equal(script.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(script.headers.get("x-content-type-options"), "nosniff");
});

test("traversal, other hosts, other schemes and other methods are refused", async () => {
  for (const url of [
    "app://bundle/../../etc/passwd",
    "app://bundle/../secret.js",
    "app://bundle/../../secret.html",
    "app://bundle/..%2f..%2fsecret.html",
    "app://bundle/%2e%2e/%2e%2e/secret.html",
    "app://bundle/..%5c..%5csecret.html",
    "app://bundle/%2Fetc%2Fpasswd",
    "app://bundle/index.html%00.js",
    "app://bundle/%E0%A4%A",
    "app://other/index.html",
    "file:///etc/passwd",
    "app://bundle/missing.js",
    "app://bundle/no-type.txt",
  ]) {
    const response = await get(url);
    assert.equal(response.status, 404, url);
    assert.doesNotMatch(await response.text(), /secret|root:/, url);
  }
  assert.equal((await get("app://bundle/index.html", "POST")).status, 405);
});
