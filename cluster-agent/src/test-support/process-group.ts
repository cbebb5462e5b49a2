import { readFileSync } from "node:fs";

/** The process group of a running process (Linux: /proc/<pid>/stat is `pid (comm) state ppid pgrp ...`). */
export function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}
