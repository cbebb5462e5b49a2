// The urgent actions' state (issue 17): the open account's keys and limits, the certificate deny list,
// the row an action was started from (a key, a flag, a model) and the one dialog that asks for the
// reason or confirmation before anything changes.
import type { ApiKey, CertificateRevocation, Limits } from "@entrim/electron/common";
import type { StateCreator } from "zustand";
import type { AppState } from "./store.js";

export type AccountVerb = "restrict" | "unrestrict" | "erase";

export type UrgentDialog =
  | { kind: "revokeKey"; accountId: string; keyId: string }
  | { kind: "limits"; accountId: string }
  | { kind: AccountVerb; accountId: string }
  | { kind: "resolveFlag"; flagId: string }
  | { kind: "rotate"; node: string; model: string }
  | { kind: "revokeCert" };

/** What a row's button names: the action then acts on it. */
export interface UrgentTarget {
  keyId?: string;
  flagId?: string;
  model?: string;
}

export interface UrgentSlice {
  /** The keys and limits of `urgentAccountId` (the account open in the accounts view). */
  urgentAccountId: string | undefined;
  accountKeys: ApiKey[];
  accountLimits: Limits | undefined;
  revocations: CertificateRevocation[];
  urgentTarget: UrgentTarget;
  urgentDialog: UrgentDialog | undefined;
  /** Bumped after a flag is resolved, so the abuse view reads its queue again. */
  abuseRevision: number;
  accountKeysLoaded(accountId: string, keys: ApiKey[], limits: Limits | undefined): void;
  revocationsLoaded(list: CertificateRevocation[]): void;
  setUrgentTarget(target: UrgentTarget): void;
  openUrgentDialog(dialog: UrgentDialog | undefined): void;
  abuseChanged(): void;
}

export const createUrgentSlice: StateCreator<AppState, [], [], UrgentSlice> = (set) => ({
  urgentAccountId: undefined,
  accountKeys: [],
  accountLimits: undefined,
  revocations: [],
  urgentTarget: {},
  urgentDialog: undefined,
  abuseRevision: 0,
  accountKeysLoaded: (urgentAccountId, accountKeys, accountLimits) =>
    set({ urgentAccountId, accountKeys, accountLimits }),
  revocationsLoaded: (revocations) => set({ revocations }),
  setUrgentTarget: (urgentTarget) => set({ urgentTarget }),
  openUrgentDialog: (urgentDialog) => set({ urgentDialog, paletteOpen: false }),
  abuseChanged: () => set((s) => ({ abuseRevision: s.abuseRevision + 1 })),
});
