import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  defaultFakeState,
  withFakeNvidiaSmi,
  writeFakeState,
} from "@entrim/cluster-agent/test-support/fake-nvidia-smi.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import type { NodeSnapshot__Output } from "@entrim/proto";
import OpenAI from "openai";
import { type TestCluster, testCluster } from "./cluster.js";
import { type Clients, call, connect, makePki, tlsFor } from "./control.js";
import { type AgentProcess, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * What an operator watches: an agent on a node with eight GPUs (a fake nvidia-smi on PATH that prints
 * the real tool's output, so the real parsing path runs), streamed at 1 Hz over the control plane and
 * scraped from /metrics.
 */
let cluster: TestCluster;
let dataDir: string;
let stateFile: string;
let kernelLog: string;
let agent: AgentProcess;
let vera: Clients;
const MIB = 1024 * 1024;

before(async () => {
  cluster = await testCluster();
  dataDir = tempDir("telemetry");
  stateFile = join(dataDir, "gpus.json");
  writeFakeState(stateFile, defaultFakeState());
  // The kernel log as a log daemon writes it (kern.log), with an Xid from before the agent started.
  kernelLog = join(dataDir, "kern.log");
  writeFileSync(
    kernelLog,
    "[    5.120] NVRM: Xid (PCI:0000:18:00): 31, pid=1, name=old, before this agent\n",
  );
  const pki = makePki(dataDir, "gpu-node-1", { vera: "viewer" });
  agent = await startAgent(
    dataDir,
    ["--node-name", "gpu-node-1"],
    { telemetry: { kernelLog } },
    withFakeNvidiaSmi({}, stateFile),
  );
  vera = connect(agent.control!, tlsFor(pki.operators.vera!));
});

after(async () => {
  vera?.close();
  await agent?.stop();
  await cluster?.stop();
  removeDir(dataDir);
});

/** Reads `count` snapshots from WatchStatus, calling `between` after each. */
async function watch(
  count: number,
  between: (s: NodeSnapshot__Output, i: number) => void = () => {},
): Promise<NodeSnapshot__Output[]> {
  const stream = vera.NodeService.WatchStatus({ intervalMs: 1000 });
  const got: NodeSnapshot__Output[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (s: NodeSnapshot__Output) => {
      got.push(s);
      between(s, got.length - 1);
      if (got.length === count) {
        stream.cancel();
        resolve();
      }
    });
    stream.on("error", (error: { code?: number }) => (error.code === 1 ? resolve() : reject(error)));
  });
  return got;
}

test("a 1 Hz snapshot stream carries the exact values nvidia-smi printed, for all eight GPUs", async () => {
  const state = defaultFakeState();
  const snapshots = await watch(3, (_s, i) => {
    // Between the first and second snapshot GPU 2 heats up: the next sample must show it.
    if (i === 0) {
      state.gpus[2]!["temperature.gpu"] = "86";
      writeFakeState(stateFile, state);
    }
  });
  for (let i = 1; i < snapshots.length; i++) {
    assert.ok(snapshots[i]!.takenAtMs > snapshots[i - 1]!.takenAtMs, "each message is a new sample");
    // Only a lower bound: a loaded machine may deliver late, never early.
    assert.ok(snapshots[i]!.takenAtMs - snapshots[i - 1]!.takenAtMs >= 500, "about one a second");
  }
  const first = snapshots[0]!;
  assert.equal(first.node, "gpu-node-1");
  assert.equal(first.gpuSource, "nvidia-smi");
  assert.equal(first.gpuError, "");
  assert.equal(first.gpus.length, 8);
  const expected = defaultFakeState().gpus;
  for (const [i, gpu] of first.gpus.entries()) {
    const raw = expected[i]!;
    assert.equal(gpu.index, i);
    assert.equal(gpu.uuid, raw.uuid);
    assert.equal(gpu.name, "NVIDIA H100 80GB HBM3");
    assert.equal(gpu.pciBusId, raw["pci.bus_id"]);
    assert.equal(gpu.utilizationPercent, 90 + i);
    assert.equal(gpu.memoryUtilizationPercent, 40 + i);
    assert.equal(gpu.memoryUsedBytes, (70_000 + i * 100) * MIB);
    assert.equal(gpu.memoryTotalBytes, 81_559 * MIB);
    assert.equal(gpu.temperatureCelsius, 50 + i);
    assert.equal(gpu.memoryTemperatureCelsius, 60 + i);
    assert.equal(gpu.powerDrawWatts, 600 + i + 0.25);
    assert.equal(gpu.powerLimitWatts, 700);
    assert.equal(gpu.smClockMhz, 1980);
    assert.equal(gpu.performanceState, "P0");
    assert.equal(gpu.eccCorrectedErrors, i === 3 ? 2 : 0);
    assert.equal(gpu.eccUncorrectedErrors, 0);
    // "[N/A]" is not zero: the field is absent.
    if (i === 5) assert.equal(gpu.fanSpeedPercent, undefined);
    else assert.equal(gpu.fanSpeedPercent, 30 + i);
  }
  assert.deepEqual(
    first.gpuProcesses.map((p) => [p.gpuUuid, p.pid, p.processName, p.usedMemoryBytes]),
    [
      [expected[0]!.uuid, 4242, "/usr/bin/python3", 69_800 * MIB],
      [expected[1]!.uuid, 4243, "/usr/bin/python3", 69_900 * MIB],
      [expected[4]!.uuid, 5150, "llama-server", undefined],
    ],
  );
  assert.equal(snapshots.at(-1)!.gpus[2]!.temperatureCelsius, 86, "the change reached the stream");
});

test("traffic, models, store and spool are in the snapshot and on /metrics, without customer labels", async () => {
  const customer = createAccountWithKey(dataDir, "Telemetry customer");
  const openai = new OpenAI({ apiKey: customer.token, baseURL: agent.baseURL, maxRetries: 0 });
  for (let i = 0; i < 3; i++) {
    await openai.chat.completions.create({
      model: "entrim-tiny",
      messages: [{ role: "user", content: `count ${i}` }],
      max_tokens: 4,
    });
  }
  // The first message is the sample already taken; the second is sampled after the requests.
  const [, snapshot] = await watch(2);
  assert.equal(snapshot!.traffic?.requestsTotal, 3);
  assert.ok((snapshot!.traffic?.completionTokensTotal ?? 0) > 0);
  assert.equal(snapshot!.models[0]?.id, "entrim-tiny");
  assert.equal(snapshot!.models[0]?.loaded, true);
  assert.equal(snapshot!.store?.connected, true);
  assert.equal(snapshot!.spool?.alarm, false);
  assert.equal(snapshot!.state, "NODE_STATE_SERVING");

  const text = await (await fetch(`${agent.metrics}/metrics`)).text();
  assert.match(text, /^entrim_gpu_temperature_celsius\{[^}]*gpu="2"[^}]*\} \d+/m);
  assert.match(text, /^entrim_gpus(\{[^}]*\})? 8$/m);
  assert.match(text, /^entrim_requests_total(\{[^}]*\})? 3$/m);
  assert.ok(!text.includes(customer.accountId), "no account id");
  assert.ok(!text.includes(customer.keyId), "no key id");
  assert.ok(!/count \d/.test(text), "no prompt text");

  const status = await call<NodeSnapshot__Output>(vera.NodeService, "GetStatus", {});
  assert.equal(status.gpus.length, 8);
});

test("an Xid in the kernel log reaches its GPU in GetStatus and /metrics; the host is reported", async () => {
  const before = await call<NodeSnapshot__Output>(vera.NodeService, "GetStatus", {});
  // The log is readable, so "no Xid" is a measured 0 on every GPU, and the old line did not count.
  assert.deepEqual(
    before.gpus.map((g) => g.xidErrors),
    before.gpus.map(() => 0),
  );
  assert.equal(before.host?.kernelLog, kernelLog);

  // GPU 2 sits at bus 3a (nvidia-smi: 00000000:3A:00.0): one line in kmsg form, one in dmesg form.
  appendFileSync(
    kernelLog,
    "4,1234,5678901,-;NVRM: Xid (PCI:0000:3a:00): 79, pid=1234, name=python, GPU has fallen off the bus.\n" +
      "[ 6021.4410] NVRM: Xid (PCI:0000:3a:00): 13, pid=1234, name=python, Graphics Exception on (GPC 0, TPC 1)\n",
  );
  const status = await until("the Xids reach GetStatus", async () => {
    const s = await call<NodeSnapshot__Output>(vera.NodeService, "GetStatus", {});
    return Number(s.gpus[2]?.xidErrors) === 2 && s;
  });
  const gpu = status.gpus[2]!;
  assert.equal(gpu.lastXid, 13);
  assert.ok(Number(gpu.lastXidAtMs) > 0);
  // What the console's Xid rule reads: only GPU 2 fires.
  assert.deepEqual(
    status.gpus.filter((g) => Number(g.xidErrors ?? 0) > 0).map((g) => g.index),
    [2],
  );
  const [streamed] = await watch(1);
  assert.equal(streamed!.gpus[2]?.xidErrors, 2, "WatchStatus carries it too");

  const host = status.host!;
  assert.ok(host.cpuLoadPercent.length > 0);
  assert.ok(host.memoryTotalBytes > 0);
  assert.equal(host.driverVersion, "550.54.15");
  const roles = host.filesystems.flatMap((f) => f.roles).sort();
  assert.deepEqual(
    roles,
    ["cache", "data", "spool"],
    "data dir, spool and artifact cache each on a filesystem",
  );

  const text = await (await fetch(`${agent.metrics}/metrics`)).text();
  assert.match(text, /^entrim_gpu_xid_errors_total\{[^}]*gpu="2"[^}]*\} 2$/m);
  assert.match(text, /^entrim_gpu_last_xid\{[^}]*gpu="2"[^}]*\} 13$/m);
  assert.match(text, /^entrim_host_filesystem_free_bytes\{[^}]*role="spool"[^}]*\} \d+/m);
  assert.match(text, /^entrim_host_cpu_load_ratio\{cpu="0"\} [\d.e-]+$/m);
  assert.match(text, /^entrim_host_memory_total_bytes \d+$/m);
  assert.match(text, /^entrim_kernel_log_up 1$/m);
});
