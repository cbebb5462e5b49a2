import { spawnSync } from "node:child_process";

/** A small tmpfs mounted over `dir` (which must exist), or why mount refused (it needs root). */
export type Tmpfs = { mounted: true; unmount(): void } | { mounted: false; refusal: string };

/**
 * Mounts a tmpfs of `bytes` on `dir`: a real filesystem that really fills up (ENOSPC, statfs), without
 * filling the machine's disk. Tests run as root here and in CI; elsewhere mount refuses.
 */
export function mountTmpfs(dir: string, bytes: number): Tmpfs {
  const mount = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir], {
    encoding: "utf8",
  });
  if (mount.status !== 0)
    return {
      mounted: false,
      refusal: (mount.stderr || mount.error?.message || `exit ${mount.status}`).trim(),
    };
  return { mounted: true, unmount: () => void spawnSync("umount", [dir]) };
}
