import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { TerminalEvent } from "../../common/index.js";
import { generateKeyPair, startTestSshd, type TestSshd } from "../../test-support/sshd.js";
import { ConsoleKnownHosts, HostKeyChecker } from "./host-keys.js";
import { fingerprint } from "./known-hosts.js";
import { HIGH_WATER, type OpenOptions, TerminalSessions } from "./sessions.js";
import { NEEDS_PASSPHRASE, unlockKey } from "./target.js";

const dir = mkdtempSync(join(tmpdir(), "terminal-"));
const servers: TestSshd[] = [];
after(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = generateKeyPair();
const hostKey = generateKeyPair();
const sessions = new TerminalSessions(
  new HostKeyChecker(new ConsoleKnownHosts(join(dir, "known-hosts.json")), [join(dir, "none")]),
);

/** Runs a session, answering host-key questions with `accept`, and hands events to `on`. */
function open(
  port: number,
  on: (event: TerminalEvent, id: string, controller: AbortController) => void,
  options: Partial<OpenOptions> & { accept?: boolean } = {},
) {
  const controller = new AbortController();
  const events: TerminalEvent[] = [];
  let id = "";
  const done = sessions.run(
    {
      target: { host: "127.0.0.1", port, user: "ops" },
      auth: { privateKey: Buffer.from(client.private) },
      cols: 80,
      rows: 24,
      ...options,
    },
    (event) => {
      events.push(event);
      if (event.type === "session") id = event.session;
      if (event.type === "hostKey") sessions.get(id).answerHostKey(options.accept ?? true);
      on(event, id, controller);
    },
    controller.signal,
  );
  return { done, events };
}

/** Types `command` once the shell is up and resolves with the output once `marker` shows. */
function runCommand(port: number, command: string, marker: string, logFile?: string) {
  let output = "";
  const { done, events } = open(
    port,
    (event, id, controller) => {
      if (event.type === "ready") sessions.get(id).input(`${command}\n`);
      if (event.type === "data") {
        const bytes = Buffer.from(event.data, "base64");
        output += bytes.toString();
        sessions.get(id).ack(bytes.length);
        if (output.includes(marker)) controller.abort();
      }
    },
    logFile ? { logFile } : {},
  );
  return done.then(() => ({ output, events }));
}

test("a shell on a real ssh server: the unknown key is asked about once, then remembered", async () => {
  const sshd = await startTestSshd({ hostKey, clientPublicKey: client.public });
  servers.push(sshd);
  const first = await runCommand(sshd.port, "echo hello-$((40+2))-marker", "hello-42-marker");
  const question = first.events.find((e) => e.type === "hostKey");
  assert.deepEqual(question, {
    type: "hostKey",
    host: "127.0.0.1",
    port: sshd.port,
    keyType: "ssh-ed25519",
    fingerprint: fingerprint(hostKey.blob),
  });
  const log = join(dir, "session.log");
  const second = await runCommand(sshd.port, "echo again-$((1+1))", "again-2", log);
  assert.equal(
    second.events.find((e) => e.type === "hostKey"),
    undefined,
    "accepted keys are not asked again",
  );
  assert.match(readFileSync(log, "utf8"), /again-2/, "the session log has the output");
});

test("a rejected key and a changed key both refuse the connection; a change is never asked about", async () => {
  const other = generateKeyPair();
  const fresh = await startTestSshd({ hostKey: other, clientPublicKey: client.public });
  servers.push(fresh);
  const rejected = open(fresh.port, () => undefined, { accept: false });
  await assert.rejects(rejected.done, /was not accepted/);

  // The first test's server remembered hostKey for its port; a server there with another key is refused.
  const first = servers[0]!;
  const port = first.port;
  await first.close();
  const impostor = await startTestSshd({ hostKey: other, clientPublicKey: client.public, port });
  servers.push(impostor);
  const changed = open(port, () => undefined);
  await assert.rejects(changed.done, (error: Error) => {
    assert.match(error.message, /Host key changed for \[127\.0\.0\.1\]:\d+/);
    assert.ok(error.message.includes(fingerprint(hostKey.blob)), "names the expected fingerprint");
    assert.ok(error.message.includes(fingerprint(other.blob)), "names the presented fingerprint");
    return true;
  });
  assert.equal(
    changed.events.find((e) => e.type === "hostKey"),
    undefined,
  );
  assert.equal(impostor.shells, 0);
});

test("flow control: output stops at the unacked window and resumes on acks", async () => {
  const sshd = await startTestSshd({ hostKey, clientPublicKey: client.public });
  servers.push(sshd);
  const total = 4 * 1024 * 1024;
  let received = 0;
  let receivedAtPause = -1;
  let held = 0;
  await new Promise<void>((resolve, reject) => {
    const { done } = open(sshd.port, (event, id, controller) => {
      const session = sessions.get(id);
      if (event.type === "ready") session.input(`head -c ${total} /dev/zero; echo; echo flood-done\n`);
      if (event.type !== "data") return;
      const bytes = Buffer.from(event.data, "base64");
      received += bytes.length;
      if (receivedAtPause < 0) {
        // The renderer is "busy": no acks until the session pauses.
        held += bytes.length;
        if (session.isPaused) {
          receivedAtPause = received;
          setImmediate(() => session.ack(held));
        }
        return;
      }
      session.ack(bytes.length);
      if (bytes.toString().includes("flood-done")) {
        controller.abort();
        resolve();
      }
    });
    done.catch(reject);
  });
  assert.ok(receivedAtPause > 0 && receivedAtPause <= HIGH_WATER + 64 * 1024, `paused at ${receivedAtPause}`);
  assert.ok(received > total, "everything arrived after the acks");
});

test("through a jump host: both host keys are checked; resizes reach the remote pty", async () => {
  const windows: { cols: number; rows: number }[] = [];
  let sawResize: () => void = () => undefined;
  const resized = new Promise<void>((resolve) => {
    sawResize = resolve;
  });
  const target = await startTestSshd({
    hostKey: generateKeyPair(),
    clientPublicKey: client.public,
    onWindow: (size) => {
      windows.push(size);
      if (size.cols === 132) sawResize();
    },
  });
  const jumpKey = generateKeyPair();
  const jump = await startTestSshd({ hostKey: jumpKey, clientPublicKey: client.public });
  servers.push(target, jump);
  const questions: string[] = [];
  let output = "";
  const { done } = open(
    target.port,
    (event, id, controller) => {
      if (event.type === "hostKey") questions.push(`${event.port}`);
      if (event.type === "ready") {
        sessions.get(id).resize(132, 40);
        void resized.then(() => sessions.get(id).input("echo via-$((6*7))\n"));
      }
      if (event.type === "data") {
        output += Buffer.from(event.data, "base64").toString();
        if (output.includes("via-42")) controller.abort();
      }
    },
    { jump: { host: "127.0.0.1", port: jump.port, user: "ops" } },
  );
  await done;
  assert.deepEqual(questions, [`${jump.port}`, `${target.port}`], "the jump host first, then the node");
  assert.deepEqual(windows, [
    { cols: 80, rows: 24 },
    { cols: 132, rows: 40 },
  ]);
});

test("an encrypted key needs its passphrase; a wrong one is named as such", () => {
  const locked = generateKeyPair("correct horse");
  const key = Buffer.from(locked.private);
  assert.throws(() => unlockKey("k", key, undefined), new RegExp(NEEDS_PASSPHRASE));
  assert.throws(() => unlockKey("k", key, "wrong"), /passphrase for k is wrong/);
  assert.equal(unlockKey("k", key, "correct horse").passphrase, "correct horse");
});
