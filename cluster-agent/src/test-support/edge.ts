import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from "node:tls";
import type { AdmissionGate } from "../admission/gate.js";
import { type ApiServer, type ApiServerOptions, createApiServer } from "../api/server.js";
import { createLogger } from "../common/log.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { ModelRegistry } from "../serving/models.js";
import { HeldRuntime } from "./held-runtime.js";

/** The key the edge tests' authenticator accepts; any other is unknown, none is missing. */
export const GOOD_KEY = "Bearer good";

/**
 * A public API server on real sockets for edge tests: a HeldRuntime model, one accepted key, and a
 * gate that records the client address every request was admitted (or refused) as.
 */
export async function edgeServer(
  options: Partial<
    Pick<ApiServerOptions, "trustedProxies" | "forwardedHeader" | "proxyProtocol" | "tls">
  > = {},
): Promise<{ app: ApiServer; port: number; seen: string[]; failures: string[]; close: () => Promise<void> }> {
  const runtime = new HeldRuntime();
  const models = new ModelRegistry();
  models.add({
    runtime,
    scheduler: new Scheduler({ name: "held", slots: runtime.slots, queueLimit: 4, queueTimeoutMs: 10_000 }),
  });
  await models.loadAll();
  const seen: string[] = [];
  const failures: string[] = [];
  const recorder: AdmissionGate = {
    checkIp: (ip) => void seen.push(ip),
    onAuthFailure: (ip) => void failures.push(ip),
  };
  const app = createApiServer({
    models,
    authenticator: {
      authenticate: (header) =>
        header === GOOD_KEY
          ? { ok: true, keyId: "abcdefghijkl", accountId: "acct_edge" }
          : { ok: false, reason: header ? "unknown" : "missing" },
    },
    logger: createLogger({ level: "silent" }),
    bodyLimitBytes: 1024 * 1024,
    requestTimeoutMs: 5_000,
    gates: [recorder],
    ...options,
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { app, port, seen, failures, close: () => app.close() };
}

export interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/**
 * Reads one HTTP/1.1 response (Content-Length bodies only, which is all the API's non-streamed
 * answers use) off a connection that stays open, so a test can send another request on it.
 */
export async function readResponse(socket: Socket | TLSSocket): Promise<RawAnswer> {
  let received = Buffer.alloc(0);
  for (;;) {
    const end = received.indexOf("\r\n\r\n");
    if (end >= 0) {
      const head = received.subarray(0, end).toString("latin1");
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (received.length >= end + 4 + length) {
        const rest = received.subarray(end + 4 + length);
        if (rest.length > 0) socket.unshift(rest);
        const body = received.subarray(end + 4, end + 4 + length).toString("utf8");
        return { status: Number(head.split(" ")[1]), head, body };
      }
    }
    const chunk = socket.read() as Buffer | null;
    if (chunk) {
      received = Buffer.concat([received, chunk]);
      continue;
    }
    if (socket.readableEnded || socket.destroyed)
      throw new Error(`connection closed mid-response: ${received}`);
    await Promise.race([once(socket, "readable"), once(socket, "close")]);
  }
}

/** Resolves with everything the server sent once it closed the connection (empty if refused unread). */
export function untilClosed(socket: Socket): Promise<string> {
  let data = "";
  socket.on("data", (chunk: Buffer) => (data += chunk.toString("latin1")));
  socket.on("error", () => {});
  return new Promise((resolve) => socket.once("close", () => resolve(data)));
}

/** A plain TCP connection from a chosen loopback address (all of 127.0.0.0/8 is this machine). */
export async function dial(port: number, localAddress = "127.0.0.1"): Promise<Socket> {
  const socket = connect({ host: "127.0.0.1", port, localAddress });
  await once(socket, "connect");
  return socket;
}

/** TLS over a fresh or given connection; resolves once the handshake is done. */
export async function dialTls(port: number, options: ConnectionOptions): Promise<TLSSocket> {
  const socket = tlsConnect({ host: "127.0.0.1", port, servername: "localhost", ...options });
  await once(socket, "secureConnect");
  return socket;
}
