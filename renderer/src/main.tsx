// Entry of the bundle: picks the carrier (Electron's preload bridge, else the browser-mode WebSocket),
// builds the store, controller and actions, and renders. `#profile=NAME` connects at once.
import type { ConsoleApi } from "@entrim/electron/common";
import { createRef } from "react";
import { createRoot } from "react-dom/client";
import { consoleActions } from "./actions/actions.js";
import { App } from "./components/App.js";
import { AppContext } from "./components/context.js";
import { Controller } from "./controller.js";
import { feedMenu } from "./menu.js";
import { series } from "./metrics/series.js";
import { visibleNodes } from "./state/fleetSlice.js";
import { createAppStore } from "./state/store.js";
import { type Bridge, ipcApi } from "./transport/ipc.js";
import { wsApi } from "./transport/ws.js";

async function carrier(params: URLSearchParams): Promise<ConsoleApi> {
  const bridge = (window as unknown as { entrimBridge?: Bridge }).entrimBridge;
  if (bridge) return ipcApi(bridge);
  // The token arrives in the fragment once; keep it for reloads of this tab only, and drop it from the
  // address bar so it does not end up in screenshots or shared links.
  const token = params.get("token") ?? sessionStorage.getItem("entrim.token") ?? "";
  sessionStorage.setItem("entrim.token", token);
  const { api, ready } = wsApi(`ws://${location.host}/ws`, token);
  await ready;
  return api;
}

async function start() {
  const params = new URLSearchParams(location.hash.slice(1));
  const root = createRoot(document.getElementById("root")!);
  let api: ConsoleApi;
  try {
    api = await carrier(params);
  } catch (error) {
    root.render(
      <p className="fatal">
        Cannot reach the console's backend: {(error as Error).message}. Open the URL the console printed.
      </p>,
    );
    return;
  }
  const profile = params.get("profile");
  history.replaceState(null, "", location.pathname);
  const store = createAppStore();
  const controller = new Controller(api, store, series);
  const filterRef = createRef<HTMLInputElement>();
  const accountSearchRef = createRef<HTMLInputElement>();
  const actionContext = {
    store,
    controller,
    focusFilter: () => filterRef.current?.focus(),
    focusAccountSearch: () => accountSearchRef.current?.focus(),
    visibleNames: () => visibleNodes(store.getState()).map((n) => n.name),
  };
  const actions = consoleActions();
  const bridge = (window as unknown as { entrimBridge?: Bridge }).entrimBridge;
  if (bridge) feedMenu(bridge, actions, actionContext);
  root.render(
    <AppContext.Provider value={{ store, controller, series, actions, actionContext }}>
      <App filterRef={filterRef} accountSearchRef={accountSearchRef} />
    </AppContext.Provider>,
  );
  await controller.loadProfiles();
  if (profile) await controller.connect(profile);
}

void start();
