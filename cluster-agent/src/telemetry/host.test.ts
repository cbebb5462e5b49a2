import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { withFakeNvidiaSmi } from "../test-support/fake-nvidia-smi.js";
import { HostSampler, mountOf, parseDiskstats, parseMounts } from "./host.js";
import { GpuSampler } from "./nvidia-smi.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-host-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("mounts and block device counters parse as Linux writes them", () => {
  const mounts = parseMounts(
    "/dev/nvme0n1p2 / ext4 rw 0 0\n/dev/nvme1n1 /var/lib/entrim xfs rw 0 0\ntmpfs /var/lib/entrim/spool\\040x tmpfs rw 0 0\n",
  );
  assert.deepEqual(mountOf("/var/lib/entrim/artifacts", mounts), {
    device: "/dev/nvme1n1",
    mount: "/var/lib/entrim",
  });
  assert.deepEqual(mountOf("/var/lib/entrim/spool x/seg", mounts)?.device, "tmpfs");
  assert.deepEqual(mountOf("/var/lib/entrimx", mounts)?.mount, "/");
  const stats = parseDiskstats(" 259       0 nvme0n1 100 0 2048 5 300 0 4096 7 0 10 12 0 0 0 0\n");
  assert.deepEqual(stats.get("nvme0n1"), [2048, 4096]);
});

test("a host sample has every CPU, the memory, one entry per filesystem with its roles, and versions", async () => {
  const data = join(dir, "data");
  let now = 0;
  const host = new HostSampler({
    paths: [
      { role: "data", path: data },
      // Not made yet: reported through the filesystem that will hold it.
      { role: "cache", path: join(data, "artifacts") },
      ...(existsSync("/dev/shm") ? [{ role: "spool" as const, path: "/dev/shm" }] : []),
    ],
    driverVersion: () => new GpuSampler({ env: withFakeNvidiaSmi() }).driverVersion(),
    now: () => now,
  });
  const first = await host.sample();
  assert.equal(first.error, "");
  assert.equal(first.cpuLoadPercent?.length, cpus().length);
  assert.equal(first.memoryTotalBytes, totalmem());
  assert.ok(Number(first.memoryAvailableBytes) > 0 && Number(first.memoryUsedBytes) > 0);
  assert.ok(Number(first.memoryUsedBytes) + Number(first.memoryAvailableBytes) === totalmem());
  assert.equal(first.driverVersion, "550.54.15", "from nvidia-smi");
  assert.match(first.kernelVersion ?? "", /^\d+\.\d+/);
  assert.ok(Number(first.uptimeSeconds) > 0);
  assert.equal(first.networkRxBytesPerSecond, undefined, "no rate before a second sample");

  const disk = first.filesystems?.find((f) => f.roles?.includes("data"));
  assert.deepEqual(disk?.roles, ["data", "cache"], "one filesystem, both roles");
  assert.ok(Number(disk?.sizeBytes) > 0 && Number(disk?.freeBytes) <= Number(disk?.sizeBytes));
  if (existsSync("/dev/shm")) {
    const spool = first.filesystems?.find((f) => f.roles?.includes("spool"));
    assert.equal(spool?.mount, "/dev/shm");
    assert.equal(spool?.readBytesPerSecond, undefined, "tmpfs has no block IO");
  }

  now = 1000;
  const second = await host.sample();
  assert.ok(Number(second.networkRxBytesPerSecond) >= 0, "a rate once there are two samples");
  assert.ok(Number(second.networkTxBytesPerSecond) >= 0);
});
