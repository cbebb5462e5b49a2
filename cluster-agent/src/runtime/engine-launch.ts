/**
 * How this node starts an engine, from its own configuration (`engines`): the environment, the
 * executable check and the user, in the form the Supervisor takes.
 */
import { engineEnvironment } from "./engine-env.js";
import { allowedExecutable, type EngineUser, engineUser, resolveExecutable } from "./engine-exec.js";
import type { SupervisorOptions } from "./supervisor.js";

/** The node configuration's `engines` section (config/schema.ts). */
export interface EnginePolicy {
  allowedExecutables: readonly string[];
  path?: string | undefined;
  passEnv: readonly string[];
  env: Readonly<Record<string, string>>;
  user?: string | undefined;
  group?: string | undefined;
}

export interface LaunchOptions {
  /** The catalogue version's env (filtered); absent for a model of the node's own configuration. */
  catalogueEnv?: Readonly<Record<string, string>>;
  /**
   * The command comes from the node's own configuration, which is the allowlist's source: it is found
   * on the engines' PATH but not held to engines.allowedExecutables.
   */
  trustedCommand?: boolean;
  /** Overrides the user lookup (tests). */
  user?: EngineUser;
}

export type EngineLaunch = Required<Pick<SupervisorOptions, "env" | "resolve">> &
  Pick<SupervisorOptions, "uid" | "gid">;

/**
 * What a Supervisor needs to start one engine under this node's policy; throws EngineRefused when the
 * policy cannot be met (engines.user without root, a user that does not exist).
 */
export function engineLaunch(policy: EnginePolicy, o: LaunchOptions = {}): EngineLaunch {
  const user = o.user ?? (policy.user === undefined ? undefined : engineUser(policy.user, policy.group));
  const { env } = engineEnvironment({
    path: policy.path,
    passEnv: policy.passEnv,
    nodeEnv: policy.env,
    catalogueEnv: o.catalogueEnv,
    home: user?.home,
  });
  const path = env.PATH ?? "";
  return {
    env,
    resolve: o.trustedCommand
      ? (file) => resolveExecutable(file, path)
      : (file) => allowedExecutable(file, path, policy.allowedExecutables),
    uid: user?.uid,
    gid: user?.gid,
  };
}
