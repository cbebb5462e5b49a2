// A stand-in for the agent's portal listener, for the portal package's own render check only: it serves
// portal/dist/app with the SPA fallback and the strict Content-Security-Policy the contract names, and
// answers GET requests under /api/ from an in-memory table (the render test gives it GET /api/session
// and nothing else). The real server lives in cluster-agent (src/portal/), which this package does not
// depend on; the end-to-end tests in test/e2e run the app against that real server.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** portal/dist/app, from portal/dist/lib/test-support. */
export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "app");

/** The policy the portal's server sends; the render test fails on any violation of it. */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
};

/** A signed-out session as GET /api/session answers it (contract: "Session and identity"). */
export function signedOutSession() {
  return {
    csrfToken: "test-csrf-token",
    user: null,
    account: null,
    legal: {
      termsVersion: "2026-01",
      privacyVersion: "2026-02",
      termsUrl: "https://example.com/terms",
      privacyUrl: "https://example.com/privacy",
    },
    branding: { productName: "Entrim", supportEmail: "support@example.com" },
  };
}

export interface StaticPortal {
  url: string;
  /** Every /api/ request received, "METHOD /path?query". */
  apiRequests: string[];
  close(): Promise<void>;
}

export async function serveApp(answers: Record<string, unknown>): Promise<StaticPortal> {
  const apiRequests: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    response.setHeader("content-security-policy", CSP);
    response.setHeader("referrer-policy", "no-referrer");
    response.setHeader("x-content-type-options", "nosniff");
    if (url.pathname.startsWith("/api/")) {
      apiRequests.push(`${request.method} ${url.pathname}${url.search}`);
      const answer = request.method === "GET" ? answers[url.pathname] : undefined;
      response.setHeader("content-type", "application/json");
      if (answer === undefined) {
        response.statusCode = 404;
        response.end(
          JSON.stringify({ error: { message: "Not in this test.", type: "not_found", code: "not_found" } }),
        );
      } else response.end(JSON.stringify(answer));
      return;
    }
    // Top-level files exist; every other path is a page of the app (SPA fallback).
    const file = normalize(join(APP_DIR, url.pathname));
    const inside = file.startsWith(APP_DIR + sep) && extname(file) !== "";
    try {
      const body = await readFile(inside ? file : join(APP_DIR, "index.html"));
      response.setHeader(
        "content-type",
        TYPES[inside ? extname(file) : ".html"] ?? "application/octet-stream",
      );
      response.end(body);
    } catch {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
