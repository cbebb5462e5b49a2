import type { Server, Socket } from "node:net";
import { Server as TlsServer } from "node:tls";
import type { Logger } from "../common/log.js";
import type { Cidr } from "../domain/cidr.js";
import { formatIp, parseIp } from "../domain/cidr.js";
import { isTrustedPeer, PROXIED_CLIENT } from "./client-address.js";

/** The 12 bytes every PROXY protocol v2 header starts with (haproxy's proxy-protocol.txt, 2.2). */
export const PROXY_V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
const FIXED_BYTES = 16;

export type ProxyHeader =
  /** More bytes are needed before anything can be said. */
  | { kind: "incomplete" }
  | { kind: "invalid"; reason: string }
  /** The balancer speaking for itself (health checks): the socket's peer is the client. */
  | { kind: "local"; length: number }
  /** A relayed connection whose addresses the header does not carry (UNSPEC, UNIX): use the peer. */
  | { kind: "unknown"; length: number }
  | {
      kind: "proxy";
      length: number;
      family: 4 | 6;
      source: string;
      sourcePort: number;
      destination: string;
      destinationPort: number;
    };

function readAddress(bytes: Buffer, offset: number, version: 4 | 6): string {
  const size = version === 4 ? 4 : 16;
  let value = 0n;
  for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(bytes[offset + i]!);
  return formatIp(version, value);
}

/**
 * Parses a PROXY protocol v2 header at the start of `bytes`. `length` is the whole header (TLVs
 * included): what to consume before HTTP begins. Version 1 (the text form) is refused: it is what
 * `send-proxy` sends, and saying so beats reading "PROXY TCP4 ..." as a broken HTTP request.
 */
export function parseProxyV2(bytes: Buffer): ProxyHeader {
  const seen = Math.min(bytes.length, PROXY_V2_SIGNATURE.length);
  if (!bytes.subarray(0, seen).equals(PROXY_V2_SIGNATURE.subarray(0, seen))) {
    if (bytes.subarray(0, 6).toString("latin1") === "PROXY ") {
      return { kind: "invalid", reason: "PROXY protocol v1 header; only v2 is accepted (send-proxy-v2)" };
    }
    return { kind: "invalid", reason: "no PROXY protocol v2 signature" };
  }
  if (bytes.length < FIXED_BYTES) return { kind: "incomplete" };
  const versionCommand = bytes[12]!;
  if (versionCommand >> 4 !== 2) return { kind: "invalid", reason: `unknown version ${versionCommand >> 4}` };
  const command = versionCommand & 0x0f;
  if (command > 1) return { kind: "invalid", reason: `unknown command ${command}` };
  const family = bytes[13]! >> 4;
  const transport = bytes[13]! & 0x0f;
  const length = FIXED_BYTES + bytes.readUInt16BE(14);
  if (bytes.length < length) return { kind: "incomplete" };
  if (command === 0) return { kind: "local", length };
  const version = family === 1 ? 4 : family === 2 ? 6 : undefined;
  if (version === undefined || transport !== 1) return { kind: "unknown", length };
  const size = version === 4 ? 4 : 16;
  if (length - FIXED_BYTES < 2 * size + 4) {
    return { kind: "invalid", reason: "address block shorter than its family needs" };
  }
  const ports = FIXED_BYTES + 2 * size;
  return {
    kind: "proxy",
    length,
    family: version,
    source: readAddress(bytes, FIXED_BYTES, version),
    destination: readAddress(bytes, FIXED_BYTES + size, version),
    sourcePort: bytes.readUInt16BE(ports),
    destinationPort: bytes.readUInt16BE(ports + 2),
  };
}

/** Builds a v2 header (tests, and anyone who needs to speak it): PROXY over TCP, or LOCAL. */
export function encodeProxyV2(
  header:
    | { command: "local" }
    | { command: "proxy"; source: string; sourcePort: number; destination: string; destinationPort: number },
): Buffer {
  if (header.command === "local") {
    return Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x20, 0x00, 0x00, 0x00])]);
  }
  const v6 = header.source.includes(":");
  const address = (text: string) => {
    const ip = parseIp(text);
    const size = v6 ? 16 : 4;
    if (!ip || ip.version !== (v6 ? 6 : 4)) throw new Error(`${text} is not an IPv${v6 ? 6 : 4} address`);
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i++) out[i] = Number((ip.value >> BigInt(8 * (size - 1 - i))) & 0xffn);
    return out;
  };
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(header.sourcePort, 0);
  ports.writeUInt16BE(header.destinationPort, 2);
  const body = Buffer.concat([address(header.source), address(header.destination), ports]);
  const fixed = Buffer.from([0x21, v6 ? 0x21 : 0x11, 0, 0]);
  fixed.writeUInt16BE(body.length, 2);
  return Buffer.concat([PROXY_V2_SIGNATURE, fixed, body]);
}

export interface ProxyProtocolOptions {
  /** Only these peers may send a header; every other connection is closed unread. */
  trusted: readonly Cidr[];
  /** A peer that has not finished its header by then is cut off. */
  headerTimeoutMs: number;
  logger: Logger;
}

/**
 * Makes `server` (Node's http or https server, before it listens) read a PROXY protocol v2 header
 * off every connection before HTTP or TLS sees a byte. The server's own connection handlers are
 * moved behind the header reader, so listen, close and connection tracking stay Node's.
 *
 * A listener with PROXY protocol on sits behind the balancer and nothing else: a connection from a
 * peer outside the trusted networks is closed (so no one can claim an address by sending a header),
 * and one from a trusted peer without a valid header too (a balancer that lost its send-proxy-v2
 * would otherwise make every customer look like the balancer).
 */
export function acceptProxyProtocol(server: Server, options: ProxyProtocolOptions): void {
  const handlers = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  // A TLS server wraps the socket and takes over what is buffered in it; a plain HTTP server reads
  // the socket's handle directly and must be resumed to see the bytes after the header.
  const resume = !(server instanceof TlsServer);
  let refusedSince = 0;
  let refused = 0;
  const refuse = (socket: Socket, reason: string) => {
    socket.destroy();
    refused++;
    const now = Date.now();
    // One line per minute at most: a scan must not flood the log.
    if (now - refusedSince < 60_000) return;
    options.logger.warn(
      { peer: socket.remoteAddress, reason, refused },
      "closed an API connection: PROXY protocol is on and only trusted balancers may connect",
    );
    refusedSince = now;
    refused = 0;
  };
  server.on("connection", (socket: Socket) => {
    socket.on("error", () => {});
    const peer = socket.remoteAddress ?? "";
    if (!isTrustedPeer(options.trusted, peer)) return refuse(socket, "peer not in api.trustedProxies");
    let received: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => {
      cleanup();
      refuse(socket, "no complete PROXY header in time");
    }, options.headerTimeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off("readable", onReadable).off("close", cleanup);
    };
    const onReadable = () => {
      for (;;) {
        const chunk = socket.read() as Buffer | null;
        if (chunk === null) return;
        received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
        const header = parseProxyV2(received);
        if (header.kind === "incomplete") continue;
        cleanup();
        if (header.kind === "invalid") return refuse(socket, header.reason);
        if (header.kind === "proxy")
          (socket as Socket & { [PROXIED_CLIENT]?: string })[PROXIED_CLIENT] = header.source;
        const rest = received.subarray(header.length);
        if (rest.length > 0) socket.unshift(rest);
        for (const handler of handlers) handler.call(server, socket);
        if (resume) socket.resume();
        return;
      }
    };
    socket.on("readable", onReadable).once("close", cleanup);
  });
}
