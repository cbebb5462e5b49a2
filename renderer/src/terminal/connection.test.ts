import assert from "node:assert/strict";
import { test } from "node:test";
import type { ConsoleApi } from "@entrim/electron/common";
import { createAppStore } from "../state/store.js";
import { NEEDS_PASSPHRASE, TerminalConnection, type TermLike } from "./connection.js";

/** A fake carrier recording calls; the test drives the one terminal stream. */
function setup() {
  const calls: { channel: string; request: Record<string, unknown> }[] = [];
  let on: { message(m: unknown): void; end(e?: string): void } | undefined;
  let opened: unknown;
  const api: ConsoleApi = {
    call: async (channel, request) => {
      calls.push({ channel: channel.id, request: request as Record<string, unknown> });
      return null as never;
    },
    stream: (_channel, request, handlers) => {
      opened = request;
      on = handlers as typeof on;
      return () => {
        on = undefined;
      };
    },
  };
  const writes: { bytes: Uint8Array; done(): void }[] = [];
  const term: TermLike = {
    cols: 100,
    rows: 30,
    write: (bytes, done) => writes.push({ bytes, done }),
    focus: () => undefined,
  };
  const store = createAppStore();
  const id = store.getState().openTerminal("gpu-1");
  const conn = new TerminalConnection(api, store, id, term);
  const tab = () => store.getState().terminals.find((t) => t.id === id)!;
  return {
    calls,
    emit: (m: unknown) => on!.message(m),
    end: (e?: string) => on!.end(e),
    opened: () => opened,
    writes,
    conn,
    tab,
  };
}

const session = "abcdefghijklmnopqrstuvwx";

test("host key question, ready, output acked only after xterm drew it", async () => {
  const t = setup();
  t.conn.open();
  assert.deepEqual(t.opened(), { node: "gpu-1", cols: 100, rows: 30 });
  t.emit({ type: "session", session });
  t.emit({ type: "hostKey", host: "10.0.0.5", port: 22, keyType: "ssh-ed25519", fingerprint: "SHA256:abc" });
  assert.equal(t.tab().status, "hostKey");
  assert.equal(t.tab().hostKey?.fingerprint, "SHA256:abc");
  t.conn.answerHostKey(true);
  assert.deepEqual(t.calls.at(-1), { channel: "terminal.hostKey", request: { session, accept: true } });
  t.emit({ type: "ready", target: "ops@10.0.0.5" });
  assert.equal(t.tab().status, "open");

  const big = Buffer.alloc(40 * 1024, 65).toString("base64");
  t.emit({ type: "data", data: big });
  assert.equal(t.writes[0]!.bytes.length, 40 * 1024);
  assert.equal(t.calls.filter((c) => c.channel === "terminal.ack").length, 0, "nothing acked before drawn");
  t.writes[0]!.done();
  assert.deepEqual(t.calls.at(-1), { channel: "terminal.ack", request: { session, bytes: 40 * 1024 } });

  t.conn.input("ls\r");
  assert.deepEqual(t.calls.at(-1), { channel: "terminal.input", request: { session, data: "ls\r" } });
  t.emit({ type: "exit", code: 0 });
  t.end();
  assert.equal(t.tab().status, "exited");
  assert.equal(t.tab().message, "exited with 0");
});

test("an encrypted key asks for the passphrase; reopening sends it", () => {
  const t = setup();
  t.conn.open();
  t.end(`The ssh key k is encrypted: the terminal ${NEEDS_PASSPHRASE}.`);
  assert.equal(t.tab().status, "failed");
  assert.equal(t.tab().needsPassphrase, true);
  t.conn.open("secret");
  assert.deepEqual(t.opened(), { node: "gpu-1", cols: 100, rows: 30, passphrase: "secret" });
  assert.equal(t.tab().needsPassphrase, false);
});

test("tabs: several per node, closing the active one shows its neighbour", () => {
  const store = createAppStore();
  const a = store.getState().openTerminal("n1");
  const b = store.getState().openTerminal("n1");
  const c = store.getState().openTerminal("n2");
  assert.equal(store.getState().view, "terminals");
  store.getState().setActiveTerminal(b);
  store.getState().closeTerminal(b);
  assert.equal(store.getState().activeTerminal, c);
  store.getState().closeTerminal(c);
  assert.equal(store.getState().activeTerminal, a);
});
