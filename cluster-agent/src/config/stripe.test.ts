import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "./load.js";
import { stripeHostOptions } from "./stripe.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-config-"));
function load(stripe: unknown) {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(stripe === undefined ? {} : { stripe }));
  return loadConfig({ config: path }, {});
}

describe("stripe config", () => {
  it("is off when absent and names environment variables, never secrets", () => {
    assert.equal(load(undefined).stripe, undefined);
    assert.deepEqual(load({}).stripe, {
      secretKeyEnv: "STRIPE_SECRET_KEY",
      webhookSecretEnv: "STRIPE_WEBHOOK_SECRET",
      currency: "eur",
    });
    assert.throws(() => load({ secretKey: "sk_live_x" }));
  });

  it("points the SDK at apiBase by host, port and protocol", () => {
    const stripe = load({ apiBase: "http://127.0.0.1:12111" }).stripe!;
    assert.deepEqual(stripeHostOptions(stripe), { host: "127.0.0.1", port: 12111, protocol: "http" });
    assert.deepEqual(stripeHostOptions({ ...stripe, apiBase: undefined }), {});
  });
});
