// What an action is, and what it runs with. Its own module so the action files (one per view) and the
// registry depend on the types, not on the aggregator that assembles them.
import type { Role } from "@entrim/electron/common";
import type { Controller } from "../controller.js";
import type { AppState, AppStore } from "../state/store.js";

export interface Action<Ctx = unknown> {
  id: string;
  title: string;
  section:
    | "View"
    | "Fleet"
    | "Node"
    | "Abuse"
    | "Audit"
    | "Alerts"
    | "Accounts"
    | "Rollouts"
    | "Requests"
    | "Notices"
    | "Session";
  /** "mod+k" (Ctrl, or Cmd on macOS), "shift+a", "d", "escape", "enter"... */
  shortcut?: string;
  /** The least role the agent requires for what this does. */
  needs?: Role;
  /** Changes something on the cluster: refused for read-only profiles. */
  mutating?: boolean;
  /** Why it cannot run now (nothing selected, wrong view), or undefined when it can. */
  unavailable?: (state: AppState) => string | undefined;
  /** Works while typing in a field (palette, escape). */
  global?: boolean;
  perform(ctx: Ctx): void;
}

export interface Availability {
  enabled: boolean;
  reason?: string;
}

export interface ActionContext {
  store: AppStore;
  controller: Controller;
  /** Moves keyboard focus to the fleet filter box. */
  focusFilter(): void;
  /** Moves keyboard focus to the accounts search box. */
  focusAccountSearch(): void;
  /** Visible fleet rows in table order, for cursor movement and select-all. */
  visibleNames(): string[];
}

/** An action of the console, run with the console's context. */
export type ConsoleAction = Action<ActionContext>;
