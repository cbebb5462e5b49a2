import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What the fake nvidia-smi reports: raw field text keyed by nvidia-smi's query field names, exactly as
 * `--format=csv,noheader,nounits` prints it (so "[N/A]" and friends go through the real parser).
 */
export interface FakeGpuState {
  gpus: Record<string, string>[];
  apps: Record<string, string>[];
  /** Makes every query fail like a broken driver: this text on stdout, then exit with `exitCode`. */
  fail?: string;
  exitCode?: number;
  /** Makes every query hang (for timeout tests). */
  hang?: boolean;
}

/** The environment variable naming the JSON file (a FakeGpuState) the fake reads on every call. */
export const FAKE_STATE_ENV = "ENTRIM_FAKE_NVIDIA_SMI_STATE";

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** Eight H100 SXM GPUs at work: GPU 5 reports no fan ("[N/A]"), processes on GPUs 0, 1 and 4. */
export function defaultFakeState(): FakeGpuState {
  const busIds = [0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb];
  const gpus = busIds.map((bus, i) => ({
    index: String(i),
    uuid: `GPU-${hex(0x5d5e0000 + i, 8)}-1c2d-4e5f-8a9b-${hex(0xc0ffee000000 + i, 12)}`,
    name: "NVIDIA H100 80GB HBM3",
    "pci.bus_id": `00000000:${hex(bus, 2).toUpperCase()}:00.0`,
    "utilization.gpu": String(90 + i),
    "utilization.memory": String(40 + i),
    "memory.used": String(70_000 + i * 100),
    "memory.total": "81559",
    "temperature.gpu": String(50 + i),
    "temperature.memory": String(60 + i),
    "power.draw": (600 + i + 0.25).toFixed(2),
    "power.limit": "700.00",
    "clocks.sm": "1980",
    "clocks.max.sm": "1980",
    "fan.speed": i === 5 ? "[N/A]" : String(30 + i),
    "ecc.errors.corrected.volatile.total": i === 3 ? "2" : "0",
    "ecc.errors.uncorrected.volatile.total": "0",
    pstate: "P0",
    driver_version: "550.54.15",
  }));
  const apps = [
    { gpu_uuid: gpus[0]!.uuid, pid: "4242", process_name: "/usr/bin/python3", used_memory: "69800" },
    { gpu_uuid: gpus[1]!.uuid, pid: "4243", process_name: "/usr/bin/python3", used_memory: "69900" },
    { gpu_uuid: gpus[4]!.uuid, pid: "5150", process_name: "llama-server", used_memory: "[N/A]" },
  ];
  return { gpus, apps };
}

/** Writes a state file for the fake to read on its next call. */
export function writeFakeState(file: string, state: FakeGpuState): void {
  writeFileSync(file, JSON.stringify(state));
}

let dir: string | undefined;

/**
 * A directory holding an executable `nvidia-smi`: a shell wrapper that runs the compiled fake with this
 * Node. Made at test time because the build copies only compiled TypeScript, not executables.
 */
export function fakeNvidiaSmiDir(): string {
  if (dir) return dir;
  const made = mkdtempSync(join(tmpdir(), "entrim-fake-nvidia-smi-"));
  const program = fileURLToPath(new URL("./fake-nvidia-smi-main.js", import.meta.url));
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const wrapper = join(made, "nvidia-smi");
  writeFileSync(wrapper, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(program)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  dir = made;
  return made;
}

/** A copy of `env` whose PATH finds the fake nvidia-smi first (and, with `stateFile`, reads that state). */
export function withFakeNvidiaSmi(
  env: NodeJS.ProcessEnv = process.env,
  stateFile?: string,
): NodeJS.ProcessEnv {
  const path = [fakeNvidiaSmiDir(), env.PATH].filter(Boolean).join(delimiter);
  return stateFile ? { ...env, PATH: path, [FAKE_STATE_ENV]: stateFile } : { ...env, PATH: path };
}
