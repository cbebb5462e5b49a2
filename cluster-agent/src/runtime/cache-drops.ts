import type { EventEmitter } from "node:events";
import type { Logger } from "../common/log.js";
import type { Runtime } from "./types.js";

/**
 * The parts of the admission events this reads, declared here rather than imported: the runtime sits
 * below admission, and admission's SuspensionNotice and KeyNotification satisfy these as they are.
 */
export interface SanctionNotice {
  targetType: string;
  target: string;
  state: string;
  lifted: boolean;
}

/** A key or account change; accounts carry their new status. */
export interface AccountNotification {
  kind: string;
  id: string;
  status?: string;
}

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
  sources.suspensions.on("applied", (notice: SanctionNotice) => {
    if (notice.targetType === "account" && notice.state === "suspended" && !notice.lifted)
      drop(notice.target);
  });
  sources.keys.on("change", (note: AccountNotification) => {
    if (note.kind === "account" && note.status !== "active") drop(note.id);
  });
}
