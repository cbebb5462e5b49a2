import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { readPostmaster } from "@entrim/cluster-agent/dist/store/embedded-files.js";
import { isProcessAlive } from "@entrim/cluster-agent/dist/store/file-lock.js";
import { openStore } from "@entrim/cluster-agent/dist/store/store.js";
import { processGroupOf } from "@entrim/cluster-agent/test-support/process-group.js";
import { removeDir, startAgent, tempDir } from "./support.js";

/**
 * Ctrl+C in the terminal that runs `entrim-agent serve` (or `npm start`) sends SIGINT to the whole
 * foreground process group. The embedded PostgreSQL must not be in that group: it would stop at once,
 * cutting the agent's connections while the agent still stops (each loss logged as a warning) and
 * losing what the agent writes last, such as its node's "stopped" state in the registry.
 */
test("Ctrl+C (SIGINT to the agent's process group) stops the agent first, then its embedded PostgreSQL", async () => {
  const dataDir = tempDir("ctrl-c");
  try {
    const agent = await startAgent(dataDir, [], undefined, {}, { ownProcessGroup: true });
    const pid = agent.process.pid as number;
    const pgdata = join(dataDir, "postgres", "pgdata");
    const server = await readPostmaster(pgdata);
    assert.ok(server?.alive, "the agent started its embedded PostgreSQL");
    assert.equal(processGroupOf(pid), pid, "the agent leads its group, as a shell's job does");
    assert.notEqual(processGroupOf(server.pid), pid, "the server is not in the agent's group");

    const exited = new Promise<number | null>((resolve) => agent.process.once("close", resolve));
    process.kill(-pid, "SIGINT"); // what the terminal does on Ctrl+C
    assert.equal(await exited, 0, agent.log());

    const log = agent.log();
    const shutdown = log.slice(log.indexOf('"msg":"shutting down"'));
    const warnings = shutdown
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((line) => line.level >= 40)
      .map((line) => line.msg);
    assert.deepEqual(warnings, [], `no warnings or errors while stopping:\n${shutdown}`);
    // Both, in either order: pino writes asynchronously, and under load these two lines, logged a
    // fraction of a millisecond apart in this order, have landed swapped (even with the log flushed
    // before the exit). The order of the stops shows in the registry below.
    assert.match(shutdown, /"msg":"embedded PostgreSQL stopped"/);
    assert.match(shutdown, /"msg":"agent stopped"/);
    assert.equal(isProcessAlive(server.pid), false, "the server stopped with the agent");

    // The agent's last write reached the store: its node is registered as stopped, not as serving.
    const store = await openStore({ dataDir, migrate: false });
    try {
      const { rows } = await store.pool.query<{ state: string }>("SELECT state FROM nodes");
      assert.deepEqual(
        rows.map((row) => row.state),
        ["stopped"],
      );
    } finally {
      await store.close();
    }
  } finally {
    removeDir(dataDir);
  }
});
