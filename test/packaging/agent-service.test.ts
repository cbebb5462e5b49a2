import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { AGENT_NODE_FLAGS } from "@entrim/cluster-agent/dist/common/node-flags.js";
import { loadConfig } from "@entrim/cluster-agent/dist/config/load.js";

/**
 * The agent's service files: the systemd unit keeps its hardening and fits what the agent does on
 * SIGTERM, and the example configs pass the agent's own validation and fit the unit's sandbox.
 */

const root = new URL("../../../", import.meta.url).pathname;
const unitText = readFileSync(join(root, "build", "entrim-agent.service"), "utf8");

/** A unit file as systemd reads it: sections of keys, each key with every value it was given. */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf("=");
    assert.ok(current && eq > 0, `not a key=value line inside a section: ${line}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}

const unit = parseUnit(unitText);
const service = unit.get("Service")!;
const one = (key: string) => {
  const values = service.get(key);
  assert.ok(values, `[Service] sets ${key}`);
  return values.at(-1)!;
};
const seconds = (value: string) => {
  const match = /^(\d+)(s|min)?$/.exec(value);
  assert.ok(match, `a time span: ${value}`);
  return Number(match[1]) * (match[2] === "min" ? 60 : 1);
};

test("the unit runs the agent as its own user and restarts it with backoff on failure", () => {
  assert.equal(one("User"), "entrim");
  assert.equal(one("Group"), "entrim");
  assert.equal(one("Restart"), "on-failure");
  assert.ok(seconds(one("RestartSec")) >= 1);
  assert.ok(seconds(one("RestartMaxDelaySec")) > seconds(one("RestartSec")), "the delay grows");
  assert.match(one("ExecStart"), /\/bin\/entrim-agent\.js serve --config \S+\.json$/);
  // The Node.js flags `npm start` and the benchmarks run the agent with, before the script.
  const [node, ...args] = one("ExecStart").split(" ");
  assert.ok(node?.endsWith("/node"));
  assert.deepEqual(args.slice(0, AGENT_NODE_FLAGS.length), [...AGENT_NODE_FLAGS]);
  assert.ok(one("EnvironmentFile").startsWith("/etc/entrim/"), "secrets come from an environment file");
  assert.ok(Number(one("LimitNOFILE")) >= 65536);
  assert.ok(unit.get("Install")?.get("WantedBy")?.includes("multi-user.target"));
});

test("hardening: no new privileges, a read-only system, only the data dir writable", () => {
  assert.equal(one("NoNewPrivileges"), "yes");
  assert.equal(one("ProtectSystem"), "strict");
  assert.equal(one("ProtectHome"), "yes");
  assert.equal(one("PrivateTmp"), "yes");
  assert.equal(one("CapabilityBoundingSet"), "");
  assert.deepEqual(service.get("ReadWritePaths"), ["/var/lib/entrim"]);
  assert.equal(one("StateDirectory"), "entrim");
});

test("GPU nodes: the NVIDIA devices are reachable, other devices are not", () => {
  // PrivateDevices=yes would hide /dev/nvidia* from CUDA and from nvidia-smi.
  assert.equal(service.get("PrivateDevices"), undefined);
  assert.equal(one("DevicePolicy"), "closed");
  const allowed = service.get("DeviceAllow") ?? [];
  for (const device of ["char-nvidia-frontend", "char-nvidiactl", "char-nvidia-uvm"]) {
    assert.ok(
      allowed.some((entry) => entry.startsWith(`${device} rw`)),
      `${device} is allowed read-write`,
    );
  }
});

test("stop: SIGTERM to the agent alone, with time for its drain deadline", () => {
  assert.equal(one("KillSignal"), "SIGTERM");
  // The agent stops the PostgreSQL and engines it started after its own shutdown, not before.
  assert.equal(one("KillMode"), "mixed");
  const defaults = loadConfig({}, {});
  assert.ok(
    seconds(one("TimeoutStopSec")) > defaults.drain.deadlineSeconds,
    "requests in flight get the drain deadline before systemd kills the agent",
  );
});

test("logs: the agent's journal namespace keeps them 30 days at most, within a size cap, and ships in the tarball", () => {
  const namespace = one("LogNamespace");
  assert.equal(namespace, "entrim");
  const file = `journald@${namespace}.conf`;
  const journal = parseUnit(readFileSync(join(root, "build", file), "utf8")).get("Journal");
  assert.ok(journal, `${file} has a [Journal] section`);
  const value = (key: string) => {
    const values = journal.get(key);
    assert.ok(values, `${file} sets ${key}`);
    return values.at(-1)!;
  };
  const days = (span: string) => {
    const match = /^(\d+)(day|d|h)$/.exec(span);
    assert.ok(match, `a time span in days or hours: ${span}`);
    return Number(match[1]) / (match[2] === "h" ? 24 : 1);
  };
  assert.equal(value("Storage"), "persistent");
  const retention = days(value("MaxRetentionSec"));
  assert.ok(retention > 0 && retention <= 30, "kept 30 days at most (the privacy policy's bound)");
  // Journald deletes whole files: each must span little of the bound, or entries outlive it.
  assert.ok(days(value("MaxFileSec")) <= 1);
  assert.match(value("SystemMaxUse"), /^\d+[MG]$/);
  // The tarball carries it beside the unit.
  const script = readFileSync(join(root, "scripts", "package-agent.mjs"), "utf8");
  assert.ok(script.includes(`join(root, "build", "${file}"), join(stage, "systemd", "${file}")`));
});

test("systemd itself accepts the unit (where systemd-analyze is installed)", (t) => {
  const probe = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
  if (probe.error) {
    t.skip("systemd-analyze is not installed");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "entrim-unit-"));
  try {
    // As an operator installs it: ExecStart pointing at this machine's node.
    const path = join(dir, "entrim-agent.service");
    writeFileSync(path, unitText.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
    const result = spawnSync("systemd-analyze", ["verify", path], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    // A value systemd cannot parse is only a warning to it, and the setting is silently dropped: any
    // complaint fails the test, except that systemd < 254 does not know the restart backoff yet.
    const complaints = result.stderr
      .split("\n")
      .filter((line) => line.trim() !== "")
      .filter((line) => !/Unknown key '(RestartSteps|RestartMaxDelaySec)'/.test(line));
    assert.deepEqual(complaints, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const examplesDir = join(root, "build", "examples");
const load = (file: string, env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ config: join(examplesDir, file) }, env);

test("every example config passes the agent's validation and fits the unit's sandbox", () => {
  const files = readdirSync(examplesDir).filter((f) => f.endsWith(".json"));
  assert.deepEqual(files.sort(), ["gpu-node.json", "vllm-node.json"]);
  for (const file of files) {
    const config = load(file, { DATABASE_URL: "postgres://entrim@db.internal/entrim" });
    const writable = service.get("ReadWritePaths")!;
    assert.ok(
      writable.some((dir) => config.dataDir === dir || config.dataDir.startsWith(`${dir}/`)),
      `${file}: dataDir ${config.dataDir} is writable under the unit`,
    );
    // The store's address (and its password) comes from the environment file, never the config.
    assert.equal(JSON.parse(readFileSync(join(examplesDir, file), "utf8")).databaseUrl, undefined);
    assert.equal(config.databaseUrl, "postgres://entrim@db.internal/entrim");
    assert.ok(config.control.caFile && config.control.certFile && config.control.keyFile, `${file}: TLS`);
    assert.notEqual(config.metrics.listen, "", `${file}: metrics on`);
    assert.match(config.api.listen, /^0\.0\.0\.0:/, `${file}: the public API faces the load balancer`);
  }
});

test("the GPU node example serves a GGUF from the data dir on the GPU", () => {
  const [model] = load("gpu-node.json").models;
  assert.equal(model?.runtime, "embedded");
  if (model?.runtime !== "embedded") return;
  assert.ok(model.path.startsWith("/var/lib/entrim/models/"));
  assert.ok(model.gpuLayers === "auto" || model.gpuLayers > 0, "layers are offloaded");
  assert.ok(model.threads > 0 && model.parallel > 1);
});

test("the vLLM node example supervises vllm serve on the port it talks to", () => {
  const config = load("vllm-node.json");
  const [model] = config.models;
  assert.equal(model?.runtime, "external");
  if (model?.runtime !== "external") return;
  const command = model.command ?? [];
  assert.ok(command[0]?.endsWith("vllm") && command[1] === "serve");
  const flag = (name: string) => command[command.indexOf(name) + 1];
  assert.ok(Number(flag("--tensor-parallel-size")) > 1);
  assert.ok(command.includes("--enable-prefix-caching"));
  const port = flag("--port");
  assert.equal(new URL(model.url).port, port);
  assert.equal(new URL(model.healthUrl ?? "").port, port);
  assert.equal(Number(flag("--max-model-len")), model.contextLength);
  // Customers' `tools` with tool_choice "auto" need a tool parser (Qwen2.5: hermes); top_logprobs up to
  // OpenAI's 20 need --max-logprobs at least that.
  assert.ok(command.includes("--enable-auto-tool-choice"));
  assert.equal(flag("--tool-call-parser"), "hermes");
  assert.ok(Number(flag("--max-logprobs")) >= 20);
  // The engine's key is made by the agent at each start and handed to vLLM, never written down.
  assert.equal(model.apiKeyEnv, undefined);
  assert.equal(config.engines.env.VLLM_API_KEY, "{apiKey}");
  const envTemplate = readFileSync(join(root, "build", "entrim-agent.env"), "utf8");
  assert.doesNotMatch(envTemplate, /^#?VLLM_API_KEY=/m, "a key in agent.env would not reach the engine");
});
