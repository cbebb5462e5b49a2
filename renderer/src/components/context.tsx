// What every view needs, handed down once: the store, the controller and the actions.
import { createContext, useContext } from "react";
import { useStore } from "zustand";
import type { ActionRegistry } from "../actions/registry.js";
import type { ActionContext } from "../actions/types.js";
import type { Controller } from "../controller.js";
import type { SeriesStore } from "../metrics/series.js";
import type { AppState, AppStore } from "../state/store.js";

export interface App {
  store: AppStore;
  controller: Controller;
  series: SeriesStore;
  actions: ActionRegistry<ActionContext>;
  actionContext: ActionContext;
}

export const AppContext = createContext<App | undefined>(undefined);

export function useApp(): App {
  const app = useContext(AppContext);
  if (!app) throw new Error("AppContext missing");
  return app;
}

export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(useApp().store, selector);
}
