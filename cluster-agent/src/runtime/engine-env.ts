/**
 * The environment a supervised engine (vLLM, llama-server, SGLang) starts with. Engines are third-party
 * code fed by the catalogue, which anyone with the admin role writes: they must never see the agent's
 * secrets (the key pepper, the database URL, other engines' keys), and the catalogue must not be able
 * to make every node preload a library or run a startup script. So the environment is built from
 * nothing: a fixed allowlist of the agent's variables, PATH from the node's configuration, what the
 * node's configuration adds, what the catalogue version adds minus a denylist, and the engine's key.
 */
import { catalogueEnvRefusal } from "../store/external-options.js";

/** The per-start key is also handed to the engine under this name (see Supervisor). */
export const ENGINE_API_KEY_ENV = "ENTRIM_ENGINE_API_KEY";

/** PATH for engines when the node's configuration names none and the agent has none either. */
export const DEFAULT_ENGINE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Taken from the agent's own environment when set: the locale, the home, and what GPUs need. */
const PASSED_NAMES = new Set(["HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TERM"]);
/**
 * Prefixes of the agent's variables engines need to find and share GPUs and model files: CUDA_* (e.g.
 * CUDA_VISIBLE_DEVICES), NVIDIA_* (container runtimes), NCCL_* (tensor-parallel transport), HF_* (the
 * Hugging Face cache and token for gated models), LC_* (the locale).
 */
const PASSED_PREFIXES = ["LC_", "CUDA_", "NVIDIA_", "NCCL_", "HF_"];

export interface EngineEnvironmentOptions {
  /** The agent's own environment; only the allowlisted names are read from it. */
  agentEnv?: NodeJS.ProcessEnv;
  /** PATH for the engine, from the node's configuration; defaults to the agent's PATH. */
  path?: string;
  /** More names of the agent's variables the node's configuration passes through (engines.passEnv). */
  passEnv?: readonly string[];
  /** Set by the node's configuration (engines.env); trusted, so never filtered. */
  nodeEnv?: Readonly<Record<string, string>>;
  /** Set by the catalogue version; names catalogueEnvRefusal refuses are dropped. */
  catalogueEnv?: Readonly<Record<string, string>>;
  /** Overrides HOME (the home of the user the engine runs as). */
  home?: string;
}

export interface EngineEnvironment {
  env: Record<string, string>;
  /** Catalogue names that were dropped (the caller logs them; a published version cannot hold them). */
  dropped: string[];
}

/** Builds an engine's environment from nothing; see the file comment for what goes in and why. */
export function engineEnvironment(o: EngineEnvironmentOptions = {}): EngineEnvironment {
  const agentEnv = o.agentEnv ?? process.env;
  const passed = new Set(o.passEnv ?? []);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(agentEnv)) {
    if (value === undefined) continue;
    if (PASSED_NAMES.has(name) || passed.has(name) || PASSED_PREFIXES.some((p) => name.startsWith(p)))
      env[name] = value;
  }
  env.PATH = o.path ?? agentEnv.PATH ?? DEFAULT_ENGINE_PATH;
  if (o.home !== undefined) env.HOME = o.home;
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(o.catalogueEnv ?? {})) {
    if (catalogueEnvRefusal(name) === undefined) env[name] = value;
    else dropped.push(name);
  }
  // The node's own settings win over the catalogue's.
  Object.assign(env, o.nodeEnv ?? {});
  return { env, dropped };
}
