// The gRPC control listener: mutual TLS against the cluster CA, the caller's role from its certificate,
// and the contract's handlers (rpc.ts) adapted to grpc-js. No request payload is ever logged.
//
// Health (grpc.health.v1) sits behind the same TLS: a client without a certificate from the cluster CA
// cannot complete the handshake, so there is no unauthenticated port to probe. Past the handshake it has
// no role check, so an agent's node certificate (which names no role) can probe its peers.
import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { createSecureContext, type PeerCertificate } from "node:tls";
import * as grpc from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import type { Logger } from "../common/log.js";
import { requestTextProblem } from "../common/text.js";
import { allows, type Operator } from "../domain/roles.js";
import { operatorOf } from "./identity.js";
import { checkNotRevoked, type RevocationCheck, revokedMessage } from "./revocations.js";
import { type CallContext, type Method, RpcError, type ServiceImplementation } from "./rpc.js";
import { statusOf } from "./status.js";

export interface ControlServerOptions {
  /** host:port; port 0 picks a free one (tests). */
  listen: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  services: ServiceImplementation[];
  logger: Logger;
  /** The certificate deny list, checked on every call; without it nothing is refused as revoked. */
  revocations?: RevocationCheck | undefined;
  /** Open server streams one client certificate may hold at once (default 32). */
  maxStreamsPerCertificate?: number | undefined;
}

/**
 * A console opens a handful of watch streams per node; 32 leaves room for several windows while a
 * leaked or hostile client cannot pin an agent's memory and timers with thousands of idle streams.
 */
export const DEFAULT_MAX_STREAMS_PER_CERTIFICATE = 32;

export interface ControlServer {
  /** host:port actually bound. */
  address: string;
  port: number;
  /**
   * Stops taking calls, ends open streams at once with UNAVAILABLE (watchers would otherwise hold the
   * shutdown for the whole grace period), lets unary calls finish for `graceMs`, then cuts the rest.
   */
  stop(graceMs?: number): Promise<void>;
}

export const HEALTH_SERVICE_NAME = "grpc.health.v1.Health";

const SERVER_OPTIONS: grpc.ServerOptions = {
  // Watch streams sit idle for long stretches; pinging every 30 s finds a vanished console or a NAT
  // that dropped the connection instead of holding its stream open forever.
  "grpc.keepalive_time_ms": 30_000,
  "grpc.keepalive_timeout_ms": 10_000,
  "grpc.keepalive_permit_without_calls": 1,
  // Clients may ping every 10 s while idle. grpc-js does not police pings today; the value states the
  // policy so a client configured to it is never sent GOAWAY by a server that does.
  "grpc.http2.min_ping_interval_without_data_ms": 10_000,
  // Requests are small filters; responses are lists of at most 1000 rows.
  "grpc.max_receive_message_length": 1024 * 1024,
  "grpc.max_send_message_length": 16 * 1024 * 1024,
};

const SHUTTING_DOWN = "the agent is shutting down; reconnect or use another agent";

interface Active {
  controller: AbortController;
  stream: boolean;
  /** The caller's certificate, so a revocation can end calls already under way. */
  certificate: PeerCertificate | undefined;
}

interface Shared {
  logger: Logger;
  active: Set<Active>;
  revocations: RevocationCheck | undefined;
  maxStreams: number;
  /** Open server streams per client certificate (SHA-256 fingerprint). */
  streams: Map<string, number>;
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const tls = await readTlsFiles(options);
  const shared: Shared = {
    logger: options.logger,
    active: new Set(),
    revocations: options.revocations,
    maxStreams: options.maxStreamsPerCertificate ?? DEFAULT_MAX_STREAMS_PER_CERTIFICATE,
    streams: new Map(),
  };
  const server = new grpc.Server(SERVER_OPTIONS);
  for (const service of options.services) addService(server, service, shared);
  const health = new HealthImplementation({
    "": "SERVING",
    ...Object.fromEntries(options.services.map((service) => [service.name, "SERVING" as const])),
  });
  health.addToServer(server);
  // A revocation also ends what the certificate has open (a console's watch streams), not only its
  // next call.
  const unsubscribe = options.revocations?.subscribe?.(() => {
    for (const call of shared.active) {
      const revoked = call.certificate && options.revocations?.revocationOf(call.certificate);
      if (revoked) call.controller.abort(new RpcError(grpc.status.UNAUTHENTICATED, revokedMessage(revoked)));
    }
  });

  // checkClientCertificate=true: the handshake itself refuses a client without a certificate from ca.
  const credentials = grpc.ServerCredentials.createSsl(
    tls.ca,
    [{ cert_chain: tls.cert, private_key: tls.key }],
    true,
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(options.listen, credentials, (error, bound) =>
      error
        ? reject(new Error(`The control server cannot listen on ${options.listen}: ${error.message}`))
        : resolve(bound),
    );
  });
  const host = options.listen.slice(0, options.listen.lastIndexOf(":"));
  const address = `${host}:${port}`;
  options.logger.info({ address, services: options.services.map((s) => s.name) }, "control server listening");

  let stopped: Promise<void> | undefined;
  const stop = (graceMs = 5000): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      unsubscribe?.();
      for (const name of ["", ...options.services.map((s) => s.name)]) health.setStatus(name, "NOT_SERVING");
      const reason = new RpcError(grpc.status.UNAVAILABLE, SHUTTING_DOWN);
      for (const call of shared.active) if (call.stream) call.controller.abort(reason);
      const timer = setTimeout(() => {
        for (const call of shared.active) call.controller.abort(reason);
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return stopped;
  };
  return { address, port, stop };
}

async function readTlsFiles(
  options: ControlServerOptions,
): Promise<{ ca: Buffer; cert: Buffer; key: Buffer }> {
  const files = { ca: options.caFile, cert: options.certFile, key: options.keyFile };
  const read = await Promise.all(
    Object.values(files).map((file) =>
      readFile(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return undefined;
        throw new Error(`The control server cannot read ${file}: ${error.code ?? error.message}`);
      }),
    ),
  );
  const missing = Object.values(files).filter((_, i) => read[i] === undefined);
  if (missing.length > 0)
    throw new Error(
      `The control server needs its TLS files; missing ${missing.join(", ")}. Create them with ` +
        "`entrim-agent certs issue-node --name <node>` (once per cluster first `entrim-agent certs init-ca`), " +
        "or point control.caFile / certFile / keyFile at existing ones.",
    );
  const [ca, cert, key] = read as [Buffer, Buffer, Buffer];
  // grpc-js would report a mismatched key only as a failed bind, in OpenSSL's words; check up front.
  const renew = "Issue new ones with `entrim-agent certs issue-node --name <node>`.";
  try {
    createSecureContext({ ca, cert, key });
  } catch (error) {
    throw new Error(
      `The control server's TLS files do not fit together (${files.cert}, ${files.key}, ${files.ca}): ${(error as Error).message}. ${renew}`,
    );
  }
  const validTo = new Date(new X509Certificate(cert).validTo);
  if (validTo.getTime() < Date.now())
    throw new Error(
      `The control server's certificate ${files.cert} expired on ${validTo.toISOString()}. ${renew}`,
    );
  return { ca, cert, key };
}

function addService(server: grpc.Server, service: ServiceImplementation, shared: Shared): void {
  const handlers: grpc.UntypedServiceImplementation = {};
  const known = new Set<string>();
  for (const [name, definition] of Object.entries(service.definition)) {
    known.add(name).add(definition.originalName ?? name);
    const method = service.methods[name] ?? service.methods[definition.originalName ?? ""];
    // Not implemented (yet): grpc-js answers UNIMPLEMENTED.
    if (!method) continue;
    const streaming = method.kind === "stream";
    if (definition.requestStream || definition.responseStream !== streaming)
      throw new Error(
        `${service.name}.${name} is ${definition.responseStream ? "server-streaming" : "unary"} in the contract but implemented as ${method.kind}.`,
      );
    const info: CallInfo = { method: `${service.name}/${name}`, name, role: method.role, stream: streaming };
    handlers[name] = streaming ? streamHandler(method, info, shared) : unaryHandler(method, info, shared);
  }
  for (const name of Object.keys(service.methods))
    if (!known.has(name)) throw new Error(`${service.name} has no method ${name} in its contract.`);
  server.addService(service.definition, handlers);
}

interface CallInfo {
  /** "entrim.agent.v1.NodeService/Drain", for the log. */
  method: string;
  /** "Drain", for messages to the operator. */
  name: string;
  role: Method["role"];
  stream: boolean;
}

type AnyServerCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;

/**
 * Identifies and authorizes the caller, runs `body` with a CallContext whose signal follows the call,
 * logs the outcome and returns the status to send (null for OK).
 */
async function run<T>(
  call: AnyServerCall,
  info: CallInfo,
  shared: Shared,
  body: (context: CallContext) => Promise<T>,
): Promise<{ value?: T; error: grpc.ServerErrorResponse | null }> {
  const started = performance.now();
  const active: Active = {
    controller: new AbortController(),
    stream: info.stream,
    certificate: call.getAuthContext().sslPeerCertificate,
  };
  const { signal } = active.controller;
  const onCancelled = () =>
    active.controller.abort(
      new RpcError(grpc.status.CANCELLED, "the client cancelled or the deadline passed"),
    );
  call.on("cancelled", onCancelled);
  shared.active.add(active);
  let operator: Operator | undefined;
  let streamKey: string | undefined;
  try {
    // Revocation before anything else: a revoked certificate learns nothing, not even its role.
    checkNotRevoked(shared.revocations, call.getAuthContext().sslPeerCertificate);
    operator = operatorOf(call);
    if (!allows(operator.role, info.role))
      throw new RpcError(
        grpc.status.PERMISSION_DENIED,
        `${info.name} needs the ${info.role} role; your certificate (${operator.name}) names ${operator.role}.`,
      );
    // Every string of every request, in one place: reasons, targets and names reach the audit log,
    // the registry and the console, where a control character is at best lost and at worst harmful.
    const problem = requestTextProblem(call.request);
    if (problem) throw new RpcError(grpc.status.INVALID_ARGUMENT, problem);
    if (info.stream) streamKey = openStream(shared, call, operator);
    const value = await body({
      operator,
      peer: call.getPeer(),
      certificate: call.getAuthContext().sslPeerCertificate,
      signal,
    });
    // A stream that returns because the server is stopping has not finished: the client must know.
    if (info.stream && signal.aborted) throw signal.reason;
    logCall(shared.logger, info, operator, grpc.status.OK, started);
    return { value, error: null };
  } catch (thrown) {
    // A handler that stops on abort may throw whatever its awaited API throws (AbortError, say); the
    // abort's own reason says what happened.
    const cause = signal.aborted && !(thrown instanceof RpcError) ? signal.reason : thrown;
    const result = statusOf(cause);
    if (result.reference)
      shared.logger.error(
        { err: cause, method: info.method, operator: operator?.name, reference: result.reference },
        "control call failed",
      );
    logCall(shared.logger, info, operator, result.code, started, result.details);
    return {
      error: { name: "RpcError", message: result.details, code: result.code, details: result.details },
    };
  } finally {
    call.off("cancelled", onCancelled);
    shared.active.delete(active);
    if (streamKey) closeStream(shared, streamKey);
  }
}

/** Counts a stream against its certificate; RESOURCE_EXHAUSTED past the cap. Returns the key to release. */
function openStream(shared: Shared, call: AnyServerCall, operator: Operator): string {
  const certificate = call.getAuthContext().sslPeerCertificate;
  const key = certificate?.fingerprint256 ?? `name:${operator.name}`;
  const open = shared.streams.get(key) ?? 0;
  if (open >= shared.maxStreams)
    throw new RpcError(
      grpc.status.RESOURCE_EXHAUSTED,
      `Your certificate (${operator.name}) already holds ${open} open streams on this agent, the most one ` +
        "certificate may; close some (e.g. other console windows) and try again.",
    );
  shared.streams.set(key, open + 1);
  return key;
}

function closeStream(shared: Shared, key: string): void {
  const open = (shared.streams.get(key) ?? 1) - 1;
  if (open <= 0) shared.streams.delete(key);
  else shared.streams.set(key, open);
}

function logCall(
  logger: Logger,
  info: CallInfo,
  operator: Operator | undefined,
  code: grpc.status,
  started: number,
  details?: string,
): void {
  const entry = {
    method: info.method,
    operator: operator?.name,
    role: operator?.role,
    status: grpc.status[code],
    ms: Math.round(performance.now() - started),
  };
  if (code === grpc.status.PERMISSION_DENIED || code === grpc.status.UNAUTHENTICATED)
    logger.info({ ...entry, reason: details }, "control call refused");
  else logger.debug(entry, "control call");
}

function unaryHandler(
  method: Method,
  info: CallInfo,
  shared: Shared,
): grpc.handleUnaryCall<unknown, unknown> {
  if (method.kind !== "unary") throw new Error("unreachable");
  return (call, callback) => {
    void run(call, info, shared, (context) => method.handle(call.request, context)).then(
      ({ value, error }) => (error ? callback(error) : callback(null, value)),
    );
  };
}

function streamHandler(
  method: Method,
  info: CallInfo,
  shared: Shared,
): grpc.handleServerStreamingCall<unknown, unknown> {
  if (method.kind !== "stream") throw new Error("unreachable");
  return (call) => {
    void run(call, info, shared, (context) =>
      method.handle(call.request, (message) => send(call, message, context.signal), context),
    ).then(({ error }) => {
      if (call.cancelled) return; // the client is gone; there is nobody to tell
      if (error) call.emit("error", error);
      else call.end();
    });
  };
}

/** Resolves once the transport can take more; rejects with the abort reason once the call ends. */
async function send(
  call: grpc.ServerWritableStream<unknown, unknown>,
  message: unknown,
  signal: AbortSignal,
) {
  if (signal.aborted) throw signal.reason;
  if (call.write(message)) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      call.off("drain", onDrain);
      signal.removeEventListener("abort", onAbort);
    };
    const onDrain = () => {
      done();
      resolve();
    };
    const onAbort = () => {
      done();
      reject(signal.reason);
    };
    call.on("drain", onDrain);
    signal.addEventListener("abort", onAbort);
  });
}
