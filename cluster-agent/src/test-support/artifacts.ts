import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { writeTinyModel } from "../runtime/tiny-model.js";

export interface TestArtifact {
  path: string;
  uri: string;
  sha256: string;
  size: number;
  bytes: Buffer;
}

/** Tiny GGUF models with different seeds: same size, different content (different model versions). */
export async function makeArtifacts<const S extends readonly number[]>(
  dir: string,
  seeds: S,
): Promise<{ [K in keyof S]: TestArtifact }> {
  const made = await Promise.all(
    seeds.map(async (seed) => {
      const file = await writeTinyModel({ out: join(dir, `tiny-${seed}.gguf`), seed });
      return {
        path: file.path,
        uri: `file://${file.path}`,
        sha256: file.sha256,
        size: file.bytes,
        bytes: await readFile(file.path),
      };
    }),
  );
  return made as { [K in keyof S]: TestArtifact };
}

export interface TestHttpServer {
  url: string;
  /** Requests received, by path. */
  requests: string[];
  close(): Promise<void>;
}

/** A real local HTTP server on an ephemeral port. */
export async function startHttpServer(
  handler: (request: IncomingMessage, response: ServerResponse) => unknown,
): Promise<TestHttpServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? "");
    Promise.resolve(handler(request, response)).catch((error: Error) => response.destroy(error));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
