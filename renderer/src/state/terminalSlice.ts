// Terminal tabs: which exist, which shows, and each one's connection state (the bytes themselves live in
// xterm, never in the store: a flood of output must not re-render React).
import type { StateCreator } from "zustand";
import type { AppState } from "./store.js";

export interface HostKeyQuestion {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

export interface TerminalTab {
  id: string;
  node: string;
  status: "connecting" | "hostKey" | "open" | "exited" | "failed";
  /** user@host once open; the error or exit status after. */
  message?: string;
  hostKey?: HostKeyQuestion;
  /** The key is encrypted and the Node side has no passphrase for it. */
  needsPassphrase?: boolean;
  /** Asked the Node side to log this tab's output. */
  log?: boolean;
  /** Where the Node side logs it (it picks the file; known once the session is ready). */
  logFile?: string;
}

export interface TerminalSlice {
  terminals: TerminalTab[];
  activeTerminal: string | undefined;
  /** Log the output of tabs opened next (into a file the Node side picks, in its session-logs folder). */
  terminalLog: boolean;
  openTerminal(node: string): string;
  closeTerminal(id: string): void;
  setActiveTerminal(id: string): void;
  updateTerminal(id: string, patch: Partial<Omit<TerminalTab, "id" | "node">>): void;
  setTerminalLog(on: boolean): void;
}

let nextTab = 1;

export const createTerminalSlice: StateCreator<AppState, [], [], TerminalSlice> = (set, get) => ({
  terminals: [],
  activeTerminal: undefined,
  terminalLog: false,
  openTerminal: (node) => {
    const id = `t${nextTab++}`;
    const tab: TerminalTab = { id, node, status: "connecting", ...(get().terminalLog && { log: true }) };
    set((s) => ({ terminals: [...s.terminals, tab], activeTerminal: id, view: "terminals" }));
    return id;
  },
  closeTerminal: (id) =>
    set((s) => {
      const index = s.terminals.findIndex((t) => t.id === id);
      const terminals = s.terminals.filter((t) => t.id !== id);
      const neighbour = terminals[Math.min(index, terminals.length - 1)];
      return {
        terminals,
        activeTerminal: s.activeTerminal === id ? neighbour?.id : s.activeTerminal,
      };
    }),
  setActiveTerminal: (id) => set({ activeTerminal: id, view: "terminals" }),
  updateTerminal: (id, patch) =>
    set((s) => ({ terminals: s.terminals.map((t) => (t.id === id ? { ...t, ...patch } : t)) })),
  setTerminalLog: (terminalLog) => set({ terminalLog }),
});
