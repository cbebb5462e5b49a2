import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "../common/ports.js";
import { type ExitInfo, Supervisor, type SupervisorState } from "./supervisor.js";

const upstreamMain = fileURLToPath(new URL("../test-support/upstream-main.js", import.meta.url));

function nextState(s: Supervisor, wanted: SupervisorState): Promise<void> {
  return new Promise((resolve) => {
    const on = (state: SupervisorState) => {
      if (state !== wanted) return;
      s.off("state", on);
      resolve();
    };
    s.on("state", on);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("Supervisor", () => {
  it("restarts the engine after it is killed, and health returns", async () => {
    const port = await freeLoopbackPort();
    const healthUrl = `http://127.0.0.1:${port}/health`;
    const s = new Supervisor({
      command: [process.execPath, upstreamMain, "--port", String(port)],
      healthUrl,
      startTimeoutMs: 30_000,
      healthIntervalMs: 50,
      backoffInitialMs: 20,
    });
    try {
      await s.start();
      assert.equal(s.state, "healthy");
      const first = s.pid!;
      const seen: SupervisorState[] = [];
      s.on("state", (state) => seen.push(state));
      const exited = once(s, "exit") as Promise<[ExitInfo]>;
      const healthyAgain = nextState(s, "healthy");
      process.kill(first, "SIGKILL");
      const [info] = await exited;
      assert.equal(info.signal, "SIGKILL");
      await healthyAgain;
      assert.deepEqual(seen, ["restarting", "starting", "healthy"]);
      assert.notEqual(s.pid, first);
      assert.equal(s.restarts, 1);
      assert.equal((await fetch(healthUrl)).status, 200);
    } finally {
      await s.stop();
    }
  });

  it("stops the engine with SIGTERM and lets it exit cleanly", async () => {
    const port = await freeLoopbackPort();
    const s = new Supervisor({
      command: [process.execPath, upstreamMain, "--port", String(port)],
      healthUrl: `http://127.0.0.1:${port}/health`,
      startTimeoutMs: 30_000,
      healthIntervalMs: 50,
    });
    await s.start();
    const pid = s.pid!;
    const exited = once(s, "exit") as Promise<[ExitInfo]>;
    await s.stop();
    const [info] = await exited;
    assert.equal(info.code, 0);
    assert.equal(s.state, "stopped");
    assert.equal(alive(pid), false);
  });

  it("fails without retrying when the command cannot be started", async () => {
    const s = new Supervisor({
      command: ["/nonexistent/entrim-engine"],
      healthUrl: "http://127.0.0.1:1/health",
      startTimeoutMs: 1_000,
    });
    await assert.rejects(s.start(), /failed: ENOENT/);
    assert.equal(s.state, "failed");
  });

  it("gives up after repeated starts that never become healthy", async () => {
    const port = await freeLoopbackPort();
    const s = new Supervisor({
      // Runs but never listens: a hung engine load.
      command: [process.execPath, "-e", "setInterval(() => {}, 1000)"],
      healthUrl: `http://127.0.0.1:${port}/health`,
      startTimeoutMs: 200,
      healthIntervalMs: 50,
      backoffInitialMs: 10,
      maxFailures: 2,
    });
    await assert.rejects(s.start(), /failed/);
    assert.equal(s.state, "failed");
    assert.equal(s.restarts, 1);
  });
});
