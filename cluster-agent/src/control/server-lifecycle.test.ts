import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadAgentProto } from "@entrim/proto";
import { type ServiceError, status } from "@grpc/grpc-js";
import { pino } from "pino";
import { controlClients, issueTestPki, openStream, type TestPki } from "../test-support/control-client.js";
import { makeTempDataDir } from "../test-support/postgres.js";
import { type ServiceImplementation, stream, unary } from "./rpc.js";
import { startControlServer } from "./server.js";

const logger = pino({ level: "silent" });
let dir: string;
let pki: TestPki;

before(async () => {
  dir = await makeTempDataDir();
  pki = await issueTestPki(join(dir, "pki"));
});
after(() => rm(dir, { recursive: true, force: true }));

/** WatchStatus sends until its signal aborts and reports why it stopped. */
function watchService(onEnd: (reason: string) => void): ServiceImplementation {
  return {
    name: "entrim.agent.v1.NodeService",
    definition: loadAgentProto().NodeService.service,
    methods: {
      WatchStatus: stream("viewer", async (_request, send, { signal }) => {
        try {
          while (!signal.aborted) await send({ node: "test-node" });
        } finally {
          onEnd((signal.reason as Error).message);
        }
      }),
    },
  };
}

const streamError = (call: NodeJS.EventEmitter) =>
  new Promise<ServiceError>((resolve) => call.on("error", resolve));

describe("control server lifecycle", () => {
  it("names the missing TLS files and the command that creates them", async () => {
    await assert.rejects(
      startControlServer({
        listen: "127.0.0.1:0",
        caFile: pki.node.caFile,
        certFile: join(dir, "nowhere", "node.pem"),
        keyFile: join(dir, "nowhere", "node-key.pem"),
        services: [],
        logger,
      }),
      (error: Error) => {
        assert.match(error.message, /missing .*nowhere\/node\.pem, .*nowhere\/node-key\.pem\./);
        assert.doesNotMatch(error.message, /ca\.pem,/);
        assert.match(error.message, /entrim-agent certs issue-node --name <node>/);
        return true;
      },
    );
  });

  it("refuses a key that does not belong to the certificate", async () => {
    await assert.rejects(
      startControlServer({
        listen: "127.0.0.1:0",
        ...pki.node,
        keyFile: pki.operators.admin.keyFile,
        services: [],
        logger,
      }),
      /TLS files do not fit together .*key values mismatch.*certs issue-node/,
    );
  });

  it("refuses an implementation that does not match the contract", async () => {
    const definition = loadAgentProto().NodeService.service;
    const start = (methods: ServiceImplementation["methods"]) =>
      startControlServer({
        listen: "127.0.0.1:0",
        ...pki.node,
        services: [{ name: "entrim.agent.v1.NodeService", definition, methods }],
        logger,
      });
    await assert.rejects(
      start({ Drain: unary("operator", async () => ({})) }),
      /NodeService\.Drain is server-streaming in the contract but implemented as unary/,
    );
    await assert.rejects(start({ Drian: unary("operator", async () => ({})) }), /has no method Drian/);
  });

  it("ends a stream whose deadline passes", async () => {
    let ended!: (reason: string) => void;
    const handlerEnded = new Promise<string>((resolve) => {
      ended = resolve;
    });
    const server = await startControlServer({
      listen: "127.0.0.1:0",
      ...pki.node,
      services: [watchService(ended)],
      logger,
    });
    const clients = await controlClients({ address: server.address, ...pki.operators.viewer });
    try {
      const watch = openStream(clients.node, "WatchStatus", {}, { deadline: Date.now() + 300 });
      const error = streamError(watch);
      watch.on("data", () => {}); // keep it flowing so the server is not only waiting on backpressure
      assert.match(await handlerEnded, /deadline passed/);
      assert.equal((await error).code, status.DEADLINE_EXCEEDED);
    } finally {
      clients.close();
      await server.stop(0);
    }
  });

  it("ends open streams with UNAVAILABLE when it stops", async () => {
    let ended!: (reason: string) => void;
    const handlerEnded = new Promise<string>((resolve) => {
      ended = resolve;
    });
    const server = await startControlServer({
      listen: "127.0.0.1:0",
      ...pki.node,
      services: [watchService(ended)],
      logger,
    });
    const clients = await controlClients({ address: server.address, ...pki.operators.viewer });
    try {
      const watch = openStream(clients.node, "WatchStatus", {});
      const error = streamError(watch);
      await new Promise((resolve) => watch.once("data", resolve));
      watch.on("data", () => {});
      const stopped = server.stop(5000);
      assert.match(await handlerEnded, /shutting down/);
      const received = await error;
      assert.equal(received.code, status.UNAVAILABLE);
      assert.match(received.details, /shutting down/);
      await stopped;
    } finally {
      clients.close();
    }
  });
});
