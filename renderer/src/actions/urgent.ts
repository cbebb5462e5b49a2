// The urgent actions (issue 17): revoke a key and set limits (operator), restrict, unrestrict and erase
// an account (admin), resolve an abuse flag (operator), rotate one node's model and revoke an operator
// certificate (admin). Each opens a dialog that asks for the reason (and, to erase, the account id
// typed again); the agent checks the role again and writes the audit log.
import type { Role } from "@entrim/electron/common";
import type { AppState } from "../state/store.js";
import type { AccountVerb, UrgentDialog } from "../state/urgentSlice.js";
import { accountTarget } from "./accounts.js";
import type { ConsoleAction } from "./types.js";

/** The account open in the accounts view (its keys are what the key actions list). */
function openAccount(s: AppState) {
  return s.view === "accounts" ? s.accountDetail?.account : undefined;
}

function accountUnavailable(s: AppState): string | undefined {
  if (s.view !== "accounts") return "Only in the accounts view.";
  if (!openAccount(s)) return accountTarget(s) ? "Open the account first (Enter)." : "No account selected.";
  return undefined;
}

const ACCOUNT_VERBS: Record<AccountVerb, { title: string; from: string[]; why: (status: string) => string }> =
  {
    restrict: {
      title: "Restrict account…",
      from: ["active"],
      why: (status) => `The account is ${status}; only an active account can be restricted.`,
    },
    unrestrict: {
      title: "Unrestrict account…",
      from: ["restricted"],
      why: (status) => `The account is ${status}, not restricted.`,
    },
    erase: {
      title: "Erase account…",
      from: ["active", "restricted"],
      why: () => "The account is already erased and closed.",
    },
  };

function accountVerbAction(verb: AccountVerb): ConsoleAction {
  const spec = ACCOUNT_VERBS[verb];
  return {
    id: `account.${verb}`,
    title: spec.title,
    section: "Accounts",
    needs: "admin",
    mutating: true,
    unavailable: (s) => {
      const reason = accountUnavailable(s);
      if (reason) return reason;
      const status = openAccount(s)!.status;
      return spec.from.includes(status) ? undefined : spec.why(status);
    },
    perform: ({ store }) => {
      const s = store.getState();
      const account = openAccount(s);
      if (account) s.openUrgentDialog({ kind: verb, accountId: account.id });
    },
  };
}

function dialogAction(
  id: string,
  title: string,
  section: ConsoleAction["section"],
  needs: Role,
  unavailable: (s: AppState) => string | undefined,
  dialog: (s: AppState) => UrgentDialog | undefined,
): ConsoleAction {
  return {
    id,
    title,
    section,
    needs,
    mutating: true,
    unavailable,
    perform: ({ store }) => {
      const s = store.getState();
      const d = dialog(s);
      if (d) s.openUrgentDialog(d);
    },
  };
}

export const urgentActions: ConsoleAction[] = [
  dialogAction(
    "key.revoke",
    "Revoke API key…",
    "Accounts",
    "operator",
    (s) => {
      const reason = accountUnavailable(s);
      if (reason) return reason;
      const key = s.accountKeys.find((k) => k.id === s.urgentTarget.keyId);
      if (!key) return "Pick a key in the account's keys table.";
      return key.state === "revoked" ? "The key is already revoked." : undefined;
    },
    (s) => {
      const account = openAccount(s);
      const keyId = s.urgentTarget.keyId;
      return account && keyId ? { kind: "revokeKey", accountId: account.id, keyId } : undefined;
    },
  ),
  dialogAction("account.limits", "Set limits…", "Accounts", "operator", accountUnavailable, (s) => {
    const account = openAccount(s);
    return account ? { kind: "limits", accountId: account.id } : undefined;
  }),
  accountVerbAction("restrict"),
  accountVerbAction("unrestrict"),
  accountVerbAction("erase"),
  dialogAction(
    "abuse.resolve",
    "Resolve abuse flag…",
    "Abuse",
    "operator",
    (s) =>
      s.view !== "abuse"
        ? "Only in the abuse view."
        : s.urgentTarget.flagId
          ? undefined
          : "Pick an open flag.",
    (s) => (s.urgentTarget.flagId ? { kind: "resolveFlag", flagId: s.urgentTarget.flagId } : undefined),
  ),
  // The agent allows RotateModel to operators (rollouts.ts); the console says the same.
  dialogAction(
    "node.rotate",
    "Rotate model on this node…",
    "Node",
    "operator",
    (s) => {
      if (s.view !== "node" || !s.focusedNode) return "Only in the node view.";
      const models = s.nodes[s.focusedNode]?.snapshot?.models ?? [];
      return models.length === 0 ? "The node serves no model." : undefined;
    },
    (s) => {
      const node = s.focusedNode;
      const model = s.urgentTarget.model ?? s.nodes[node ?? ""]?.snapshot?.models?.[0]?.id;
      return node && model ? { kind: "rotate", node, model } : undefined;
    },
  ),
  dialogAction(
    "cert.revoke",
    "Revoke operator certificate…",
    "Audit",
    "admin",
    (s) => (s.view === "audit" ? undefined : "Only in the audit view (Certificates)."),
    () => ({ kind: "revokeCert" }),
  ),
];
