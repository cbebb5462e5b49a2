import { join } from "node:path";
import type pg from "pg";
import { makePki, type Pki } from "../e2e/control.js";
import { type AgentProcess, cli, removeDir, startAgent, tempDir } from "../e2e/support.js";
import type { PacedLoad } from "./paced.js";
import { agentStore } from "./raw-http.js";
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

/** The model name the tiny-model scenarios serve. */
export const TINY_MODEL = "tiny";

/** An agent in `dataDir` serving the project's tiny model as `tiny` on one thread, with `config`. */
export function startTinyAgent(dataDir: string, config: unknown): Promise<AgentProcess> {
  const modelPath = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", modelPath);
  return startAgent(dataDir, ["--model", `${TINY_MODEL}=${modelPath}`, "--threads", "1"], config);
}

/** A tiny-model agent of its own (its embedded store) and a client of that store, for an attack scenario. */
export interface TinyNode {
  readonly dataDir: string;
  readonly agent: AgentProcess;
  readonly db: pg.Client;
  stop(): Promise<void>;
}

export async function tinyNode(prefix: string, config: unknown): Promise<TinyNode> {
  const dataDir = tempDir(prefix);
  const agent = await startTinyAgent(dataDir, config);
  const db = await agentStore(dataDir);
  return {
    dataDir,
    agent,
    db,
    async stop() {
      await db.end();
      await agent.stop();
      removeDir(dataDir);
    },
  };
}
