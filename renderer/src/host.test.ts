import assert from "node:assert/strict";
import { test } from "node:test";
import type { NodeSnapshot } from "@entrim/electron/common";
import { cpuFraction, diskSeverity, fullestDisk, memoryFraction, rate, uptime } from "./host.js";
import { snap } from "./test-support/snapshots.js";

const GIB = 2 ** 30;
const host = (overrides: Partial<NonNullable<NodeSnapshot["host"]>> = {}): NodeSnapshot["host"] => ({
  cpuLoadPercent: [10, 90],
  cpuLoadTotalPercent: 50,
  memoryTotalBytes: 512 * GIB,
  memoryUsedBytes: 128 * GIB,
  memoryAvailableBytes: 384 * GIB,
  filesystems: [
    {
      mount: "/",
      device: "/dev/nvme0n1p2",
      roles: ["data", "cache"],
      sizeBytes: 100 * GIB,
      usedBytes: 40 * GIB,
      freeBytes: 60 * GIB,
    },
    {
      mount: "/spool",
      device: "tmpfs",
      roles: ["spool"],
      sizeBytes: 10 * GIB,
      usedBytes: 9.6 * GIB,
      freeBytes: 0.4 * GIB,
    },
  ],
  uptimeSeconds: 90_000,
  kernelVersion: "6.1.0-18-amd64",
  driverVersion: "550.54.15",
  error: "",
  kernelLog: "/dev/kmsg",
  ...overrides,
});

test("fleet columns: CPU, memory and the fullest disk; no host data is unknown, not 0", () => {
  const s = snap("a", { host: host() });
  assert.equal(cpuFraction(s), 0.5);
  assert.equal(memoryFraction(s), 0.25);
  const fullest = fullestDisk(s)!;
  assert.equal(fullest.mount, "/spool", "the spool's tmpfs is fuller than the data disk");
  assert.equal(diskSeverity(1 - fullest.freeBytes / fullest.sizeBytes), "bad");
  assert.equal(diskSeverity(0.4), "ok");
  assert.ok(Number.isNaN(cpuFraction(snap("old"))));
  assert.ok(Number.isNaN(memoryFraction(snap("old"))));
  assert.equal(fullestDisk(snap("old")), undefined);
});

test("uptime and rates read as an operator says them", () => {
  assert.equal(uptime(90_000), "1d 1h");
  assert.equal(uptime(3_900), "1h 5m");
  assert.equal(uptime(0), "–");
  assert.equal(rate(512), "512 B/s");
  assert.equal(rate(1.5 * 1024 * 1024), "1.5 MiB/s");
  assert.equal(rate(undefined), "–");
});
