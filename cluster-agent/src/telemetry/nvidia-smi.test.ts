import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import {
  defaultFakeState,
  fakeNvidiaSmiDir,
  withFakeNvidiaSmi,
  writeFakeState,
} from "../test-support/fake-nvidia-smi.js";
import {
  ABSENT_RECHECK_MS,
  GPU_ARGS,
  GpuSampler,
  PROCESS_ARGS,
  parseGpuCsv,
  parseProcessCsv,
  readGpus,
} from "./nvidia-smi.js";

const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "entrim-nvsmi-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("parses real nvidia-smi lines; every kind of missing value becomes an unset field", () => {
  const output = [
    "1, GPU-b1c2, NVIDIA H100 80GB HBM3, 00000000:2A:00.0, 100, 57, 80213, 81559, 71, 83, 689.51, 700.00, 1980, 1980, [N/A], 0, 0, P0",
    "0, GPU-a0b1, NVIDIA A10, 00000000:18:00.0, [Not Supported], N/A, 12, 23028, 34, [N/A], [Unknown Error], 150.00, 210, 1695, 30, [N/A], [N/A], P8",
    "",
  ].join("\n");
  const [a10, h100] = parseGpuCsv(output);
  assert.deepEqual(a10, {
    index: 0,
    uuid: "GPU-a0b1",
    name: "NVIDIA A10",
    pciBusId: "00000000:18:00.0",
    performanceState: "P8",
    memoryUsedBytes: 12 * MIB,
    memoryTotalBytes: 23028 * MIB,
    temperatureCelsius: 34,
    powerLimitWatts: 150,
    smClockMhz: 210,
    smClockMaxMhz: 1695,
    fanSpeedPercent: 30,
  });
  assert.equal(h100?.index, 1);
  assert.equal(h100?.powerDrawWatts, 689.51);
  assert.equal(h100?.memoryTemperatureCelsius, 83);
  assert.equal(h100?.eccUncorrectedErrors, 0);
  assert.equal("fanSpeedPercent" in h100!, false);
  assert.equal("xidErrors" in h100!, false);
});

test("a name holding ', ' stays one field; driver messages and short lines are skipped", () => {
  const gpus = parseGpuCsv(
    "No devices were found\n3, GPU-x, Odd, Name, 00000000:01:00.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, P2\n",
  );
  assert.equal(gpus.length, 1);
  assert.equal(gpus[0]?.name, "Odd, Name");
  assert.equal(gpus[0]?.pciBusId, "00000000:01:00.0");
  assert.equal(gpus[0]?.performanceState, "P2");
  const processes = parseProcessCsv(
    "GPU-x, 77, /opt/a, b/python3, 1024\nGPU-y, 78, [Insufficient Permissions], [N/A]\n",
  );
  assert.deepEqual(processes, [
    { gpuUuid: "GPU-x", pid: 77, processName: "/opt/a, b/python3", usedMemoryBytes: 1024 * MIB },
    { gpuUuid: "GPU-y", pid: 78, processName: "" },
  ]);
});

test("the fake 8-GPU nvidia-smi on PATH reads back exactly through execFile", async () => {
  const reading = await readGpus({ env: withFakeNvidiaSmi() });
  assert.equal(reading.source, "nvidia-smi");
  assert.equal(reading.error, "");
  assert.equal(reading.gpus.length, 8);
  const state = defaultFakeState();
  for (const [i, gpu] of reading.gpus.entries()) {
    assert.equal(gpu.index, i);
    assert.equal(gpu.uuid, state.gpus[i]!.uuid);
    assert.equal(gpu.name, "NVIDIA H100 80GB HBM3");
    assert.equal(gpu.utilizationPercent, 90 + i);
    assert.equal(gpu.memoryUsedBytes, (70_000 + i * 100) * MIB);
    assert.equal(gpu.memoryTotalBytes, 81559 * MIB);
    assert.equal(gpu.powerDrawWatts, 600 + i + 0.25);
    assert.equal(gpu.fanSpeedPercent, i === 5 ? undefined : 30 + i);
    assert.equal(gpu.eccCorrectedErrors, i === 3 ? 2 : 0);
  }
  assert.deepEqual(
    reading.processes.map((p) => [p.pid, p.processName, p.usedMemoryBytes]),
    [
      [4242, "/usr/bin/python3", 69800 * MIB],
      [4243, "/usr/bin/python3", 69900 * MIB],
      [5150, "llama-server", undefined],
    ],
  );
});

test("the fake refuses what the real one refuses", async () => {
  const run = promisify(execFile);
  const env = withFakeNvidiaSmi();
  await assert.rejects(
    run("nvidia-smi", ["--query-gpu=index,bogus", GPU_ARGS[1]!], { env }),
    (error: { code: number; stdout: string }) =>
      error.code === 2 && error.stdout.includes('Field "bogus" is not a valid field to query.'),
  );
  await assert.rejects(run("nvidia-smi", ["-q"], { env }), { code: 2 });
  const { stdout } = await run("nvidia-smi", PROCESS_ARGS, { env });
  assert.equal(stdout.split("\n")[0], `${defaultFakeState().gpus[0]!.uuid}, 4242, /usr/bin/python3, 69800`);
});

test("changing the fake's state changes the next sample", async () => {
  const file = join(dir, "state.json");
  const state = defaultFakeState();
  writeFakeState(file, state);
  const sampler = new GpuSampler({ env: withFakeNvidiaSmi(process.env, file) });
  assert.equal((await sampler.sample()).gpus[2]?.temperatureCelsius, 52);
  state.gpus[2]!["temperature.gpu"] = "88";
  state.gpus[2]!["power.draw"] = "[N/A]";
  state.apps = [];
  writeFakeState(file, state);
  const next = await sampler.sample();
  assert.equal(next.gpus[2]?.temperatureCelsius, 88);
  assert.equal(next.gpus[2]?.powerDrawWatts, undefined);
  assert.deepEqual(next.processes, []);
});

test("concurrent samples share one read", async () => {
  const sampler = new GpuSampler({ env: withFakeNvidiaSmi() });
  const first = sampler.sample();
  assert.equal(sampler.busy, true);
  assert.equal(sampler.sample(), first);
  await first;
  assert.equal(sampler.busy, false);
});

test("no nvidia-smi means source none, without an error", async () => {
  const reading = await readGpus({ env: { PATH: join(dir, "empty") } });
  assert.deepEqual(reading, { source: "none", gpus: [], processes: [], error: "" });
});

test("a node without nvidia-smi looks for it again once a minute, and finds it once installed", async () => {
  const bin = join(dir, "later-bin");
  mkdirSync(bin);
  let now = 1_000_000;
  const sampler = new GpuSampler({
    binary: join(bin, "nvidia-smi"),
    env: withFakeNvidiaSmi(),
    now: () => now,
  });
  assert.equal((await sampler.sample()).source, "none");
  // Installed now, but not looked for again within the minute: no process is started meanwhile.
  symlinkSync(join(fakeNvidiaSmiDir(), "nvidia-smi"), join(bin, "nvidia-smi"));
  now += ABSENT_RECHECK_MS - 1;
  assert.equal((await sampler.sample()).source, "none");
  assert.equal(await sampler.driverVersion(), "");
  now += 1;
  const found = await sampler.sample();
  assert.equal(found.source, "nvidia-smi");
  assert.equal(found.gpus.length, defaultFakeState().gpus.length);
  assert.notEqual(await sampler.driverVersion(), "");
});

test("a failing or hanging nvidia-smi leaves its error text, never a throw", async () => {
  const file = join(dir, "broken.json");
  const message =
    "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";
  writeFakeState(file, { gpus: [], apps: [], fail: message, exitCode: 9 });
  const failed = await readGpus({ env: withFakeNvidiaSmi(process.env, file) });
  assert.equal(failed.source, "nvidia-smi");
  assert.deepEqual(failed.gpus, []);
  assert.equal(failed.error, `nvidia-smi failed (exit 9): ${message}`);

  writeFakeState(file, { gpus: [], apps: [], hang: true });
  const hung = await readGpus({ env: withFakeNvidiaSmi(process.env, file), timeoutMs: 500 });
  assert.equal(hung.error, "nvidia-smi did not answer within 500 ms");
});
