// Test support: a fake agent speaking the real contract over real mTLS on loopback (the fixture PKI in
// electron/fixtures), so the console's Node side is tested without the agent package. Roles come from
// the client certificate's OU, as on the real agent.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DrainProgress, NodeSnapshot__Output, Peer, Rollout__Output } from "@entrim/proto";
import { loadAgentProto } from "@entrim/proto";
import { Server, ServerCredentials, type ServerWritableStream, status } from "@grpc/grpc-js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));
export const fixture = (name: string) => `${FIXTURES}${name}`;

export function snapshot(node: string, overrides: Partial<NodeSnapshot__Output> = {}): NodeSnapshot__Output {
  return {
    node,
    region: "eu-central-1",
    version: "0.1.0",
    takenAtMs: Date.now(),
    state: "NODE_STATE_SERVING",
    stateReason: "",
    startedAtMs: Date.now() - 60_000,
    gpus: [],
    gpuProcesses: [],
    gpuSource: "none",
    gpuError: "",
    traffic: null,
    models: [],
    store: null,
    spool: null,
    drain: null,
    host: null,
    ...overrides,
  };
}

export interface FakeAgent {
  address: string;
  state: NodeSnapshot__Output["state"];
  /** Ends every open WatchStatus stream with UNAVAILABLE, as an agent restart would. */
  dropStreams(): void;
  watchOpens: number;
  /** The one rollout (ro_0000000000000001) this agent knows; WatchRollout sends it on every change. */
  rollout: Rollout__Output;
  /** Sets the rollout's state and sends it to every open WatchRollout (ending them at a final state). */
  setRollout(state: Rollout__Output["state"], reason?: string): void;
  rolloutWatchOpens: number;
  /** WatchAlerts opens so far; each sends one resolved alert from two days ago and one firing alert. */
  alertWatchOpens: number;
  close(): Promise<void>;
}

function roleOf(call: {
  getAuthContext(): { sslPeerCertificate?: { subject?: { OU?: string | string[] } } };
}): string {
  return String(call.getAuthContext().sslPeerCertificate?.subject?.OU ?? "");
}

export async function startFakeAgent(
  name = "node-a",
  peers: (self: string) => Partial<Peer>[] = () => [],
): Promise<FakeAgent> {
  const v1 = loadAgentProto();
  const server = new Server();
  const streams = new Set<ServerWritableStream<unknown, unknown>>();
  const rolloutStreams = new Set<ServerWritableStream<unknown, unknown>>();
  const alertStreams = new Set<ServerWritableStream<unknown, unknown>>();
  const agent: FakeAgent = {
    address: "",
    state: "NODE_STATE_SERVING",
    watchOpens: 0,
    rollout: fakeRollout(),
    rolloutWatchOpens: 0,
    alertWatchOpens: 0,
    setRollout: (state, reason = "") => {
      agent.rollout = { ...agent.rollout, state, reason, updatedAtMs: Number(agent.rollout.updatedAtMs) + 1 };
      const final = !["ROLLOUT_STATE_RUNNING", "ROLLOUT_STATE_PAUSED"].includes(state);
      for (const s of rolloutStreams) {
        s.write(agent.rollout);
        if (final) s.end();
      }
      if (final) rolloutStreams.clear();
    },
    dropStreams: () => {
      for (const s of rolloutStreams)
        s.emit("error", Object.assign(new Error("restarting"), { code: status.UNAVAILABLE }));
      rolloutStreams.clear();
      for (const s of [...streams, ...alertStreams])
        s.emit("error", Object.assign(new Error("restarting"), { code: status.UNAVAILABLE }));
      streams.clear();
      alertStreams.clear();
    },
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
  server.addService(v1.ClusterService.service, {
    ListPeers: (_call: unknown, callback: (e: null, r: object) => void) =>
      callback(null, {
        answeredBy: name,
        leader: name,
        peers: [
          {
            name,
            region: "eu-central-1",
            controlAddress: agent.address,
            state: agent.state,
            self: true,
            models: ["m"],
          },
          ...peers(agent.address),
        ],
      }),
  });
  server.addService(v1.NodeService.service, {
    WatchStatus: (call: ServerWritableStream<unknown, unknown>) => {
      agent.watchOpens++;
      streams.add(call);
      const send = () => call.write(snapshot(name, { state: agent.state }));
      send();
      const timer = setInterval(send, 20);
      call.on("cancelled", () => clearInterval(timer));
      call.on("close", () => clearInterval(timer));
      call.on("error", () => clearInterval(timer));
      call.on("finish", () => clearInterval(timer));
    },
    Drain: (call: ServerWritableStream<{ reason: string }, DrainProgress>) => {
      if (roleOf(call) === "viewer") {
        call.emit(
          "error",
          Object.assign(new Error("Drain needs the operator role"), { code: status.PERMISSION_DENIED }),
        );
        return;
      }
      agent.state = "NODE_STATE_DRAINING";
      call.write({ state: "NODE_STATE_DRAINING", requestsInFlight: 2 });
      call.write({ state: "NODE_STATE_DRAINING", requestsInFlight: 1 });
      agent.state = "NODE_STATE_DRAINED";
      call.write({ state: "NODE_STATE_DRAINED", requestsInFlight: 0, done: true });
      call.end();
    },
    Undrain: (_call: unknown, callback: (e: null, r: object) => void) => {
      agent.state = "NODE_STATE_SERVING";
      callback(null, { state: "NODE_STATE_SERVING" });
    },
  });
  const known = (id: string) => id === agent.rollout.id;
  server.addService(v1.RolloutService.service, {
    GetRollout: (call: { request: { id: string } }, callback: (e: object | null, r?: object) => void) =>
      known(call.request.id)
        ? callback(null, agent.rollout)
        : callback({ code: status.NOT_FOUND, details: `There is no rollout ${call.request.id}.` }),
    WatchRollout: (call: ServerWritableStream<{ id: string }, unknown>) => {
      agent.rolloutWatchOpens++;
      rolloutStreams.add(call);
      call.on("cancelled", () => rolloutStreams.delete(call));
      call.write(agent.rollout);
    },
  });
  server.addService(v1.AlertsService.service, {
    WatchAlerts: (call: ServerWritableStream<unknown, unknown>) => {
      agent.alertWatchOpens++;
      alertStreams.add(call);
      call.on("cancelled", () => alertStreams.delete(call));
      const now = Date.now();
      const alert = (id: string, over: object) => ({
        id,
        rule: "node-down",
        fingerprint: `node-down/${id}/`,
        severity: "critical",
        node: name,
        summary: `${name} is down`,
        state: "firing",
        firstFiredAtMs: now - 60_000,
        ...over,
      });
      call.write({
        alerts: [
          alert("alert_firing", {}),
          alert("alert_old", { state: "resolved", resolvedAtMs: now - 2 * 86_400_000 }),
        ],
      });
    },
    AcknowledgeAlert: (
      call: { request: { id: string; note: string } } & Parameters<typeof roleOf>[0],
      callback: (e: object | null, r?: object) => void,
    ) =>
      roleOf(call) === "viewer"
        ? callback({ code: status.PERMISSION_DENIED, details: "AcknowledgeAlert needs the operator role" })
        : callback(null, {
            id: call.request.id,
            acknowledgedBy: "admin",
            acknowledgeNote: call.request.note,
          }),
  });
  const credentials = ServerCredentials.createSsl(
    readFileSync(fixture("ca.pem")),
    [
      {
        cert_chain: readFileSync(fixture("node-a.pem")),
        private_key: readFileSync(fixture("node-a-key.pem")),
      },
    ],
    true,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", credentials, (error, p) => (error ? reject(error) : resolve(p))),
  );
  agent.address = `127.0.0.1:${port}`;
  return agent;
}

export function fakeRollout(overrides: Partial<Rollout__Output> = {}): Rollout__Output {
  return {
    id: "ro_0000000000000001",
    model: "m",
    toVersion: "v2",
    targets: { nodes: [], regions: [], labels: {} },
    batchSize: 1,
    pauseSeconds: 0,
    gates: { maxErrorRate: 0, maxP95Ms: 60_000, windowSeconds: 30 },
    state: "ROLLOUT_STATE_RUNNING",
    reason: "",
    currentBatch: 0,
    batches: 1,
    createdBy: "ada",
    createdAtMs: 1_000,
    updatedAtMs: 1_000,
    finishedAtMs: 0,
    nodes: [],
    ...overrides,
  };
}
