// A fleet of lightweight agents for the console benchmark, in one process: each "agent" is the agent's
// real control server (startControlServer: gRPC over mutual TLS, role checks) with the real
// NodeService (WatchStatus fed by the real Telemetry sampler), the real ClusterService answering
// ListPeers from a real PostgreSQL node registry and the real AlertsService (the console watches the
// cluster's alerts on one of them; a few are seeded, as the leader would have fired them). What is left out is the inference API, the models and
// the store probes: the console never sees them except as numbers in the snapshot.
// The fake nvidia-smi runs once per second and every agent's sampler shares that reading (200
// processes a second would measure fork(), not the console).
// Prints one JSON line {"event":"ready",...} with the seed address and the operator's files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dist = (p) => join(root, "cluster-agent", "dist", p);
const { startControlServer } = await import(dist("control/server.js"));
const { nodeService } = await import(dist("control/services/node.js"));
const { clusterService } = await import(dist("control/services/cluster.js"));
const { alertsService } = await import(dist("control/services/alerts.js"));
const { reconcileAlerts } = await import(dist("store/alerts.js"));
const { stream, unary, unavailable } = await import(dist("control/rpc.js"));
const { initCa, issueNodeCertificate, issueOperatorCertificate } = await import(dist("control/certs.js"));
const { Telemetry } = await import(dist("telemetry/snapshot.js"));
const { TrafficWindow } = await import(dist("telemetry/traffic.js"));
const { GpuSampler } = await import(dist("telemetry/nvidia-smi.js"));
const { upsertNode } = await import(dist("store/nodes.js"));
const { openTestStore } = await import(dist("test-support/postgres.js"));
const fake = await import(dist("test-support/fake-nvidia-smi.js"));
const { createLogger } = await import(dist("common/log.js"));

const count = Number(process.argv[2] ?? 200);
const HEARTBEAT_SECONDS = 10;
const dir = mkdtempSync(join(tmpdir(), "entrim-bench-fleet-"));
const logger = createLogger({ level: "warn" });
const caDir = join(dir, "ca");
await initCa({ dir: caDir });
const operator = await issueOperatorCertificate({
  caDir,
  name: "bench",
  role: "viewer",
  outDir: join(dir, "op"),
});

// One nvidia-smi run per second, shared: eight GPUs that move, so every snapshot differs.
const stateFile = join(dir, "gpus.json");
const sampler = new GpuSampler({ env: fake.withFakeNvidiaSmi(process.env, stateFile) });
let tick = 0;
const move = () => {
  const state = fake.defaultFakeState();
  state.gpus.forEach((gpu, i) => {
    const phase = tick / 6 + i * 0.8;
    gpu["utilization.gpu"] = String(Math.round(72 + 26 * Math.sin(phase)));
    gpu["temperature.gpu"] = String(Math.round(62 + 8 * Math.sin(phase / 2)));
    gpu["power.draw"] = (460 + 200 * Math.sin(phase)).toFixed(2);
  });
  fake.writeFakeState(stateFile, state);
  tick++;
};
move();
let reading = await sampler.sample();
const gpuTimer = setInterval(async () => {
  move();
  reading = await sampler.sample().catch(() => reading);
}, 1000);
const sharedGpus = { sample: async () => reading };

const test = await openTestStore();
const pool = test.store.pool;
// The benchmark's operator is a viewer: nothing is ever audited, so the recorder is never called.
const recorder = {
  record: async () => {
    throw new Error("the benchmark fleet records no audit entries");
  },
};
const drainStub = {
  Drain: stream("operator", async () => {
    throw unavailable("the benchmark fleet does not drain");
  }),
  Undrain: unary("operator", async () => {
    throw unavailable("the benchmark fleet does not drain");
  }),
};

const nodes = [];
for (let i = 0; i < count; i++) {
  const name = `bench-${String(i).padStart(3, "0")}`;
  const cert = await issueNodeCertificate({ caDir, name, outDir: join(dir, "nodes", name) });
  const traffic = new TrafficWindow();
  const telemetry = new Telemetry({
    node: name,
    region: i % 2 ? "eu-central-1" : "eu-west-1",
    version: "bench",
    startedAt: Date.now(),
    sampleIntervalMs: 1000,
    gpus: sharedGpus,
    traffic,
    logger,
  });
  await telemetry.start();
  const server = await startControlServer({
    listen: "127.0.0.1:0",
    caFile: cert.caFile ?? join(caDir, "ca.pem"),
    certFile: cert.certFile,
    keyFile: cert.keyFile,
    logger,
    services: [
      nodeService({ snapshots: telemetry, sampleIntervalMs: 1000, drain: drainStub }),
      clusterService({ store: { pool }, node: name, heartbeatSeconds: HEARTBEAT_SECONDS }),
      alertsService({ store: test.store, recorder }),
    ],
  });
  nodes.push({ name, server, telemetry, traffic, region: i % 2 ? "eu-central-1" : "eu-west-1" });
}

// Some traffic in every node's window, so the fleet's traffic columns have numbers.
const trafficTimer = setInterval(() => {
  for (const n of nodes)
    for (let r = 0; r < 5; r++) n.traffic.record(200, 300 + Math.random() * 400, 80, 500, 100, 120);
}, 1000);

const register = () =>
  Promise.all(
    nodes.map((n) =>
      upsertNode(pool, {
        name: n.name,
        region: n.region,
        addresses: [],
        version: "bench",
        models: [],
        state: "ready",
        controlAddress: n.server.address,
      }),
    ),
  );
await register();
// A handful of open alerts, as the leader keeps them: the console's list and badge have something to show.
await reconcileAlerts(
  pool,
  nodes.slice(0, 5).map((n, i) => ({
    rule: i % 2 ? "gpu-hot" : "spool-backlog",
    severity: i % 2 ? "critical" : "warning",
    node: n.name,
    subject: i % 2 ? String(i) : "",
    summary: `${n.name}: seeded for the benchmark`,
  })),
  new Date(),
);
// Heartbeats as agents send them: three missed ones would show every node as down.
const beat = setInterval(() => void register().catch(() => undefined), HEARTBEAT_SECONDS * 1000);

process.stdout.write(
  `${JSON.stringify({
    event: "ready",
    seed: nodes[0].server.address,
    nodes: nodes.length,
    caFile: operator.caFile,
    certFile: operator.certFile,
    keyFile: operator.keyFile,
  })}\n`,
);

process.on("SIGTERM", async () => {
  clearInterval(gpuTimer);
  clearInterval(trafficTimer);
  clearInterval(beat);
  for (const n of nodes) n.telemetry.stop();
  await Promise.all(nodes.map((n) => n.server.stop(0)));
  await test.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
