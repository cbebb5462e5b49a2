import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import type { ServiceError, status } from "@grpc/grpc-js";
import { pino } from "pino";
import type { RevocationCheck } from "../control/revocations.js";
import type { ServiceImplementation } from "../control/rpc.js";
import { type ControlServer, startControlServer } from "../control/server.js";
import { auditCheckpointKey } from "../store/audit-hash.js";
import { StoreAuditRecorder } from "../store/audit-recorder.js";
import { controlClients, issueTestPki, type TestPki } from "./control-client.js";
import { makeTempDataDir, type TestStore } from "./postgres.js";

export type OperatorRole = "viewer" | "operator" | "admin";
export type ControlClients = Awaited<ReturnType<typeof controlClients>>;

export interface ControlFixture {
  pki: TestPki;
  server: ControlServer;
  /** One set of clients per operator role, each over its own certificate. */
  clients: Record<OperatorRole, ControlClients>;
  /** Closes the clients and the server and removes the certificates; the store is the caller's. */
  close(): Promise<void>;
}

/**
 * A control server with the given services on a test store, over real mTLS, and clients for every
 * operator role: the set-up each control/services test shares. `services` gets the audit recorder
 * the server's changes are recorded with.
 */
export async function startControlFixture(
  t: TestStore,
  services: (recorder: StoreAuditRecorder) => ServiceImplementation[],
  options: { revocations?: RevocationCheck } = {},
): Promise<ControlFixture> {
  const dir = await makeTempDataDir();
  const pki = await issueTestPki(dir);
  const recorder = new StoreAuditRecorder(t.store, "test-node", auditCheckpointKey(randomBytes(32)));
  const server = await startControlServer({
    listen: "127.0.0.1:0",
    ...pki.node,
    logger: pino({ level: "silent" }),
    revocations: options.revocations,
    services: services(recorder),
  });
  const clients = {} as Record<OperatorRole, ControlClients>;
  for (const role of ["viewer", "operator", "admin"] as const)
    clients[role] = await controlClients({ address: server.address, ...pki.operators[role] });
  return {
    pki,
    server,
    clients,
    async close() {
      for (const c of Object.values(clients)) c.close();
      await server.stop(100);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** assert.rejects' check for a gRPC refusal with this code and a detail matching `pattern`. */
export const refused = (code: status, pattern: RegExp) => (error: ServiceError) => {
  assert.equal(error.code, code, error.details);
  assert.match(error.details, pattern);
  return true;
};
