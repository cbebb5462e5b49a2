// Test support: a fake agent speaking the real contract over real mTLS on loopback (the fixture PKI in
// electron/fixtures), so the console's Node side is tested without the agent package. Roles come from
// the client certificate's OU, as on the real agent.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DrainProgress, NodeSnapshot__Output, Peer } from "@entrim/proto";
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
    ...overrides,
  };
}

export interface FakeAgent {
  address: string;
  state: NodeSnapshot__Output["state"];
  /** Ends every open WatchStatus stream with UNAVAILABLE, as an agent restart would. */
  dropStreams(): void;
  watchOpens: number;
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
  const agent: FakeAgent = {
    address: "",
    state: "NODE_STATE_SERVING",
    watchOpens: 0,
    dropStreams: () => {
      for (const s of streams)
        s.emit("error", Object.assign(new Error("restarting"), { code: status.UNAVAILABLE }));
      streams.clear();
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
