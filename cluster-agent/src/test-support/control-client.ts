// Real certificates and real mTLS clients for tests of the control server and its services.
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import { loadAgentProto } from "@entrim/proto";
import * as grpc from "@grpc/grpc-js";
import { service as healthDefinition } from "grpc-health-check";
import { initCa, issueNodeCertificate, issueOperatorCertificate } from "../control/certs.js";
import { ROLES, type Role } from "../domain/roles.js";

/** PEM files a client (or the server) presents. */
export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface TestPki {
  /** The cluster CA's directory (ca.pem, ca-key.pem). */
  caDir: string;
  /** The agent's files, as `startControlServer` takes them (node "test-node", SAN 127.0.0.1). */
  node: TlsFiles;
  /** One operator per role, named after it ("viewer", "operator", "admin"). */
  operators: Record<Role, TlsFiles>;
  /** An admin certificate from another CA: the handshake must refuse it. */
  foreignAdmin: TlsFiles;
}

/** A CA, a node certificate, an operator per role and a foreign admin, all under `dir`. */
export async function issueTestPki(dir: string): Promise<TestPki> {
  const caDir = join(dir, "ca");
  await initCa({ dir: caDir, name: "Test cluster CA" });
  const node = await issueNodeCertificate({ caDir, name: "test-node", outDir: join(dir, "tls") });
  const operators = {} as Record<Role, TlsFiles>;
  for (const role of ROLES) {
    const issued = await issueOperatorCertificate({
      caDir,
      name: role,
      role,
      outDir: join(dir, "operators"),
    });
    operators[role] = issued;
  }
  const foreignCaDir = join(dir, "foreign-ca");
  await initCa({ dir: foreignCaDir, name: "Foreign CA" });
  const foreign = await issueOperatorCertificate({
    caDir: foreignCaDir,
    name: "admin",
    role: "admin",
    outDir: join(dir, "foreign"),
  });
  return { caDir, node, operators, foreignAdmin: foreign };
}

/** Another node's certificate from the test cluster's CA (a peer, or an impostor of one). */
export function issueTestNodeCertificate(pki: TestPki, name: string, outDir: string): Promise<TlsFiles> {
  return issueNodeCertificate({ caDir: pki.caDir, name, outDir });
}

const HealthClient = grpc.makeClientConstructor(
  healthDefinition as unknown as grpc.ServiceDefinition,
  "grpc.health.v1.Health",
);

/**
 * A client per service of the contract, plus health, over one mTLS channel configuration. Leave out
 * certFile/keyFile to connect without a client certificate. `close()` closes them all.
 */
export async function controlClients(options: {
  address: string;
  caFile: string;
  certFile?: string;
  keyFile?: string;
}) {
  const [ca, cert, key] = await Promise.all([
    readFile(options.caFile),
    options.certFile ? readFile(options.certFile) : undefined,
    options.keyFile ? readFile(options.keyFile) : undefined,
  ]);
  const credentials = grpc.credentials.createSsl(ca, key ?? null, cert ?? null);
  // Node warns (DEP0123) when TLS SNI is an IP address, which grpc-js sends for "127.0.0.1:port";
  // every node certificate also names localhost, so verify against that name instead.
  const host = options.address.slice(0, options.address.lastIndexOf(":")).replace(/^\[|\]$/g, "");
  const channel: grpc.ChannelOptions = isIP(host) ? { "grpc.ssl_target_name_override": "localhost" } : {};
  const proto = loadAgentProto();
  const clients = {
    node: new proto.NodeService(options.address, credentials, channel),
    cluster: new proto.ClusterService(options.address, credentials, channel),
    accounts: new proto.AccountService(options.address, credentials, channel),
    abuse: new proto.AbuseService(options.address, credentials, channel),
    audit: new proto.AuditService(options.address, credentials, channel),
    notices: new proto.NoticesService(options.address, credentials, channel),
    alerts: new proto.AlertsService(options.address, credentials, channel),
    status: new proto.StatusPageService(options.address, credentials, channel),
    certs: new proto.CertificateService(options.address, credentials, channel),
    health: new HealthClient(options.address, credentials, channel),
  };
  return {
    ...clients,
    close(): void {
      for (const client of Object.values(clients)) client.close();
    },
  };
}

// The last overload of a generated method is the shortest one, which conditional types infer from.
type UnaryRequest<F> = F extends (request: infer Req, callback: grpc.requestCallback<infer _Res>) => unknown
  ? Req
  : never;
type UnaryResponse<F> = F extends (request: infer _Req, callback: grpc.requestCallback<infer Res>) => unknown
  ? Res
  : never;
type StreamRequest<F> = F extends (
  request: infer Req,
  options?: grpc.CallOptions,
) => grpc.ClientReadableStream<infer _Res>
  ? Req
  : never;
type StreamResponse<F> = F extends (
  request: infer _Req,
  options?: grpc.CallOptions,
) => grpc.ClientReadableStream<infer Res>
  ? Res
  : never;

/** One unary call as a promise; rejects with the grpc-js ServiceError (`code`, `details`). */
export function callUnary<C extends grpc.Client, M extends keyof C & string>(
  client: C,
  method: M,
  request: UnaryRequest<C[M]>,
  options: grpc.CallOptions = {},
): Promise<UnaryResponse<C[M]>> {
  return new Promise((resolve, reject) => {
    const fn = client[method] as unknown as (...args: unknown[]) => unknown;
    fn.call(
      client,
      request,
      new grpc.Metadata(),
      options,
      (error: grpc.ServiceError | null, value: unknown) =>
        error ? reject(error) : resolve(value as UnaryResponse<C[M]>),
    );
  });
}

/** Starts a server-streaming call; pair with `collectStream`, or read it and `cancel()` it. */
export function openStream<C extends grpc.Client, M extends keyof C & string>(
  client: C,
  method: M,
  request: StreamRequest<C[M]>,
  options: grpc.CallOptions = {},
): grpc.ClientReadableStream<StreamResponse<C[M]>> {
  const fn = client[method] as unknown as (
    ...args: unknown[]
  ) => grpc.ClientReadableStream<StreamResponse<C[M]>>;
  return fn.call(client, request, options);
}

/** Every message of a stream once it ends; rejects with the ServiceError it ends with. */
export function collectStream<T>(stream: grpc.ClientReadableStream<T>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const messages: T[] = [];
    stream.on("data", (message: T) => messages.push(message));
    stream.on("error", reject);
    stream.on("end", () => resolve(messages));
  });
}

/** grpc.health.v1 Check: "SERVING", "NOT_SERVING", ...; rejects like callUnary. */
export function checkHealth(client: grpc.Client, service = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (client as unknown as Record<string, (...args: unknown[]) => unknown>).Check!;
    check.call(client, { service }, (error: grpc.ServiceError | null, value: { status: string }) =>
      error ? reject(error) : resolve(value.status),
    );
  });
}
