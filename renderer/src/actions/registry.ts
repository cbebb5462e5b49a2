// The actions registry: every command the operator can give, with its shortcut and the rule that allows
// it. Menus, shortcuts and the command palette all read from here, so a disabled action says the same
// reason everywhere (and the agent still refuses on its own: this only explains, never protects).
import { allows } from "@entrim/electron/common";
import type { AppState } from "../state/store.js";
import type { Action, Availability } from "./types.js";

export function availability(action: Action<never>, state: AppState): Availability {
  const cluster = state.cluster;
  if ((action.needs || action.mutating) && !cluster)
    return { enabled: false, reason: "Connect to a cluster first." };
  if (cluster && action.mutating && cluster.readOnly) {
    return { enabled: false, reason: `Profile "${cluster.profile}" is read-only.` };
  }
  if (cluster && action.needs && !allows(cluster.operator.role, action.needs)) {
    return {
      enabled: false,
      reason: `Needs the ${action.needs} role; your certificate (${cluster.operator.name}) names ${cluster.operator.role}.`,
    };
  }
  const reason = action.unavailable?.(state);
  return reason ? { enabled: false, reason } : { enabled: true };
}

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** A key event as a shortcut string: modifiers in a fixed order, Ctrl and Cmd both as "mod". */
export function shortcutOf(event: KeyLike): string {
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push("mod");
  if (event.altKey) parts.push("alt");
  // Shift is part of printable keys already ("?" not "shift+/"), but counts for letters and named keys.
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key.toLowerCase();
  if (event.shiftKey && (event.key.length > 1 || /[a-z]/i.test(event.key))) parts.push("shift");
  parts.push(key === " " ? "space" : key);
  return parts.join("+");
}

export class ActionRegistry<Ctx> {
  private readonly actions = new Map<string, Action<Ctx>>();

  register(...actions: Action<Ctx>[]): this {
    for (const action of actions) {
      if (this.actions.has(action.id)) throw new Error(`Action ${action.id} registered twice`);
      const clash = action.shortcut && this.byShortcut(action.shortcut);
      if (clash) throw new Error(`Shortcut ${action.shortcut} of ${action.id} is taken by ${clash.id}`);
      this.actions.set(action.id, action);
    }
    return this;
  }

  list(): Action<Ctx>[] {
    return [...this.actions.values()];
  }

  get(id: string): Action<Ctx> | undefined {
    return this.actions.get(id);
  }

  byShortcut(shortcut: string): Action<Ctx> | undefined {
    return this.list().find((a) => a.shortcut === shortcut);
  }

  /** Runs the action when allowed; returns the availability so callers can show why not. */
  run(id: string, state: AppState, ctx: Ctx): Availability {
    const action = this.actions.get(id);
    if (!action) return { enabled: false, reason: `No action ${id}` };
    const result = availability(action as Action<never>, state);
    if (result.enabled) action.perform(ctx);
    return result;
  }

  /** Palette search: every word of the query must appear in the title or section. */
  search(query: string): Action<Ctx>[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return this.list().filter((a) =>
      words.every((w) => `${a.title} ${a.section} ${a.id}`.toLowerCase().includes(w)),
    );
  }
}
