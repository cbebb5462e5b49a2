import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import type { z } from "zod";
import { type AgentConfig, configSchema } from "./schema.js";

/** Command-line overrides; each wins over the environment, which wins over the config file. */
export interface ConfigFlags {
  config?: string;
  dataDir?: string;
  databaseUrl?: string;
  listen?: string;
  /** gRPC control address; "" turns it off. */
  controlListen?: string;
  /** Prometheus /metrics address; "" turns it off. */
  metricsListen?: string;
  /** Where verified artifacts are shared with peers (mTLS); "" turns it off. */
  artifactsListen?: string;
  /** Customer portal address; "" turns it off (the default). */
  portalListen?: string;
  nodeName?: string;
  region?: string;
  /** Shorthand models: "NAME=PATH.gguf", "NAME=http(s)://upstream/v1" or a bare "PATH.gguf". */
  model?: string[];
  parallel?: string | number;
  threads?: string | number;
  logLevel?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Raw = Record<string, unknown>;

function section(raw: Raw, key: string): Raw {
  const value = raw[key];
  if (value === undefined) {
    const created: Raw = {};
    raw[key] = created;
    return created;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(`invalid configuration: ${key}: expected an object`);
  }
  return value as Raw;
}

function integer(name: string, value: string | number): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n))
    throw new ConfigError(`invalid configuration: ${name}: expected an integer, got "${value}"`);
  return n;
}

function shorthandModel(spec: string): Raw {
  const eq = spec.indexOf("=");
  const [id, target] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [undefined, spec];
  if (/^https?:\/\//.test(target)) return { id: id ?? "default", runtime: "external", url: target };
  const base = target.split("/").pop() ?? target;
  return { id: id ?? base.replace(/\.gguf$/i, ""), runtime: "embedded", path: resolve(target) };
}

function readConfigFile(path: string): Raw {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`config file ${path} must hold a JSON object`);
    }
    return parsed as Raw;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function describeIssues(error: z.ZodError, source: string): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join("");
    return `  ${path || "(root)"}: ${issue.message}`;
  });
  return `invalid configuration (${source}):\n${lines.join("\n")}`;
}

/**
 * Builds the agent's configuration from defaults, an optional JSON file, the environment and flags,
 * and validates it. Any invalid field stops start-up with a message that names it.
 */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const file = flags.config ?? env.ENTRIM_CONFIG;
  const raw: Raw = file ? readConfigFile(file) : {};
  const node = section(raw, "node");
  const api = section(raw, "api");

  node.name = flags.nodeName ?? env.ENTRIM_NODE_NAME ?? node.name ?? hostname().split(".")[0];
  node.region = flags.region ?? env.ENTRIM_REGION ?? node.region ?? "eu-local";
  raw.dataDir = resolve(String(flags.dataDir ?? env.ENTRIM_DATA_DIR ?? raw.dataDir ?? ".entrim"));
  const databaseUrl = flags.databaseUrl ?? env.DATABASE_URL ?? raw.databaseUrl;
  if (databaseUrl !== undefined && databaseUrl !== "") raw.databaseUrl = databaseUrl;
  else delete raw.databaseUrl;
  const listen = flags.listen ?? env.ENTRIM_LISTEN;
  if (listen !== undefined) api.listen = listen;
  const controlListen = flags.controlListen ?? env.ENTRIM_CONTROL_LISTEN;
  if (controlListen !== undefined) section(raw, "control").listen = controlListen;
  const metricsListen = flags.metricsListen ?? env.ENTRIM_METRICS_LISTEN;
  if (metricsListen !== undefined) section(raw, "metrics").listen = metricsListen;
  const artifactsListen = flags.artifactsListen ?? env.ENTRIM_ARTIFACTS_LISTEN;
  if (artifactsListen !== undefined) section(raw, "artifacts").listen = artifactsListen;
  const portalListen = flags.portalListen ?? env.ENTRIM_PORTAL_LISTEN;
  if (portalListen !== undefined) section(raw, "portal").listen = portalListen;
  const logLevel = flags.logLevel ?? env.ENTRIM_LOG_LEVEL;
  if (logLevel !== undefined) raw.logLevel = logLevel;

  const shorthand = flags.model?.length ? flags.model : env.ENTRIM_MODEL ? env.ENTRIM_MODEL.split(",") : [];
  if (shorthand.length > 0) raw.models = shorthand.map(shorthandModel);
  const parallel = flags.parallel ?? env.ENTRIM_PARALLEL;
  const threads = flags.threads ?? env.ENTRIM_THREADS;
  if (Array.isArray(raw.models)) {
    for (const model of raw.models as Raw[]) {
      if (model?.runtime !== "embedded") continue;
      if (parallel !== undefined) model.parallel = integer("parallel", parallel);
      if (threads !== undefined) model.threads = integer("threads", threads);
    }
  }

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      describeIssues(result.error, file ? `file ${file}, environment and flags` : "environment and flags"),
    );
  }
  return result.data;
}
