// The agent's gRPC contract: the .proto files beside this package's dist/, loaded with the same options
// the types in ./generated were made with, so a decoded message has exactly the generated shape.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync, type Options } from "@grpc/proto-loader";
import type { ProtoGrpcType } from "./generated/index.js";

export * from "./generated/index.js";

/** Directory holding `entrim/agent/v1/*.proto`. */
export const PROTO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export const PROTO_FILES = [
  "abuse",
  "accounts",
  "alerts",
  "audit",
  "certs",
  "cluster",
  "node",
  "notices",
  "rollouts",
  "status",
].map((name) => `entrim/agent/v1/${name}.proto`);

/** Must match GENERATOR_FLAGS in scripts/generate.mjs. */
export const LOADER_OPTIONS: Options = {
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

export type AgentV1 = ProtoGrpcType["entrim"]["agent"]["v1"];

let loaded: AgentV1 | undefined;

/** The `entrim.agent.v1` package: service constructors (clients) and their definitions (servers). */
export function loadAgentProto(): AgentV1 {
  if (!loaded) {
    const definition = loadSync(PROTO_FILES, LOADER_OPTIONS);
    loaded = (loadPackageDefinition(definition) as unknown as ProtoGrpcType).entrim.agent.v1;
  }
  return loaded;
}
