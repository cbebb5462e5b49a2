// The control plane's cost of watching: one agent (8 GPUs through the fake nvidia-smi, so every
// snapshot is full-sized) streaming NodeService.WatchStatus at 1 Hz to N operators, each with their own
// certificate on their own mutually authenticated channel, as separate consoles would be. The agent's
// CPU with N watchers minus its CPU with none, over the same time, divided by N, is what one watcher
// costs. Every watcher must be served: a stream refused or failed fails the benchmark (one certificate
// may hold only DEFAULT_MAX_STREAMS_PER_CERTIFICATE streams, so one shared certificate would quietly
// measure fewer watchers than it divides by).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, cpuSeconds, removedOnStop, root, spawnService } from "./lib.mjs";

const { loadAgentProto } = await import(join(root, "proto", "dist", "index.js"));
const { credentials } = await import("@grpc/grpc-js");
const fake = await import(join(root, "cluster-agent", "dist", "test-support", "fake-nvidia-smi.js"));
const { issueOperatorCertificate } = await import(join(root, "cluster-agent", "dist", "control", "certs.js"));

function cli(dataDir, ...args) {
  const result = spawnSync(process.execPath, [BIN, "--json", "--data-dir", dataDir, ...args], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

async function cpuOver(pid, seconds) {
  const before = cpuSeconds(pid);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return (cpuSeconds(pid) - before) / seconds;
}

export async function runWatcherBenchmark({
  watchers = 50,
  seconds = Number(process.env.BENCH_DURATION ?? 20),
} = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "entrim-bench-watch-"));
  cli(dataDir, "certs", "init-ca");
  cli(dataDir, "certs", "issue-node", "--name", "bench-gpu");
  const ops = join(dataDir, "operators");
  for (let i = 0; i < watchers; i++) {
    await issueOperatorCertificate({
      caDir: join(dataDir, "ca"),
      name: `watcher-${i}`,
      role: "viewer",
      outDir: ops,
    });
  }
  const stateFile = join(dataDir, "gpus.json");
  fake.writeFakeState(stateFile, fake.defaultFakeState());
  const service = await spawnService(
    [
      BIN,
      "--data-dir",
      dataDir,
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--control-listen",
      "127.0.0.1:0",
      "--metrics-listen",
      "",
      "--artifacts-listen",
      "",
      "--node-name",
      "bench-gpu",
    ],
    /"control":"([^"]+)"/,
    { env: fake.withFakeNvidiaSmi(process.env, stateFile) },
  );
  const agent = removedOnStop(service, dataDir);
  const creds = (i) =>
    credentials.createSsl(
      readFileSync(join(ops, "ca.pem")),
      readFileSync(join(ops, `watcher-${i}-key.pem`)),
      readFileSync(join(ops, `watcher-${i}.pem`)),
    );
  const v1 = loadAgentProto();
  // Settle after start (model load, first samples) before measuring.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleCores = await cpuOver(agent.pid, seconds);

  const clients = [];
  let bytes = 0;
  const streams = [];
  const received = new Array(watchers).fill(0);
  let failure = null;
  let ending = false;
  for (let i = 0; i < watchers; i++) {
    const client = new v1.NodeService(agent.url, creds(i), { "grpc.ssl_target_name_override": "localhost" });
    clients.push(client);
    const stream = client.WatchStatus({ intervalMs: 1000 });
    stream.on("data", (snapshot) => {
      received[i]++;
      if (bytes === 0) bytes = JSON.stringify(snapshot).length;
    });
    stream.on("error", (error) => {
      if (!ending) failure ??= new Error(`watcher ${i}: ${error.message}`);
    });
    stream.on("end", () => {
      if (!ending) failure ??= new Error(`watcher ${i}: the agent ended the stream`);
    });
    streams.push(stream);
  }
  // Let every channel finish its TLS handshake and get its first snapshot before measuring the steady state.
  const deadline = Date.now() + 60_000;
  while (!failure && received.some((n) => n === 0)) {
    if (Date.now() > deadline)
      failure = new Error(`${received.filter((n) => n === 0).length} watchers had no snapshot in 60 s`);
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const delivered = () => received.reduce((sum, n) => sum + n, 0);
  const before = delivered();
  const watchedCores = failure ? 0 : await cpuOver(agent.pid, seconds);
  const snapshotsPerSecond = (delivered() - before) / seconds;
  ending = true;
  for (const stream of streams) stream.cancel();
  for (const client of clients) client.close();
  await agent.stop();
  if (failure) throw failure;
  const perWatcherCores = (watchedCores - idleCores) / watchers;
  return {
    watchers,
    seconds,
    idleCores,
    watchedCores,
    perWatcherCores,
    perWatcherMsPerSecond: perWatcherCores * 1000,
    snapshotsPerSecond,
    snapshotJsonBytes: bytes,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runWatcherBenchmark(), null, 2));
  process.exit(0);
}
