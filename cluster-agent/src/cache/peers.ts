/**
 * Peers share verified artifacts over HTTPS with mutual TLS: the serving agent presents its node
 * certificate and asks for one from the cluster CA; the fetching agent presents its own. Model weights
 * are the provider's property, so only the cluster's own nodes (and operators) may pull them; a
 * receiver still verifies the sha256 of every byte it gets.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { PeerCertificate, TLSSocket } from "node:tls";
import { Agent, type Dispatcher } from "undici";
import type { Logger } from "../common/log.js";
import { parseListenAddress } from "../config/listen-address.js";
import { listNodes } from "../store/nodes.js";
import type { Store } from "../store/store.js";
import type { ArtifactCache } from "./artifacts.js";
import { handleArtifactRequest } from "./serve.js";

export interface PeerTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface ArtifactPeerServer {
  /** Base URL peers fetch from, e.g. https://10.0.0.5:9444 */
  url: string;
  stop(): Promise<void>;
}

/** Why a client certificate may not download (sent as the 403's body), or undefined when it may. */
export type ArtifactClientCheck = (certificate: PeerCertificate) => string | undefined;

/** OU of agent certificates (control/certs.ts NODE_UNIT; repeated here, below control/ in the layers). */
const NODE_UNIT = "node";

/**
 * Serves `GET /artifacts/sha256/<hex>` from this node's cache to clients holding a cluster certificate
 * that `authorize` accepts (every one when it is not given: tests of the transfer alone).
 */
export async function startArtifactPeerServer(options: {
  listen: string;
  tls: PeerTls;
  cache: ArtifactCache;
  logger?: Logger | undefined;
  authorize?: ArtifactClientCheck | undefined;
}): Promise<ArtifactPeerServer> {
  const server: Server = createServer(
    {
      ca: readFileSync(options.tls.caFile),
      cert: readFileSync(options.tls.certFile),
      key: readFileSync(options.tls.keyFile),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (request, response) => {
      // Checked per request, not per connection: a certificate revoked while its connection is kept
      // alive is refused from its next request on.
      const refusal = options.authorize?.((request.socket as TLSSocket).getPeerCertificate());
      if (refusal) {
        options.logger?.info({ reason: refusal }, "artifact download refused");
        response.writeHead(403, { "content-type": "text/plain" }).end(`${refusal}\n`);
        return;
      }
      handleArtifactRequest(options.cache, request, response)
        .then((handled) => {
          if (!handled) response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
        })
        .catch((error: Error) => {
          options.logger?.warn({ err: { message: error.message } }, "serving an artifact to a peer failed");
          if (!response.headersSent) response.writeHead(500).end();
          else response.destroy();
        });
    },
  );
  const { host, port } = parseListenAddress(options.listen);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const url = `https://${bound.family === "IPv6" ? `[${bound.address}]` : bound.address}:${bound.port}`;
  options.logger?.info({ url }, "sharing verified artifacts with peers (mTLS)");
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The server identity check for a peer: its certificate must be a node certificate (OU=node) for the
 * node we meant to reach (CN = its registry name). Host names and addresses are not consulted: every
 * node certificate carries localhost and 127.0.0.1, so matching those would let any node's
 * certificate stand in for any other's. The chain itself is verified against the cluster CA by TLS.
 */
export function peerIdentityCheck(expectedNode: string) {
  return (_host: string, certificate: PeerCertificate): Error | undefined => {
    const name = certificate.subject?.CN;
    const unit = certificate.subject?.OU;
    if (typeof name === "string" && name === expectedNode && unit === NODE_UNIT) return undefined;
    const shown = typeof name === "string" ? `"${name}"` : "no single name";
    return new Error(
      `the peer at this address presented the certificate of ${shown} (OU ${String(unit)}), not of node ` +
        `"${expectedNode}": the registry's address for ${expectedNode} answers with another identity.`,
    );
  };
}

/**
 * An undici dispatcher that fetches from peers with this node's certificate. Given `expectedNode`, it
 * only talks to a server whose node certificate names that node (peerIdentityCheck).
 */
export function peerDispatcher(tls: PeerTls, idleTimeoutMs = 60_000, expectedNode?: string): Dispatcher {
  return new Agent({
    headersTimeout: idleTimeoutMs,
    bodyTimeout: idleTimeoutMs,
    connect: {
      ca: readFileSync(tls.caFile),
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      ...(expectedNode === undefined ? {} : { checkServerIdentity: peerIdentityCheck(expectedNode) }),
    },
  });
}

/** One name-checking dispatcher per peer node, made on first use; `close()` at shutdown. */
export function peerDispatchers(tls: PeerTls, idleTimeoutMs = 60_000) {
  const made = new Map<string, Dispatcher>();
  return {
    forNode(node: string): Dispatcher {
      const known = made.get(node);
      if (known) return known;
      const dispatcher = peerDispatcher(tls, idleTimeoutMs, node);
      made.set(node, dispatcher);
      return dispatcher;
    },
    async close(): Promise<void> {
      await Promise.all([...made.values()].map((d) => d.close().catch(() => {})));
      made.clear();
    },
  };
}

/**
 * Node name → artifact share URL from the node registry, kept in memory (the cache asks synchronously)
 * and re-read every `refreshMs` and whenever a name is missing.
 */
export class PeerDirectory {
  private urls = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Pick<Store, "pool">,
    private readonly logger?: Logger | undefined,
    private readonly refreshMs = 10_000,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  url(node: string): string | undefined {
    const found = this.urls.get(node);
    if (!found) void this.refresh();
    return found;
  }

  private async refresh(): Promise<void> {
    try {
      const nodes = await listNodes(this.store.pool);
      this.urls = new Map(nodes.filter((n) => n.artifactUrl).map((n) => [n.name, n.artifactUrl]));
    } catch (error) {
      this.logger?.debug({ err: { message: (error as Error).message } }, "peer directory not refreshed");
    }
  }
}
