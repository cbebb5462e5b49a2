/**
 * How a catalogue version with runtime "external" is run: the engine command a node starts for it and
 * how the agent talks to that engine. Checked when the version is published (so `catalog add-version`
 * refuses a typo at once, not on a GPU node at rollout time) and read again by each node that builds it.
 */
import type { EmbeddingsOption } from "../domain/capabilities.js";
import { StoreError } from "./db.js";

/**
 * Substituted in `command`, `upstreamModel` and `env` values when a node builds the version. `{apiKey}`
 * (in `command` and `env`) is filled later, by the Supervisor at each start of the engine.
 */
export const PLACEHOLDERS = ["{artifact}", "{port}", "{version}", "{model}"] as const;

export interface ExternalVersionOptions {
  /** Executable and arguments (never a shell string); must name {port}, where the agent connects. */
  command: string[];
  /**
   * Added to the engine's allowlisted environment, e.g. CUDA_VISIBLE_DEVICES; names that change which
   * code runs (LD_*, PATH, PYTHONPATH, ...) are refused (catalogueEnvRefusal).
   */
  env: Record<string, string>;
  /** The name the engine serves the model under; defaults to the public model name. */
  upstreamModel: string | undefined;
  /** Requests sent to the engine at once. */
  slots: number | undefined;
  /** Path on the engine answering 2xx once it serves, e.g. /health for vLLM; default /v1/models. */
  healthPath: string;
  /** A start not healthy within this fails the version's load step. */
  startTimeoutMs: number | undefined;
  /**
   * "beside": the new engine starts while the old one serves (no pause; needs room for both).
   * "in-place": the old engine is drained and stopped first (requests wait), for a GPU that holds one.
   */
  placement: "beside" | "in-place";
  /** Whether the engine embeds (domain/capabilities.ts); undefined: the node's configuration decides. */
  embeddings: EmbeddingsOption;
}

/**
 * Names the catalogue may never set: they change which code runs (the loader, interpreters, shells)
 * rather than how the engine behaves, or they belong to the agent. The node's own configuration may
 * set them (e.g. LD_LIBRARY_PATH for a CUDA install): it is trusted as the agent itself is.
 */
const DENIED_NAMES = new Set([
  "PATH",
  "PYTHONPATH",
  "PYTHONSTARTUP",
  "PYTHONHOME",
  "PYTHONUSERBASE",
  "PYTHONINSPECT",
  "PYTHONBREAKPOINT",
  "PYTHONEXECUTABLE",
  "PYTHONWARNINGS",
  "NODE_OPTIONS",
  "NODE_PATH",
  "BASH_ENV",
  "ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "PS4",
  "IFS",
  "CDPATH",
  "PERL5LIB",
  "PERL5OPT",
  "PERLLIB",
  "RUBYLIB",
  "RUBYOPT",
  "GCONV_PATH",
  "LOCPATH",
  "NLSPATH",
  "HOSTALIASES",
  "RES_OPTIONS",
  "LOCALDOMAIN",
  "TMPDIR",
  "HOME",
  "DATABASE_URL",
]);
const DENIED_PREFIXES = ["LD_", "DYLD_", "ENTRIM_", "PG", "MALLOC_", "GLIBC_", "BASH_FUNC_"];

/** Whether the catalogue may set this variable for an engine; undefined when it may, else why not. */
export function catalogueEnvRefusal(name: string): string | undefined {
  const upper = name.toUpperCase();
  if (DENIED_NAMES.has(upper) || DENIED_PREFIXES.some((p) => upper.startsWith(p)))
    return (
      `${name} cannot be set by the catalogue: it changes which code the engine runs or belongs to the ` +
      "agent. Set it in the node's configuration (engines.env) if the engine needs it."
    );
  return undefined;
}

/** runtime_options keys any version may carry (reconciler warmupOf). */
const WARMUP_KEYS = ["warmupPrompt", "warmupGenerations", "warmupMaxTokens", "embeddings"];
const KEYS = [
  "command",
  "env",
  "upstreamModel",
  "slots",
  "healthPath",
  "startTimeoutMs",
  "placement",
  ...WARMUP_KEYS,
];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const invalid = (message: string) => new StoreError("invalid", `External version option ${message}`);

function wholeNumber(o: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw invalid(`${key} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)}).`);
  return value;
}

/** Reads and checks an external version's runtime_options; throws StoreError("invalid") saying what to fix. */
export function parseExternalOptions(o: Record<string, unknown>): ExternalVersionOptions {
  const unknown = Object.keys(o).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0)
    throw invalid(`${unknown.join(", ")} is not known; external versions take ${KEYS.join(", ")}.`);
  const command = o.command;
  if (
    !Array.isArray(command) ||
    command.length === 0 ||
    !command.every((part) => typeof part === "string" && part.length > 0)
  )
    throw invalid(
      `command is required: a JSON array of the engine's executable and arguments, e.g. ` +
        `--option 'command=["vllm","serve","{artifact}","--port","{port}"]'.`,
    );
  if (!command.some((part: string) => part.includes("{port}")))
    throw invalid("command must pass {port} to the engine: the agent picks a free port and connects there.");
  const env = o.env ?? {};
  if (typeof env !== "object" || env === null || Array.isArray(env))
    throw invalid(`env must be a JSON object of strings, e.g. --option 'env={"CUDA_VISIBLE_DEVICES":"0"}'.`);
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name) || typeof value !== "string")
      throw invalid(`env.${name} must be a variable name with a string value.`);
    const refusal = catalogueEnvRefusal(name);
    if (refusal !== undefined) throw invalid(`env.${refusal}`);
  }
  const upstreamModel = o.upstreamModel;
  if (upstreamModel !== undefined && (typeof upstreamModel !== "string" || upstreamModel.length === 0))
    throw invalid("upstreamModel must be a non-empty string (the name the engine serves the model under).");
  const healthPath = o.healthPath ?? "/v1/models";
  if (typeof healthPath !== "string" || !healthPath.startsWith("/"))
    throw invalid(`healthPath must be a path starting with / (got ${JSON.stringify(healthPath)}).`);
  const placement = o.placement ?? "beside";
  if (placement !== "beside" && placement !== "in-place")
    throw invalid(`placement is "beside" or "in-place" (got ${JSON.stringify(placement)}).`);
  return {
    command: command as string[],
    env: env as Record<string, string>,
    upstreamModel,
    slots: wholeNumber(o, "slots", 1, 4096),
    healthPath,
    startTimeoutMs: wholeNumber(o, "startTimeoutMs", 1000, 86_400_000),
    placement,
    embeddings: o.embeddings as EmbeddingsOption,
  };
}

/** Replaces every placeholder in `text`; values are used as they are (no shell ever sees them). */
export function fillPlaceholders(
  text: string,
  values: Record<(typeof PLACEHOLDERS)[number], string>,
): string {
  return text.replace(/\{(artifact|port|version|model)\}/g, (whole) => values[whole as keyof typeof values]);
}
