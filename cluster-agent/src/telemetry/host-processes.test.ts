import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { release, tmpdir } from "node:os";
import { test } from "node:test";

// Watched before systeminformation is loaded (below, by the dynamic import): it keeps its own
// references to these functions from its first load.
const childProcess = createRequire(import.meta.url)("node:child_process") as Record<string, unknown>;
const started: string[] = [];
for (const name of ["exec", "execSync", "execFile", "execFileSync", "spawn", "spawnSync", "fork"]) {
  const original = childProcess[name] as (...args: unknown[]) => unknown;
  childProcess[name] = (...args: unknown[]) => {
    started.push(`${name} ${String(args[0]).slice(0, 60)}`);
    return original(...args);
  };
}

test("host samples start no process: a synchronous one stalls the event loop, and so every request", async () => {
  const { HostSampler } = await import("./host.js");
  const host = new HostSampler({ paths: [{ role: "data", path: tmpdir() }] });
  const first = await host.sample();
  const second = await host.sample();
  assert.equal(first.error, "");
  assert.equal(first.kernelVersion, release(), "the kernel, as uname -r says it");
  assert.equal(second.kernelVersion, release());
  assert.ok(Number(first.memoryTotalBytes) > 0);
  assert.deepEqual(started, [], "no process was started");
});
