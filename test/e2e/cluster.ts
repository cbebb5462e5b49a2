import { randomBytes } from "node:crypto";
import { setEnv } from "@entrim/cluster-agent/test-support/env.js";
import { startTestPostgres, type TestPostgres } from "@entrim/cluster-agent/test-support/postgres.js";
import { cli, startAgent } from "./support.js";

/**
 * One cluster for an end-to-end or fault test: its PostgreSQL, and the environment every agent and
 * CLI of a cluster shares (`DATABASE_URL`, the `ENTRIM_KEY_PEPPER` keys are hashed with). Agents and
 * CLI runs inherit that environment; `stop()` stops the store and puts the environment back.
 */
export interface TestCluster {
  readonly store: TestPostgres;
  readonly env: { readonly DATABASE_URL: string; readonly ENTRIM_KEY_PEPPER: string };
  readonly cli: typeof cli;
  readonly startAgent: typeof startAgent;
  stop(): Promise<void>;
}

export interface TestClusterOptions {
  /** More of the environment to set for the test (`undefined` removes a variable), restored by stop(). */
  env?: Record<string, string | undefined>;
}

export async function testCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const store = await startTestPostgres();
  const env = { DATABASE_URL: store.url, ENTRIM_KEY_PEPPER: randomBytes(32).toString("base64") };
  const restore = setEnv({ ...env, ...options.env });
  return {
    store,
    env,
    cli,
    startAgent,
    async stop() {
      try {
        await store.stop();
      } finally {
        restore();
      }
    },
  };
}
