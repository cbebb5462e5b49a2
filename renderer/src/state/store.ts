// The app state: one zustand store made of slices, one file per concern.
import { createStore } from "zustand/vanilla";
import { type AccountsSlice, createAccountsSlice } from "./accountsSlice.js";
import { type ActionsSlice, createActionsSlice } from "./actionsSlice.js";
import { type AlertsSlice, createAlertsSlice } from "./alertsSlice.js";
import { createFleetSlice, type FleetSlice } from "./fleetSlice.js";
import { createNodeSlice, type NodeSlice } from "./nodeSlice.js";
import { createNoticesSlice, type NoticesSlice } from "./noticesSlice.js";
import { createRecordsSlice, type RecordsSlice } from "./recordsSlice.js";
import { createRequestsSlice, type RequestsSlice } from "./requestsSlice.js";
import { createRolloutSlice, type RolloutSlice } from "./rolloutSlice.js";
import { createSessionSlice, type SessionSlice } from "./sessionSlice.js";
import { createTerminalSlice, type TerminalSlice } from "./terminalSlice.js";
import { createUrgentSlice, type UrgentSlice } from "./urgentSlice.js";

export type AppState = FleetSlice &
  NodeSlice &
  SessionSlice &
  ActionsSlice &
  TerminalSlice &
  AlertsSlice &
  AccountsSlice &
  RolloutSlice &
  RecordsSlice &
  RequestsSlice &
  NoticesSlice &
  UrgentSlice;

export function createAppStore() {
  return createStore<AppState>()((...a) => ({
    ...createFleetSlice(...a),
    ...createNodeSlice(...a),
    ...createSessionSlice(...a),
    ...createActionsSlice(...a),
    ...createTerminalSlice(...a),
    ...createAlertsSlice(...a),
    ...createAccountsSlice(...a),
    ...createRolloutSlice(...a),
    ...createRecordsSlice(...a),
    ...createRequestsSlice(...a),
    ...createNoticesSlice(...a),
    ...createUrgentSlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
