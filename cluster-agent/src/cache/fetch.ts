/**
 * Where artifact bytes come from (a local file, an HTTP(S) URL, a peer agent) and how they land on disk:
 * hashed and counted while written, so a wrong or incomplete transfer is known the moment it ends and
 * never needs a second read.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Agent, type Dispatcher, interceptors, request } from "undici";

export interface SourceOptions {
  /** Base URL of a peer agent by node name (agent:// URIs); undefined: that peer is unknown. */
  peerUrl?: ((node: string) => string | undefined) | undefined;
  dispatcher: Dispatcher;
  /**
   * The HTTP client for agent://<node> URIs, one that checks the peer is that node (peerDispatchers);
   * without it they go through `dispatcher` like any URL.
   */
  peerDispatcher?: ((node: string) => Dispatcher) | undefined;
  /** A transfer that sends nothing (headers or body) for this long is abandoned. */
  idleTimeoutMs: number;
}

/** One dispatcher per cache: redirects followed (model hosts hand out CDN links), idle transfers cut. */
export function createDispatcher(idleTimeoutMs: number): Dispatcher {
  return new Agent({ headersTimeout: idleTimeoutMs, bodyTimeout: idleTimeoutMs }).compose(
    interceptors.redirect({ maxRedirections: 5 }),
  );
}

/** The path a peer serves an artifact at, relative to its base URL. */
export function artifactPath(sha256: string): string {
  return `artifacts/sha256/${sha256}`;
}

/** Opens the artifact's bytes as a stream; fails early when the source already tells the size is wrong. */
export async function openSource(
  uri: string,
  expected: { sha256: string; size: number },
  options: SourceOptions,
): Promise<Readable> {
  if (isAbsolute(uri) || uri.startsWith("file:"))
    return openFile(isAbsolute(uri) ? uri : fileURLToPath(uri), expected.size);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error(`"${uri}" is not an artifact URI (file:, http:, https:, agent: or an absolute path).`);
  }
  if (url.protocol === "http:" || url.protocol === "https:") return openHttp(url, expected.size, options);
  if (url.protocol === "agent:") {
    const node = url.hostname;
    if (url.pathname !== `/${expected.sha256}`)
      throw new Error(`${uri} names other content than sha256 ${expected.sha256}.`);
    const base = options.peerUrl?.(node);
    if (!base) throw new Error(`Cannot fetch ${uri}: no address is known for agent ${node}.`);
    return openHttp(new URL(artifactPath(expected.sha256), base.replace(/\/?$/, "/")), expected.size, {
      ...options,
      dispatcher: options.peerDispatcher?.(node) ?? options.dispatcher,
    });
  }
  throw new Error(`Cannot fetch ${uri}: artifact URIs are file:, http:, https: or agent:.`);
}

async function openFile(path: string, size: number): Promise<Readable> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read ${path}: ${error.code ?? error.message}.`);
  });
  if (!info.isFile()) throw new Error(`${path} is not a file.`);
  if (info.size !== size) throw new Error(`size mismatch: ${path} is ${info.size} bytes, expected ${size}.`);
  return createReadStream(path, { highWaterMark: 1024 * 1024 });
}

async function openHttp(url: URL, size: number, options: SourceOptions): Promise<Readable> {
  const shown = `${url.origin}${url.pathname}`; // no query string: it may hold a signature
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      dispatcher: options.dispatcher,
      headersTimeout: options.idleTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
    });
  } catch (error) {
    throw new Error(`GET ${shown} failed: ${(error as Error).message}`, { cause: error });
  }
  if (response.statusCode !== 200) {
    await response.body.dump().catch(() => {});
    throw new Error(`GET ${shown} answered ${response.statusCode}.`);
  }
  const length = response.headers["content-length"];
  if (typeof length === "string" && Number(length) !== size) {
    response.body.destroy();
    throw new Error(`size mismatch: ${shown} sends ${length} bytes, expected ${size}.`);
  }
  return response.body;
}

/**
 * Writes the source to `path` (which must not exist) while hashing and counting it, then fsyncs. Throws
 * on more bytes than expected (stopping the transfer at once), fewer, or another hash; the caller removes
 * the file then. Only a file this function returned from may be renamed into the cache.
 */
export async function writeVerified(
  source: AsyncIterable<Buffer>,
  path: string,
  expected: { sha256: string; size: number },
): Promise<void> {
  const file = await open(path, "wx", 0o644);
  const hash = createHash("sha256");
  let bytes = 0;
  try {
    // Leaving the loop by a throw destroys the source, which aborts a download in progress.
    for await (const chunk of source) {
      bytes += chunk.length;
      if (bytes > expected.size)
        throw new Error(`size mismatch: the source sent more than the expected ${expected.size} bytes.`);
      hash.update(chunk);
      await file.write(chunk);
    }
    if (bytes !== expected.size)
      throw new Error(
        `size mismatch: the source ended after ${bytes} of ${expected.size} bytes (truncated).`,
      );
    const actual = hash.digest("hex");
    if (actual !== expected.sha256)
      throw new Error(`sha256 mismatch: expected ${expected.sha256}, got ${actual}.`);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** The sha256 and size of a file, reading it once. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest("hex"), size };
}

/** A URI as logs and errors show it: without credentials or a (possibly signed) query string. */
export function redactUri(uri: string): string {
  try {
    const url = new URL(uri);
    if (url.protocol === "file:") return uri;
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return uri;
  }
}

export async function syncDir(dir: string): Promise<void> {
  // The rename is durable only once the directory itself is on disk.
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
