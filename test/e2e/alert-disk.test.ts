import assert from "node:assert/strict";
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  rmSync,
  statfsSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  defaultFakeState,
  withFakeNvidiaSmi,
  writeFakeState,
} from "@entrim/cluster-agent/test-support/fake-nvidia-smi.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { mountTmpfs, type Tmpfs } from "../faults/tmpfs.js";
import { type TestCluster, testCluster } from "./cluster.js";
import { makePki } from "./control.js";
import { type AgentProcess, removeDir, startAgent, tempDir } from "./support.js";

/**
 * Acceptance 2 (issue 17), live: an agent whose usage spool sits on a real 32 MiB tmpfs, with a fake
 * nvidia-smi and a fake kernel log. A file in the tmpfs grows step by step and the leader pages the
 * disk alert while the spool still has room (the time-to-full prediction, not the floor); removing the
 * file resolves it. An `NVRM: Xid` line appended to the kernel log pages the Xid alert for that GPU.
 */
const TMPFS_BYTES = 32 * 1024 * 1024;
const NODE = "disk-node-1";

interface Page {
  status: string;
  alerts: { labels: Record<string, string>; annotations: { summary: string } }[];
}

let cluster: TestCluster;
let receiver: Server;
let dataDir: string;
let spoolDir: string;
let kernelLog: string;
let tmpfs: Tmpfs | undefined;
let agent: AgentProcess | undefined;
const pages: Page[] = [];
const paged = (status: string, rule: string) =>
  pages.find((p) => p.status === status && p.alerts[0]?.labels.alertname === rule);

before(async () => {
  dataDir = tempDir("alert-disk");
  spoolDir = join(dataDir, "spool-tmpfs");
  mkdirSync(spoolDir);
  tmpfs = mountTmpfs(spoolDir, TMPFS_BYTES);
  // Not a skip: without it acceptance 2 goes untested and nobody notices.
  if (!tmpfs.mounted)
    throw new Error(`this test needs root to mount a tmpfs for the spool; mount refused: ${tmpfs.refusal}`);
  cluster = await testCluster();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      pages.push(JSON.parse(Buffer.concat(chunks).toString()) as Page);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const stateFile = join(dataDir, "gpus.json");
  writeFakeState(stateFile, defaultFakeState());
  kernelLog = join(dataDir, "kern.log");
  writeFileSync(kernelLog, "[    1.000] Linux version 6.1.0 (a boot line, no Xid)\n");
  makePki(dataDir, NODE, {});
  agent = await startAgent(
    dataDir,
    ["--node-name", NODE],
    {
      node: { heartbeatSeconds: 1 },
      telemetry: { kernelLog },
      metering: { spoolDir },
      alerting: {
        evaluateSeconds: 1,
        webhooks: [{ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` }],
        // The test's cadence: a disk sample per second, a trend over the last 10 s (30 min in production).
        diskTrendSeconds: 10,
      },
    },
    withFakeNvidiaSmi({}, stateFile),
  );
});

after(async () => {
  await agent?.stop();
  if (receiver) await new Promise((r) => receiver.close(r));
  await cluster?.stop();
  if (tmpfs?.mounted) tmpfs.unmount();
  removeDir(dataDir);
});

const freeShare = () => {
  const fs = statfsSync(spoolDir);
  return fs.bavail / fs.blocks;
};

test("a filling spool disk pages before it is full; freeing it resolves the alert", async () => {
  assert.equal(paged("firing", "disk-filling"), undefined, "a quiet disk pages nothing");
  const filler = join(spoolDir, "filler");
  const fd = openSync(filler, "w");
  const step = Buffer.alloc(512 * 1024, 1);
  let written = 0;
  // 2 MiB/s, stopping short of full: the alert must come from the prediction, not from a full disk.
  const grow = setInterval(() => {
    if (written < TMPFS_BYTES * 0.8) written += writeSync(fd, step);
  }, 250);
  let shareWhenPaged = 0;
  try {
    const page = await until("the webhook receives disk-filling", () => {
      const p = paged("firing", "disk-filling");
      if (p) shareWhenPaged = freeShare();
      return p;
    });
    clearInterval(grow);
    const alert = page.alerts[0]!;
    assert.equal(alert.labels.node, NODE);
    assert.equal(alert.labels.subject, spoolDir);
    assert.equal(alert.labels.severity, "warning");
    assert.match(alert.annotations.summary, /% free, full in about \d+ min/);
    assert.ok(
      shareWhenPaged > 0.05,
      `paged with ${(shareWhenPaged * 100).toFixed(1)}% free: before the floor`,
    );
  } finally {
    clearInterval(grow);
    closeSync(fd);
  }

  rmSync(filler);
  const resolved = await until("the webhook receives the resolution", () =>
    paged("resolved", "disk-filling"),
  );
  assert.equal(resolved.alerts[0]!.labels.subject, spoolDir);
});

test("an Xid in the kernel log pages the Xid alert for that GPU", async () => {
  assert.equal(paged("firing", "gpu-xid"), undefined, "no Xid before the line");
  // GPU 2 of the fake sits at bus 3a (nvidia-smi prints 00000000:3A:00.0); the line as the driver logs it.
  appendFileSync(
    kernelLog,
    "[ 6021.4410] NVRM: Xid (PCI:0000:3a:00): 79, pid=1234, name=python, GPU has fallen off the bus.\n",
  );
  const page = await until("the webhook receives gpu-xid", () => paged("firing", "gpu-xid"));
  const alert = page.alerts[0]!;
  assert.equal(alert.labels.node, NODE);
  assert.equal(alert.labels.subject, "2");
  assert.equal(alert.labels.severity, "critical");
  assert.match(alert.annotations.summary, new RegExp(`${NODE} GPU2: Xid errors rose to 1`));
});
