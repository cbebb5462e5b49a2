// The console's actions, assembled: each view's actions live in their own file. The order here is the
// order of the command palette and the menus.
import { accountActions } from "./accounts.js";
import { alertActions } from "./alerts.js";
import { fleetActions } from "./fleet.js";
import { navigationActions } from "./navigation.js";
import { nodeActions } from "./node.js";
import { noticeActions } from "./notices.js";
import { ActionRegistry } from "./registry.js";
import { requestActions } from "./requests.js";
import { rolloutActions } from "./rollouts.js";
import { disconnectAction, profilesAction } from "./session.js";
import type { ActionContext } from "./types.js";
import { urgentActions } from "./urgent.js";

export function consoleActions(): ActionRegistry<ActionContext> {
  return new ActionRegistry<ActionContext>().register(
    ...navigationActions,
    ...alertActions,
    ...rolloutActions(),
    ...accountActions,
    ...requestActions,
    ...noticeActions,
    ...urgentActions,
    profilesAction,
    ...fleetActions,
    ...nodeActions,
    disconnectAction,
  );
}
