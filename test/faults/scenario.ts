import { makePki, type Pki } from "../e2e/control.js";
import { type AgentProcess, removeDir, tempDir } from "../e2e/support.js";
import type { PacedLoad } from "./paced.js";
import { UsageStore } from "./store.js";

/**
 * The set-up the single-node fault scenarios share: the node's data directory with its certificates
 * and a viewer (vera) to watch it through the control plane, the usage table as the verdict reads it,
 * and the loads the scenario starts.
 */
export interface FaultNode {
  readonly dataDir: string;
  readonly pki: Pki;
  readonly usage: UsageStore;
  readonly loads: PacedLoad[];
  /** Ends the loads, then the agent, then the usage reader, and removes the data directory. */
  stop(agent: AgentProcess | undefined): Promise<void>;
}

export function faultNode(prefix: string, node: string, databaseUrl: string): FaultNode {
  const dataDir = tempDir(prefix);
  const pki = makePki(dataDir, node, { vera: "viewer" });
  const usage = new UsageStore(databaseUrl);
  const loads: PacedLoad[] = [];
  return {
    dataDir,
    pki,
    usage,
    loads,
    async stop(agent) {
      // A failed assertion leaves the load running; it must end before the agent does.
      for (const load of loads) await load.stop();
      await agent?.stop();
      await usage.close();
      removeDir(dataDir);
    },
  };
}
