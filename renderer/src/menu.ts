// In the desktop app the actions registry also feeds the menu bar: the items (with availability and
// the reason when disabled) are sent whenever they change, and a menu click runs the action by id.

import { type ActionRegistry, availability } from "./actions/registry.js";
import type { ActionContext } from "./actions/types.js";
import type { AppStore } from "./state/store.js";
import type { Bridge, MenuItem } from "./transport/ipc.js";

export function menuItems(
  actions: ActionRegistry<ActionContext>,
  state: ReturnType<AppStore["getState"]>,
): MenuItem[] {
  return actions.list().map((action) => {
    const result = availability(action as never, state);
    return {
      id: action.id,
      title: action.title,
      section: action.section,
      ...(action.shortcut ? { shortcut: action.shortcut } : {}),
      enabled: result.enabled,
      ...(result.reason ? { reason: result.reason } : {}),
    };
  });
}

export function feedMenu(bridge: Bridge, actions: ActionRegistry<ActionContext>, ctx: ActionContext): void {
  const { setMenu, onMenuAction } = bridge;
  if (!setMenu || !onMenuAction) return;
  let last = "";
  const publish = () => {
    const items = menuItems(actions, ctx.store.getState());
    const text = JSON.stringify(items);
    // The store changes four times a second with samples; the menu only when availability does.
    if (text === last) return;
    last = text;
    setMenu(items);
  };
  publish();
  ctx.store.subscribe(publish);
  onMenuAction((id) => actions.run(id, ctx.store.getState(), ctx));
}
