import { open, readFile, rm } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";

/**
 * A cross-process lock on a file created with O_EXCL that holds the owner's pid. Node has no flock;
 * this is enough for the one thing it guards (deciding whether to start the embedded server), and a
 * lock left by a crashed process is recognised by its dead pid and taken over.
 */
export async function acquireFileLock(path: string, timeoutMs = 60_000): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  let wait = 25;
  for (;;) {
    try {
      const handle = await open(path, "wx", 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    // An empty file is a holder between open and write; give it the benefit of the doubt.
    if (Number.isInteger(holder) && holder > 0 && !isProcessAlive(holder)) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${path} (held by pid ${holder || "unknown"}).`);
    }
    await delay(wait);
    wait = Math.min(wait * 2, 250);
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
