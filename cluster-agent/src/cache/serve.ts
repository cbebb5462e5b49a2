/**
 * The serving side of agent:// artifact URIs: a peer asks for an artifact by sha256 and gets the bytes
 * of this node's verified copy, so a cluster downloads a model from outside once. How peers reach this
 * handler (which listener, which authentication) is the caller's choice; the receiver verifies the
 * sha256 itself either way.
 */
import { open } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { ArtifactCache } from "./artifacts.js";

/**
 * The artifact's bytes when this node holds a verified copy, else undefined. The file is opened before
 * returning, so an eviction during the transfer cannot cut it short (the open file outlives the unlink).
 */
export async function serveArtifact(
  cache: ArtifactCache,
  sha256: string,
): Promise<{ stream: Readable; size: number } | undefined> {
  const found = await cache.lookup(sha256);
  if (!found) return undefined;
  const handle = await open(found.path, "r").catch(() => undefined);
  if (!handle) return undefined;
  return { stream: handle.createReadStream({ highWaterMark: 1024 * 1024 }), size: found.size };
}

const ROUTE = /^\/artifacts\/sha256\/([0-9a-f]{64})$/;

/**
 * A node:http handler for `GET <base>/artifacts/sha256/<hex>`; answers false (and nothing) for other
 * paths so the caller can route them elsewhere.
 */
export async function handleArtifactRequest(
  cache: ArtifactCache,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> {
  const match = ROUTE.exec(new URL(request.url ?? "/", "http://peer").pathname);
  if (!match) return false;
  if (request.method !== "GET") {
    response.writeHead(405, { allow: "GET" }).end();
    return true;
  }
  const artifact = await serveArtifact(cache, match[1]!);
  if (!artifact) {
    response.writeHead(404, { "content-type": "text/plain" }).end("artifact not cached here\n");
    return true;
  }
  response.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-length": String(artifact.size),
  });
  artifact.stream.pipe(response);
  // A peer that hangs up must not leave the file open.
  response.on("close", () => artifact.stream.destroy());
  return true;
}
