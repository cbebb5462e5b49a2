// The accounts view's actions: suspending or warning an account (through the abuse view's form) and the
// data-subject export.
import type { AppState } from "../state/store.js";
import type { ConsoleAction } from "./types.js";

/** The account an account action means: the one open in the accounts view, else the cursor's. */
export function accountTarget(s: AppState): string | undefined {
  return s.accountDetail?.account?.id ?? s.accountCursor;
}

function accountAction(kind: "suspend" | "warn"): ConsoleAction {
  return {
    id: `account.${kind}`,
    title: kind === "suspend" ? "Suspend account…" : "Warn account…",
    section: "Accounts",
    shortcut: kind === "suspend" ? "s" : "w",
    needs: "operator",
    mutating: true,
    unavailable: (s: AppState) =>
      s.view !== "accounts"
        ? "Only in the accounts view."
        : s.accountCursor
          ? undefined
          : "No account selected.",
    // The abuse view's form, filled in: the operator still picks the reason and confirms there.
    perform: ({ store }) => {
      const s = store.getState();
      if (!s.accountCursor) return;
      s.prefillAbuse({ kind, targetType: "TARGET_TYPE_ACCOUNT", target: s.accountCursor });
      s.setView("abuse");
    },
  };
}

/**
 * GDPR access/portability export: the agent allows it to admins only and wants a reason (a ticket
 * reference), so the action asks for one; the document arrives as a file to save. Refused for
 * read-only profiles: personal data leaving the cluster is an act, not a look.
 */
const exportAccountAction: ConsoleAction = {
  id: "account.export",
  title: "Export personal data…",
  section: "Accounts",
  shortcut: "e",
  needs: "admin",
  mutating: true,
  unavailable: (s) =>
    s.view !== "accounts"
      ? "Only in the accounts view."
      : accountTarget(s)
        ? undefined
        : "No account selected.",
  perform: ({ store }) => {
    const s = store.getState();
    const id = accountTarget(s);
    if (id) s.openExportDialog(id);
  },
};

export const accountActions: ConsoleAction[] = [
  accountAction("suspend"),
  accountAction("warn"),
  exportAccountAction,
];
