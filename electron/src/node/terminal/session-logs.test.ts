import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import type { TerminalEvent } from "../../common/index.js";
import { fixture, startFakeAgent } from "../../test-support/fake-agent.js";
import { generateKeyPair, startTestSshd } from "../../test-support/sshd.js";
import { createHandlers } from "../handlers.js";
import { ProfileStore } from "../profiles.js";
import { createRouter } from "../router.js";
import { sessionLogName } from "./session-logs.js";

const dir = mkdtempSync(join(tmpdir(), "session-logs-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a session log's name is derived from the node: no separator, no leading dot, never ..", () => {
  const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  assert.equal(sessionLogName("gpu-7", at, "abc123"), "gpu-7-20260102T030405Z-abc123.log");
  for (const node of ["../../etc/passwd", "a/b\\c", "..", ".bashrc", "", "x\0y"]) {
    const name = sessionLogName(node, at);
    assert.match(name, /^[A-Za-z0-9][A-Za-z0-9._-]*\.log$/, `${JSON.stringify(node)} → ${name}`);
    assert.ok(!name.includes(".."), name);
  }
});

test("the renderer cannot name a log path; asking for a log writes one into the console's folder", async () => {
  const hostile = "../../../../tmp/evil";
  const agent = await startFakeAgent("node-a", (self) => [{ name: hostile, controlAddress: self }]);
  const client = generateKeyPair();
  const sshd = await startTestSshd({ hostKey: generateKeyPair(), clientPublicKey: client.public });
  const keyFile = join(dir, "ssh-key");
  writeFileSync(keyFile, client.private, { mode: 0o600 });
  const profiles = new ProfileStore(join(dir, "profiles.json"));
  profiles.save({
    name: "admin",
    addresses: [agent.address],
    caFile: fixture("ca.pem"),
    certFile: fixture("admin.pem"),
    keyFile: fixture("admin-key.pem"),
    readOnly: false,
    ssh: { user: "ops", port: sshd.port, keyFile, hosts: {} },
  });
  const handlers = createHandlers({ profiles, opensshKnownHosts: [] });
  const router = createRouter(handlers);
  try {
    await router.call("cluster.connect", { profile: "admin" });
    // A path from the page is not part of the contract at all, whatever it points at.
    for (const logFile of [join(dir, "..", "outside.log"), "../../.bashrc", "session.log"]) {
      await assert.rejects(
        router.open("terminal.open", { node: "none", logFile }, () => {}, new AbortController().signal),
        /Invalid terminal\.open request/,
      );
    }
    const controller = new AbortController();
    const events: TerminalEvent[] = [];
    let session = "";
    let output = "";
    await router.open(
      "terminal.open",
      { node: hostile, log: true },
      (event) => {
        const e = event as TerminalEvent;
        events.push(e);
        if (e.type === "session") session = e.session;
        if (e.type === "hostKey") void router.call("terminal.hostKey", { session, accept: true });
        if (e.type === "ready")
          void router.call("terminal.input", { session, data: "echo logged-$((6*7))\n" });
        if (e.type === "data") {
          output += Buffer.from(e.data, "base64").toString();
          if (output.includes("logged-42")) controller.abort();
        }
      },
      controller.signal,
    );
    const ready = events.find((e) => e.type === "ready");
    const logFile = ready?.type === "ready" ? ready.logFile : undefined;
    assert.ok(logFile, "the ready event says where the log is");
    assert.equal(dirname(logFile), join(dir, "session-logs"));
    assert.match(readFileSync(logFile, "utf8"), /logged-42/);
    assert.deepEqual(readdirSync(join(dir, "session-logs")).length, 1);
  } finally {
    handlers.dispose();
    await sshd.close();
    await agent.close();
  }
});
