import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadAgentProto } from "@entrim/proto";
import { type ServiceError, status } from "@grpc/grpc-js";
import { pino } from "pino";
import { StoreError } from "../store/db.js";
import {
  callUnary,
  checkHealth,
  collectStream,
  controlClients,
  issueTestPki,
  openStream,
  type TestPki,
} from "../test-support/control-client.js";
import { makeTempDataDir } from "../test-support/postgres.js";
import { RpcError, type ServiceImplementation, stream, unary } from "./rpc.js";
import { type ControlServer, startControlServer } from "./server.js";

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

// Throwaway implementations of two contract services: only what the server's adaptation needs.
function testServices(events: { watchEnded: Deferred<string>; calls: number }): ServiceImplementation[] {
  const proto = loadAgentProto();
  return [
    {
      name: "entrim.agent.v1.NodeService",
      definition: proto.NodeService.service,
      methods: {
        GetStatus: unary("viewer", async (_request, context) => {
          events.calls++;
          return { node: "test-node", stateReason: `asked by ${context.operator.name}` };
        }),
        Undrain: unary("operator", async () => ({ state: "NODE_STATE_SERVING" })),
        Drain: stream("operator", async (_request, send) => {
          await send({ state: "NODE_STATE_DRAINING", requestsInFlight: 2 });
          await send({ state: "NODE_STATE_DRAINED", done: true });
        }),
        WatchStatus: stream("viewer", async (_request, send, context) => {
          try {
            // Sends as fast as the transport takes them: only backpressure and the abort pace it.
            for (let i = 0; !context.signal.aborted; i++) await send({ node: "test-node", takenAtMs: i });
          } finally {
            events.watchEnded.resolve((context.signal.reason as Error)?.message ?? "not aborted");
          }
        }),
      },
    },
    {
      name: "entrim.agent.v1.AuditService",
      definition: proto.AuditService.service,
      methods: {
        // The request's operator field picks the failure to throw.
        ListAudit: unary("viewer", async (request: { operator: string }) => {
          switch (request.operator) {
            case "rpc":
              throw new RpcError(status.FAILED_PRECONDITION, "the chain is being pruned; retry");
            case "invalid":
            case "not_found":
            case "conflict":
              throw new StoreError(request.operator, `store says ${request.operator}`);
            case "pg":
              throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
            case "bug":
              throw new TypeError("cannot read properties of undefined (reading 'hunter2')");
            default:
              return { entries: [] };
          }
        }),
        VerifyAudit: unary("admin", async () => ({ ok: true, entries: 3 })),
      },
    },
  ];
}

let dir: string;
let pki: TestPki;
let server: ControlServer;
let logLines: Record<string, unknown>[];
let events: { watchEnded: Deferred<string>; calls: number };
const clientsFor = (files: { caFile: string; certFile?: string; keyFile?: string }) =>
  controlClients({ address: server.address, ...files });
const failsWith = (code: status, details?: RegExp) => (error: unknown) => {
  const { code: got, details: message } = error as ServiceError;
  assert.equal(status[got], status[code], message);
  if (details) assert.match(message, details);
  return true;
};

before(async () => {
  dir = await makeTempDataDir();
  pki = await issueTestPki(join(dir, "pki"));
  logLines = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  events = { watchEnded: deferred(), calls: 0 };
  server = await startControlServer({
    listen: "127.0.0.1:0",
    ...pki.node,
    services: testServices(events),
    logger,
  });
});
after(async () => {
  await server.stop(0);
  await rm(dir, { recursive: true, force: true });
});

describe("control server roles", () => {
  it("lets each role call what its role allows and explains refusals", async () => {
    const viewer = await clientsFor(pki.operators.viewer);
    const operator = await clientsFor(pki.operators.operator);
    const admin = await clientsFor(pki.operators.admin);
    try {
      const snapshot = await callUnary(viewer.node, "GetStatus", {});
      assert.equal(snapshot.stateReason, "asked by viewer");
      await assert.rejects(
        callUnary(viewer.node, "Undrain", { reason: "x" }),
        failsWith(
          status.PERMISSION_DENIED,
          /^Undrain needs the operator role; your certificate \(viewer\) names viewer\.$/,
        ),
      );
      await assert.rejects(
        collectStream(openStream(viewer.node, "Drain", { reason: "x" })),
        failsWith(status.PERMISSION_DENIED, /Drain needs the operator role/),
      );
      assert.equal((await callUnary(operator.node, "Undrain", { reason: "x" })).state, "NODE_STATE_SERVING");
      const progress = await collectStream(openStream(operator.node, "Drain", { reason: "x" }));
      assert.deepEqual(
        progress.map((p) => [p.state, p.done]),
        [
          ["NODE_STATE_DRAINING", false],
          ["NODE_STATE_DRAINED", true],
        ],
      );
      await assert.rejects(
        callUnary(operator.audit, "VerifyAudit", {}),
        failsWith(
          status.PERMISSION_DENIED,
          /VerifyAudit needs the admin role; your certificate \(operator\) names operator/,
        ),
      );
      assert.equal((await callUnary(admin.audit, "VerifyAudit", {})).ok, true);
      assert.equal((await callUnary(admin.node, "GetStatus", {})).stateReason, "asked by admin");
    } finally {
      for (const c of [viewer, operator, admin]) c.close();
    }
    const refusal = logLines.find((l) => l.msg === "control call refused" && l.operator === "viewer");
    assert.equal(refusal?.level, 30, "refusals are logged at info");
    assert.equal(refusal?.method, "entrim.agent.v1.NodeService/Undrain");
  });

  it("refuses a node certificate: it names no operator role", async () => {
    const node = await clientsFor(pki.node);
    try {
      await assert.rejects(
        callUnary(node.node, "GetStatus", {}),
        failsWith(status.PERMISSION_DENIED, /certificate of test-node names no operator role \(OU is "node"/),
      );
    } finally {
      node.close();
    }
  });

  it("fails the handshake without a client certificate or with one from another CA", async () => {
    const before = events.calls;
    const anonymous = await clientsFor({ caFile: pki.node.caFile });
    // The foreign admin trusts our CA for the server but presents a certificate our CA never signed.
    const foreign = await clientsFor({ ...pki.foreignAdmin, caFile: pki.node.caFile });
    try {
      await assert.rejects(callUnary(anonymous.node, "GetStatus", {}), failsWith(status.UNAVAILABLE));
      await assert.rejects(callUnary(foreign.node, "GetStatus", {}), failsWith(status.UNAVAILABLE));
      await assert.rejects(checkHealth(anonymous.health), failsWith(status.UNAVAILABLE));
    } finally {
      anonymous.close();
      foreign.close();
    }
    assert.equal(events.calls, before, "no handler ran");
  });
});

describe("control server calls", () => {
  it("ends a server stream promptly when the client cancels", async () => {
    const viewer = await clientsFor(pki.operators.viewer);
    try {
      const watch = openStream(viewer.node, "WatchStatus", { intervalMs: 0 });
      const ended = new Promise<ServiceError>((resolve) => watch.on("error", resolve));
      watch.once("data", () => watch.cancel());
      assert.match(await events.watchEnded.promise, /client cancelled/);
      assert.equal((await ended).code, status.CANCELLED);
    } finally {
      viewer.close();
    }
  });

  it("answers health checks for the server and each service, without a role check", async () => {
    const node = await clientsFor(pki.node);
    try {
      assert.equal(await checkHealth(node.health), "SERVING");
      assert.equal(await checkHealth(node.health, "entrim.agent.v1.NodeService"), "SERVING");
      assert.equal(await checkHealth(node.health, "entrim.agent.v1.AuditService"), "SERVING");
      await assert.rejects(checkHealth(node.health, "no.such.Service"), failsWith(status.NOT_FOUND));
    } finally {
      node.close();
    }
  });

  it("maps RpcError, StoreError, store outages and bugs to statuses", async () => {
    const viewer = await clientsFor(pki.operators.viewer);
    const list = (operator: string) =>
      callUnary(viewer.audit, "ListAudit", { operator, target: "secret-target" });
    try {
      await assert.rejects(
        list("rpc"),
        failsWith(status.FAILED_PRECONDITION, /^the chain is being pruned; retry$/),
      );
      await assert.rejects(list("invalid"), failsWith(status.INVALID_ARGUMENT, /store says invalid/));
      await assert.rejects(list("not_found"), failsWith(status.NOT_FOUND, /store says not_found/));
      await assert.rejects(list("conflict"), failsWith(status.FAILED_PRECONDITION, /store says conflict/));
      await assert.rejects(list("pg"), failsWith(status.UNAVAILABLE, /cluster store is unreachable/));
      let reference = "";
      await assert.rejects(list("bug"), (error: ServiceError) => {
        failsWith(status.INTERNAL, /^internal error \(reference [0-9a-f]{8}\)/)(error);
        assert.doesNotMatch(error.details, /hunter2|TypeError/);
        reference = /reference ([0-9a-f]{8})/.exec(error.details)![1]!;
        return true;
      });
      const logged = logLines.find((l) => l.reference === reference);
      assert.match(
        String((logged?.err as { message?: string })?.message),
        /hunter2/,
        "the detail is in the log",
      );
    } finally {
      viewer.close();
    }
    assert.ok(
      logLines.some((l) => l.level === 20 && l.method === "entrim.agent.v1.AuditService/ListAudit"),
      "calls are logged at debug",
    );
    assert.ok(
      !logLines.some((l) => JSON.stringify(l).includes("secret-target")),
      "no request payload in the log",
    );
  });
});

describe("control server limits", () => {
  let limited: ControlServer;
  const ended: Deferred<void>[] = [];
  before(async () => {
    const proto = loadAgentProto();
    limited = await startControlServer({
      listen: "127.0.0.1:0",
      ...pki.node,
      logger: pino({ level: "silent" }),
      maxStreamsPerCertificate: 3,
      services: [
        {
          name: "entrim.agent.v1.NodeService",
          definition: proto.NodeService.service,
          methods: {
            Undrain: unary("operator", async () => ({ state: "NODE_STATE_SERVING" })),
            // One message, then open until the client leaves.
            WatchStatus: stream("viewer", async (_request, send, context) => {
              const done = deferred<void>();
              ended.push(done);
              try {
                await send({ node: "test-node" });
                await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
              } finally {
                done.resolve();
              }
            }),
          },
        },
      ],
    });
  });
  after(() => limited.stop(0));
  const clients = (files: { caFile: string; certFile?: string; keyFile?: string }) =>
    controlClients({ address: limited.address, ...files });
  const opened = (watch: ReturnType<typeof openStream>) =>
    new Promise<void>((resolve, reject) => {
      watch.once("data", () => resolve());
      watch.once("error", reject);
    });

  it("caps the open streams of one certificate with RESOURCE_EXHAUSTED; others are not affected", async () => {
    const viewer = await clients(pki.operators.viewer);
    const operator = await clients(pki.operators.operator);
    try {
      const watches = [0, 1, 2].map(() => openStream(viewer.node, "WatchStatus", {}));
      await Promise.all(watches.map(opened));
      const fourth = openStream(viewer.node, "WatchStatus", {});
      await assert.rejects(
        opened(fourth),
        failsWith(status.RESOURCE_EXHAUSTED, /Your certificate \(viewer\) already holds 3 open streams/),
      );
      const other = openStream(operator.node, "WatchStatus", {});
      await opened(other);
      // Closing one gives its place back.
      const first = ended[0]!;
      watches[0]!.on("error", () => {});
      watches[0]!.cancel();
      await first.promise;
      const again = openStream(viewer.node, "WatchStatus", {});
      await opened(again);
      for (const w of [...watches.slice(1), other, again]) {
        w.on("error", () => {});
        w.cancel();
      }
    } finally {
      viewer.close();
      operator.close();
    }
  });

  it("refuses control characters in any request string with INVALID_ARGUMENT naming the field", async () => {
    const operator = await clients(pki.operators.operator);
    try {
      for (const [reason, shown] of [
        ["kernel\u0000update", "U+0000 at position 7"],
        ["two\nlines", "U+000A at position 4"],
        ["c1 \u0085 control", "U+0085 at position 4"],
        ["\u007f", "U+007F at position 1"],
      ] as const)
        await assert.rejects(
          callUnary(operator.node, "Undrain", { reason }),
          failsWith(
            status.INVALID_ARGUMENT,
            new RegExp(`^reason contains a control character \\(${shown.replace("+", "\\+")}\\)`),
          ),
        );
      // Plain text, emoji (a proper pair) included, passes.
      assert.equal(
        (await callUnary(operator.node, "Undrain", { reason: "done 🚀" })).state,
        "NODE_STATE_SERVING",
      );
    } finally {
      operator.close();
    }
  });
});
