// The shell: top bar (cluster, operator, role), the current view, dialogs, notices, and the one
// keyboard handler that maps keys to registered actions.
import { useEffect } from "react";
import { shortcutOf } from "../actions/registry.js";
import { needsSomeone, openAlerts } from "../state/alertsSlice.js";
import { AbuseView } from "./AbuseView.js";
import { AccountsView } from "./AccountsView.js";
import { AlertsView } from "./AlertsView.js";
import { AuditView } from "./AuditView.js";
import { CommandPalette } from "./CommandPalette.js";
import { useApp, useAppState } from "./context.js";
import { DrainDialog } from "./DrainDialog.js";
import { FleetView } from "./FleetView.js";
import { NodeView } from "./NodeView.js";
import { NoticesView } from "./NoticesView.js";
import { ProfilesView } from "./ProfilesView.js";
import { RequestsView } from "./RequestsView.js";
import { RolloutDialogs } from "./RolloutDialogs.js";
import { RolloutsView } from "./RolloutsView.js";
import { StatusPageView } from "./StatusPageView.js";
import { TerminalsView } from "./TerminalsView.js";
import { UrgentDialog } from "./UrgentDialog.js";

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return (
    !!element &&
    (element.tagName === "INPUT" ||
      element.tagName === "TEXTAREA" ||
      element.tagName === "SELECT" ||
      element.isContentEditable)
  );
}

export function App({
  filterRef,
  accountSearchRef,
}: {
  filterRef: React.RefObject<HTMLInputElement | null>;
  accountSearchRef: React.RefObject<HTMLInputElement | null>;
}) {
  const { actions, actionContext, store } = useApp();
  const view = useAppState((s) => s.view);
  const palette = useAppState((s) => s.paletteOpen);
  const dialog = useAppState((s) => s.dialog);
  const rolloutDialog = useAppState((s) => s.rolloutDialog);
  const hasTerminals = useAppState((s) => s.terminals.length > 0);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Every key typed into a terminal belongs to the remote shell (Esc for vim, Ctrl+K for readline).
      if ((event.target as HTMLElement | null)?.closest?.(".xterm")) return;
      const action = actions.byShortcut(shortcutOf(event));
      if (!action) return;
      // Plain keys type text in fields; only global shortcuts (palette, escape) work there.
      if (
        !action.global &&
        (isTyping(event.target) ||
          store.getState().paletteOpen ||
          store.getState().dialog ||
          store.getState().requestDialog ||
          store.getState().alertDialog ||
          store.getState().rolloutDialog)
      )
        return;
      event.preventDefault();
      const result = actions.run(action.id, store.getState(), actionContext);
      if (!result.enabled && result.reason && action.needs)
        store.getState().notify("error", `${action.title}: ${result.reason}`);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [actions, actionContext, store]);

  return (
    <div className="app">
      <TopBar />
      <main>
        {view === "profiles" && <ProfilesView />}
        {view === "fleet" && <FleetView filterRef={filterRef} />}
        {view === "node" && <NodeView />}
        {view === "abuse" && <AbuseView />}
        {view === "audit" && <AuditView />}
        {view === "alerts" && <AlertsView />}
        {view === "accounts" && <AccountsView searchRef={accountSearchRef} />}
        {view === "rollouts" && <RolloutsView />}
        {view === "requests" && <RequestsView />}
        {view === "notices" && <NoticesView />}
        {view === "status" && <StatusPageView />}
        {/* Kept mounted while other views show: closing it would end every ssh session. */}
        {(hasTerminals || view === "terminals") && <TerminalsView hidden={view !== "terminals"} />}
      </main>
      {palette && <CommandPalette />}
      {dialog && <DrainDialog />}
      <UrgentDialog />
      {rolloutDialog && <RolloutDialogs />}
      <Notices />
    </div>
  );
}

function TopBar() {
  const { store } = useApp();
  const cluster = useAppState((s) => s.cluster);
  const view = useAppState((s) => s.view);
  const leader = useAppState((s) => s.leader);
  // The cluster's alerts: firing with nobody on it (not acknowledged, not silenced), of all open ones.
  const alerts = useAppState((s) => s.alerts);
  const open = needsSomeone(alerts).length;
  const listed = openAlerts(alerts).length;
  const openRequests = useAppState((s) => s.dataRequests.filter((r) => r.status === "open").length);
  const tab = (
    id:
      | "fleet"
      | "abuse"
      | "audit"
      | "terminals"
      | "alerts"
      | "accounts"
      | "rollouts"
      | "requests"
      | "notices"
      | "status"
      | "profiles",
    label: string,
    key: string,
    extra?: React.ReactNode,
  ) => (
    <button
      type="button"
      className={view === id ? "tab active" : "tab"}
      disabled={id !== "profiles" && !cluster}
      onClick={() => store.getState().setView(id)}
    >
      {label}
      {extra} <kbd>{key}</kbd>
    </button>
  );
  return (
    <header className="topbar">
      <b className="brand">entrim</b>
      {tab("fleet", "Fleet", "1")}
      {tab("abuse", "Abuse", "2")}
      {tab("audit", "Audit", "3")}
      {tab("terminals", "Terminals", "4")}
      {tab(
        "alerts",
        "Alerts",
        "5",
        listed > 0 && (
          <span
            className={open > 0 ? "alert-badge" : "alert-badge quiet"}
            data-testid="alert-badge"
            title={`${open} firing unacknowledged of ${listed} open`}
          >
            {open > 0 ? open : listed}
          </span>
        ),
      )}
      {tab("accounts", "Accounts", "6")}
      {tab("rollouts", "Rollouts", "7")}
      {tab(
        "requests",
        "Requests",
        "8",
        openRequests > 0 && (
          <span className="alert-badge quiet" data-testid="requests-badge" title={`${openRequests} open`}>
            {openRequests}
          </span>
        ),
      )}
      {tab("notices", "Notices", "9")}
      {tab("status", "Status page", "⇧S")}
      {tab("profiles", "Profiles", "0")}
      <span className="spacer" />
      {cluster ? (
        <span className="who" data-testid="operator">
          {cluster.profile}
          {cluster.readOnly && <span className="badge">read-only</span>} · leader{" "}
          {leader || cluster.leader || "–"} · {cluster.operator.name}{" "}
          <span className={`badge role-${cluster.operator.role}`}>{cluster.operator.role}</span>
        </span>
      ) : (
        <span className="muted">not connected</span>
      )}
      <button type="button" className="tab" onClick={() => store.getState().setPaletteOpen(true)}>
        Commands <kbd>mod+k</kbd>
      </button>
    </header>
  );
}

function Notices() {
  const { store } = useApp();
  const notices = useAppState((s) => s.notices);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <button
          type="button"
          key={n.id}
          className={`notice ${n.kind}`}
          title="Dismiss"
          onClick={() => store.getState().dismiss(n.id)}
        >
          {n.text}
        </button>
      ))}
    </div>
  );
}
