// Browser mode: the renderer bundle over loopback HTTP and the console's channels over one WebSocket.
// The socket is the only door to the operator's certificates, so it is shut three ways: loopback only,
// the page's own Origin only (no other site can script it), and a random token the URL carries.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { MAX_FRAME_BYTES } from "../common/index.js";
import type { Router } from "../node/router.js";
import { attachSocket } from "./socket.js";
import { serveStatic } from "./static.js";

export interface WebConsole {
  /** Open this in a browser; the token is in the fragment, which browsers never send to a server. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

export async function startWebConsole(options: {
  router: Router;
  /** The renderer bundle (renderer/dist/app). */
  staticDir: string;
  port?: number;
  token?: string;
}): Promise<WebConsole> {
  const token = options.token ?? randomBytes(24).toString("base64url");
  const host = "127.0.0.1";
  let origins: string[] = [];
  const sockets = new Set<WebSocket>();

  // Host header check: a DNS-rebinding page (evil.example resolving to 127.0.0.1) must not read the app.
  const hostAllowed = (req: IncomingMessage) => origins.some((o) => o === `http://${req.headers.host}`);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req)) {
      res.writeHead(421).end("misdirected request");
      return;
    }
    serveStatic(options.staticDir, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on("upgrade", (req, socket, head) => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    if (pathname !== "/ws" || !hostAllowed(req) || !origins.includes(req.headers.origin ?? "")) {
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on("close", () => sockets.delete(ws));
      attachSocket(ws, options.router, (candidate) => sameToken(candidate, token));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origins = [`http://${host}:${port}`, `http://localhost:${port}`];
  const origin = origins[0]!;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sameToken(candidate: string, token: string): boolean {
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
