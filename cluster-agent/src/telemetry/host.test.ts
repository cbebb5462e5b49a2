import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { withFakeNvidiaSmi } from "../test-support/fake-nvidia-smi.js";
import { cpuLoad, HostSampler, mountOf, parseDiskstats, parseMounts, parseNetDev } from "./host.js";
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

const NET_DEV = (rx: number, tx: number) =>
  "Inter-|   Receive                                                |  Transmit\n" +
  " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n" +
  "    lo: 999999    100    0    0    0     0          0         0   999999     100    0    0    0     0       0          0\n" +
  `  eth0: ${rx}    10    0    0    0     0          0         0   ${tx}     10    0    0    0     0       0          0\n` +
  "  eth1: 1000    10    0    0    0     0          0         0   500     10    0    0    0     0       0          0\n";

test("network throughput is every interface but loopback, as a rate between two samples", async () => {
  assert.deepEqual(parseNetDev(NET_DEV(4000, 2000)), { rx: 5000, tx: 2500 });
  const file = join(dir, "net-dev");
  let now = 0;
  const host = new HostSampler({ paths: [], netDevFile: file, now: () => now });
  writeFileSync(file, NET_DEV(4000, 2000));
  assert.equal((await host.sample()).networkRxBytesPerSecond, undefined);
  writeFileSync(file, NET_DEV(4000 + 20_000, 2000 + 4000));
  now = 2000;
  const second = await host.sample();
  assert.equal(second.networkRxBytesPerSecond, 10_000);
  assert.equal(second.networkTxBytesPerSecond, 2000);
});

test("CPU load is the busy share of each core's time since the last sample", () => {
  const before = [
    { busy: 100, total: 200 },
    { busy: 50, total: 1000 },
  ];
  const after = [
    { busy: 175, total: 300 },
    { busy: 50, total: 1100 },
  ];
  assert.deepEqual(cpuLoad(before, after), { cores: [75, 0], total: 37.5 });
});
