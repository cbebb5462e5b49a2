import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { alertingSchema } from "../config/alerting.js";
import { until } from "../test-support/until.js";
import { type AlertmanagerMessage, postWebhook } from "./notify-webhook.js";
import { StoreOutagePager } from "./setup.js";

let receiver: Server;
let url = "";
const got: { path: string; body: AlertmanagerMessage }[] = [];
// The status the receiver answers with for each path, by request count.
let answers: number[] = [];

before(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ path: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString() || "{}") });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
after(() => new Promise((r) => receiver.close(r)));

const quick = { attempts: 3, backoffMs: 5, timeoutMs: 2000 };

describe("webhook delivery", () => {
  it("retries 5xx and 429, gives up on other 4xx, and never puts the token or query in its error", async () => {
    got.length = 0;
    answers = [503, 429, 200];
    await postWebhook({ url: `${url}/a` }, { version: "4" } as AlertmanagerMessage, quick);
    assert.equal(got.length, 3);
    got.length = 0;
    answers = [400];
    await assert.rejects(
      postWebhook(
        { url: `${url}/b?token=s3cret`, bearerToken: "tok-s3cret" },
        { version: "4" } as never,
        quick,
      ),
      (e: Error) => /HTTP 400/.test(e.message) && !/s3cret/.test(e.message),
    );
    assert.equal(got.length, 1, "a refusal is not retried");
  });

  it("an agent cut off from the store pages once after the outage time, and resolves once when back", async () => {
    got.length = 0;
    answers = [];
    const config = alertingSchema.parse({ storeOutageSeconds: 60 });
    const pager = new StoreOutagePager("gpu-a", config, [{ url: `${url}/direct` }]);
    pager.check(false, 0);
    pager.check(false, 59_000);
    assert.equal(got.length, 0);
    pager.check(false, 60_000);
    pager.check(false, 70_000);
    await until("the direct page arrives", () => got.length === 1);
    assert.equal(got[0]!.body.status, "firing");
    assert.equal(got[0]!.body.alerts[0]!.labels.alertname, "store-unreachable");
    assert.equal(got[0]!.body.alerts[0]!.labels.node, "gpu-a");
    pager.check(true, 80_000);
    pager.check(true, 90_000);
    await until("the resolution arrives", () => got.length === 2);
    assert.equal(got[1]!.body.status, "resolved");
    assert.equal(got[1]!.body.alerts[0]!.fingerprint, got[0]!.body.alerts[0]!.fingerprint);
  });
});
