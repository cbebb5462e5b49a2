import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { initCa, issueNodeCertificate } from "@entrim/cluster-agent/dist/control/certs.js";
import { dialTls, readResponse } from "@entrim/cluster-agent/test-support/edge.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import { type AgentProcess, removeDir, startAgent, tempDir } from "./support.js";

/** An agent serving HTTPS itself (no balancer), renewing its certificate on SIGHUP as certbot would. */
let dir: string;
let dataDir: string;
let upstream: Upstream;
let agent: AgentProcess;
let ca: Buffer;
const certFile = () => join(dir, "api.pem");
const keyFile = () => join(dir, "api-key.pem");
const install = (name: "a" | "b") => {
  copyFileSync(join(dir, name, "node.pem"), certFile());
  copyFileSync(join(dir, name, "node-key.pem"), keyFile());
};

before(async () => {
  dir = tempDir("https");
  await initCa({ dir: join(dir, "ca") });
  await issueNodeCertificate({ caDir: join(dir, "ca"), name: "api-old", outDir: join(dir, "a") });
  await issueNodeCertificate({ caDir: join(dir, "ca"), name: "api-new", outDir: join(dir, "b") });
  ca = readFileSync(join(dir, "ca", "ca.pem"));
  install("a");
  upstream = await startUpstream({ tokens: 2, tokenDelayMs: 0 });
  dataDir = tempDir("https-agent");
  agent = await startAgent(dataDir, ["--model", `up=${upstream.url}`], {
    api: { tls: { certFile: certFile(), keyFile: keyFile() } },
  });
});

after(async () => {
  await agent?.stop();
  await upstream?.close();
  removeDir(dir);
  removeDir(dataDir);
});

const get = "GET /readyz HTTP/1.1\r\nHost: agent\r\nConnection: keep-alive\r\n\r\n";

test("the agent serves HTTPS and SIGHUP swaps its certificate without dropping open connections", async () => {
  assert.match(agent.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const port = Number(new URL(agent.url).port);
  const open = await dialTls(port, { ca });
  assert.equal(open.getPeerCertificate().subject.CN, "api-old");
  open.write(get);
  assert.equal((await readResponse(open)).status, 200);

  install("b");
  const reloaded = agent.waitForLog("API certificate reloaded");
  agent.process.kill("SIGHUP");
  const line = await reloaded;
  assert.match(line, /CN=api-new/);
  assert.match(line, /"notAfter"/);

  open.write(get);
  assert.equal((await readResponse(open)).status, 200, "the connection opened before the reload still works");
  const fresh = await dialTls(port, { ca });
  assert.equal(fresh.getPeerCertificate().subject.CN, "api-new");
  fresh.destroy();

  // A renewal that wrote half a file: the error is logged, the last good certificate still served.
  writeFileSync(keyFile(), "-----BEGIN PRIVATE KEY-----\ntruncated\n");
  const failed = agent.waitForLog("API certificate reload failed");
  agent.process.kill("SIGHUP");
  assert.match(await failed, /api-key\.pem/);
  const after = await dialTls(port, { ca });
  assert.equal(after.getPeerCertificate().subject.CN, "api-new");
  after.destroy();
  open.destroy();
});
