import type { EventEmitter } from "node:events";
import type { KeyNotification } from "../admission/key-cache.js";
import type { SuspensionNotice } from "../admission/suspensions.js";
import type { Logger } from "../common/log.js";
import type { Runtime } from "./types.js";

export interface CacheDropSources {
  runtimes: () => Runtime[];
  /** The SuspensionGate: "applied" (SuspensionNotice). */
  suspensions: EventEmitter;
  /** The KeyCache: "change" (KeyNotification). */
  keys: EventEmitter;
  logger?: Logger | undefined;
}

/**
 * A suspended, restricted or closed (erased) account's cached prompt state leaves RAM at once, on every
 * model, rather than at its idle TTL: a sanctioned account's prompts have no reason to stay.
 */
export function dropCachedPromptsOnSanctions(sources: CacheDropSources): void {
  const drop = (accountId: string) => {
    for (const runtime of sources.runtimes())
      runtime
        .dropScope?.(accountId)
        .catch((error: Error) =>
          sources.logger?.warn({ err: { message: error.message } }, "could not drop cached prompt state"),
        );
  };
  sources.suspensions.on("applied", (notice: SuspensionNotice) => {
    if (notice.targetType === "account" && notice.state === "suspended" && !notice.lifted)
      drop(notice.target);
  });
  sources.keys.on("change", (note: KeyNotification) => {
    if (note.kind === "account" && note.status !== "active") drop(note.id);
  });
}
