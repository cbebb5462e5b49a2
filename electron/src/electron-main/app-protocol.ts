// The desktop app's page comes from app://bundle/, a custom protocol that serves the renderer bundle's
// files and nothing else, instead of file://. A file:// page shares its origin with every file on the
// disk, and needs the file-protocol fuse's extra privileges to run the bundle's ES modules; with its own
// standard, secure origin the page needs neither, so that fuse is off (build/electron-builder.json) and
// "the app's own page" is one exact origin for the IPC sender check.
import { readFile } from "node:fs/promises";
import { extname, isAbsolute, relative, resolve } from "node:path";
import type { CustomScheme } from "electron";
import { CONTENT_SECURITY_POLICY, TYPES } from "../web/static.js";

export const APP_SCHEME = "app";
export const APP_HOST = "bundle";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered before the app is ready. Standard: real origins and relative URLs, so 'self' in the CSP
 * means app://bundle; secure: a secure context like https; fetch support: module scripts load through
 * it. No CSP bypass, no service workers, no CORS to it from anywhere else.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/**
 * The policy of the desktop app's page: the browser mode's, but it connects nowhere (its only door to
 * the Node side is the preload's IPC bridge; browser mode needs its WebSocket).
 */
export const APP_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "connect-src 'self'",
  "connect-src 'none'",
);

/** Whether a frame's URL is the app's own page (the IPC and menu sender check). */
export function isAppPage(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * The bundle file an app:// URL names, or undefined: only app://bundle/, only after decoding, and only a
 * path that resolves inside the bundle directory (`..` and encoded separators cannot climb out).
 */
export function appFile(bundleDir: string, url: string): string | undefined {
  if (!isAppPage(url)) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
  if (/[\\\0]/.test(path)) return undefined;
  const root = resolve(bundleDir);
  const file = resolve(root, `.${path === "/" ? "/index.html" : path}`);
  const inside = relative(root, file);
  if (inside === "" || inside.split(/[\\/]/)[0] === ".." || isAbsolute(inside)) return undefined;
  return extname(file) in TYPES ? file : undefined;
}

/** The protocol handler: the file with its type and the app's CSP, 404 for anything else. */
export function appProtocolHandler(bundleDir: string) {
  return async (request: { url: string; method: string }): Promise<Response> => {
    if (request.method !== "GET" && request.method !== "HEAD") return new Response(null, { status: 405 });
    const file = appFile(bundleDir, request.url);
    let body: Buffer | undefined;
    try {
      body = file ? await readFile(file) : undefined;
    } catch {
      body = undefined;
    }
    if (!file || !body)
      return new Response("not found", { status: 404, headers: { "content-type": "text/plain" } });
    return new Response(request.method === "HEAD" ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        "content-type": TYPES[extname(file)]!,
        "content-security-policy": APP_CONTENT_SECURITY_POLICY,
        "x-content-type-options": "nosniff",
        "cache-control": "no-store",
      },
    });
  };
}

/** Serves the bundle on app://bundle/ (call once the app is ready). */
export function registerAppProtocol(
  protocol: { handle(scheme: string, handler: (request: Request) => Promise<Response>): void },
  bundleDir: string,
): void {
  protocol.handle(APP_SCHEME, appProtocolHandler(bundleDir));
}
