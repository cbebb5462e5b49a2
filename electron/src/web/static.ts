// The renderer bundle's files, by exact name only (no directory walking), with the same strict CSP the
// Electron window gets plus headers a browser honours (framing, sniffing, referrer).
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join } from "node:path";

/** The bundle's file types; anything else is never served (the desktop app's app:// protocol too). */
export const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // uPlot and React set element styles; no inline <script> is ever allowed.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function serveStatic(dir: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405).end();
    return;
  }
  const pathname = new URL(req.url ?? "/", "http://x").pathname;
  const name = pathname === "/" ? "index.html" : pathname.slice(1);
  // One path segment of safe characters: nothing can climb out of the bundle directory.
  if (
    !/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(name) ||
    !(extname(name) in TYPES) ||
    !existsSync(join(dir, name))
  ) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  res.writeHead(200, {
    "content-type": TYPES[extname(name)]!,
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : readFileSync(join(dir, name)));
}
