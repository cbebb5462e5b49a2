// The terminals: a tab per ssh session (xterm.js), kept mounted while other views show so sessions and
// their scrollback survive switching views. Keys typed in a terminal go to the shell only: the console's
// shortcuts (even Esc and Ctrl+K, which shells and editors use) are not taken from it.
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { useEffect, useRef, useState } from "react";
import type { TerminalTab } from "../state/terminalSlice.js";
import { TerminalConnection } from "../terminal/connection.js";
import { useApp, useAppState } from "./context.js";

export function TerminalsView({ hidden }: { hidden: boolean }) {
  const { store } = useApp();
  const terminals = useAppState((s) => s.terminals);
  const active = useAppState((s) => s.activeTerminal);
  const log = useAppState((s) => s.terminalLog);
  return (
    <section className="terminals" hidden={hidden} aria-label="Terminals">
      <div className="terminal-tabs" role="tablist">
        {terminals.map((t) => (
          <span
            key={t.id}
            className={t.id === active ? "tab active" : "tab"}
            data-node={t.node}
            data-status={t.status}
          >
            {/* The tab is the name's button (focusable, a click selects it); its close button sits beside it. */}
            <button
              type="button"
              role="tab"
              aria-selected={t.id === active}
              className="tab-name"
              onClick={() => store.getState().setActiveTerminal(t.id)}
            >
              {t.node}
            </button>
            <button
              type="button"
              className="tab-close"
              aria-label={`Close terminal ${t.node}`}
              onClick={() => store.getState().closeTerminal(t.id)}
            >
              ×
            </button>
          </span>
        ))}
        <span className="spacer" />
        <label
          className="log-file"
          title="Output of terminals opened next is written to a new file in the console's session-logs folder"
        >
          <input
            type="checkbox"
            name="terminal-log"
            checked={log}
            onChange={(e) => store.getState().setTerminalLog(e.target.checked)}
          />{" "}
          log sessions
        </label>
      </div>
      {terminals.length === 0 && (
        <p className="muted">No terminals. Open one from a node (t, or "Open terminal" in the node view).</p>
      )}
      {terminals.map((t) => (
        <TerminalPane key={t.id} tab={t} visible={!hidden && t.id === active} />
      ))}
    </section>
  );
}

function TerminalPane({ tab, visible }: { tab: TerminalTab; visible: boolean }) {
  const { controller, store } = useApp();
  const host = useRef<HTMLDivElement>(null);
  const connection = useRef<TerminalConnection | undefined>(undefined);
  const fit = useRef<FitAddon | undefined>(undefined);

  useEffect(() => {
    const term = new Terminal({
      cursorBlink: true,
      fontSize: 13,
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      scrollback: 5000,
      theme: { background: "#0d1117" },
    });
    const fitAddon = new FitAddon();
    term.loadAddon(fitAddon);
    term.open(host.current!);
    fit.current = fitAddon;
    const conn = new TerminalConnection(controller.api, store, tab.id, term);
    connection.current = conn;
    // Copy and paste with the clipboard: Ctrl+Shift+C/V (Ctrl+C stays the shell's interrupt).
    term.attachCustomKeyEventHandler((event) => {
      if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === "KeyC") {
        const selection = term.getSelection();
        if (selection)
          void navigator.clipboard?.writeText(selection).catch(() => document.execCommand("copy"));
        event.preventDefault();
        return false;
      }
      if (event.code === "KeyV") {
        event.preventDefault();
        void navigator.clipboard
          ?.readText()
          .then((text) => term.paste(text))
          .catch(() =>
            store
              .getState()
              .notify("error", "Paste: the clipboard cannot be read here; use the context menu."),
          );
        return false;
      }
      return true;
    });
    const input = term.onData((data) => conn.input(data));
    const resize = term.onResize(({ cols, rows }) => conn.resize(cols, rows));
    fitAddon.fit();
    conn.open();
    const observer = new ResizeObserver(() => {
      // A hidden pane measures 0×0; fitting it would shrink the remote pty to nothing.
      if (host.current?.offsetParent) fitAddon.fit();
    });
    observer.observe(host.current!);
    return () => {
      observer.disconnect();
      input.dispose();
      resize.dispose();
      conn.close();
      term.dispose();
      connection.current = undefined;
    };
  }, [controller, store, tab.id]);

  useEffect(() => {
    if (visible) fit.current?.fit();
  }, [visible]);

  return (
    <div
      className="terminal-pane"
      hidden={!visible}
      data-terminal={tab.id}
      data-node={tab.node}
      data-status={tab.status}
    >
      <div className="terminal-status">
        <span className={`badge status-${tab.status}`}>{tab.status}</span> {tab.message}
        {tab.logFile && <span className="muted"> · logging to {tab.logFile}</span>}
        {(tab.status === "failed" || tab.status === "exited") && !tab.needsPassphrase && (
          <button type="button" onClick={() => connection.current?.open()}>
            Reconnect
          </button>
        )}
      </div>
      {tab.needsPassphrase && <PassphraseForm onSubmit={(p) => connection.current?.open(p)} />}
      <div className="terminal-host" ref={host} />
      {tab.hostKey && (
        <div className="overlay">
          <div className="dialog" role="dialog" aria-label="Unknown host key">
            <h2>Unknown host key</h2>
            <p>
              <b>
                {tab.hostKey.port === 22 ? tab.hostKey.host : `[${tab.hostKey.host}]:${tab.hostKey.port}`}
              </b>{" "}
              ({tab.node}) is not in <code>~/.ssh/known_hosts</code> nor in the console's known hosts. Check
              its fingerprint out of band before accepting.
            </p>
            <p>
              {tab.hostKey.keyType} <code data-testid="host-key-fingerprint">{tab.hostKey.fingerprint}</code>
            </p>
            <div className="buttons">
              <button type="button" onClick={() => connection.current?.answerHostKey(false)}>
                Reject
              </button>
              <button
                type="button"
                className="primary"
                onClick={() => connection.current?.answerHostKey(true)}
              >
                Accept and remember
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

function PassphraseForm({ onSubmit }: { onSubmit(passphrase: string): void }) {
  const [value, setValue] = useState("");
  return (
    <form
      className="passphrase"
      onSubmit={(e) => {
        e.preventDefault();
        if (value) onSubmit(value);
        setValue("");
      }}
    >
      <label>
        Key passphrase{" "}
        <input
          type="password"
          name="passphrase"
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
      <button type="submit">Unlock and connect</button>
    </form>
  );
}
