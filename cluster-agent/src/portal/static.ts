// The portal's React app: real files from the build, index.html for every other path (the app routes
// in the browser). A missing build answers 503 with what to run, rather than a blank page.
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, resolve, sep } from "node:path";
import type { FastifyInstance } from "fastify";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** The @entrim/portal package's build folder, or undefined when the package is not installed. */
export function defaultAssetsDir(): string | undefined {
  try {
    return join(
      dirname(createRequire(import.meta.url).resolve("@entrim/portal/package.json")),
      "dist",
      "app",
    );
  } catch {
    return undefined;
  }
}

async function fileAt(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  const path = resolve(root, `.${decoded}`);
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? path : undefined;
}

export function staticApp(app: FastifyInstance, assetsDir: string | undefined): void {
  const root = assetsDir ? resolve(assetsDir) : undefined;
  app.get("/*", async (request, reply) => {
    const urlPath = request.url.split("?")[0]!;
    const file = root && urlPath !== "/" ? await fileAt(root, urlPath) : undefined;
    const target = file ?? (root ? await fileAt(root, "/index.html") : undefined);
    if (!target) {
      return reply
        .code(503)
        .type("text/plain; charset=utf-8")
        .send(
          "The customer portal's app is not built. Run `npm run build` (or `npm run build -w portal`) and reload.\n",
        );
    }
    const type = TYPES[extname(target)] ?? "application/octet-stream";
    // index.html names the current build's files: never cached; the files themselves may be.
    reply.header("cache-control", file && !target.endsWith(".html") ? "public, max-age=300" : "no-cache");
    return reply.type(type).send(await readFile(target));
  });
}
