// The session's actions: the profiles view (where a session starts) and disconnecting.
import type { ConsoleAction } from "./types.js";

export const profilesAction: ConsoleAction = {
  id: "view.profiles",
  title: "Go to profiles",
  section: "Session",
  shortcut: "0",
  perform: ({ store }) => store.getState().setView("profiles"),
};

export const disconnectAction: ConsoleAction = {
  id: "session.disconnect",
  title: "Disconnect",
  section: "Session",
  shortcut: "mod+shift+d",
  unavailable: (s) => (s.cluster ? undefined : "Not connected."),
  perform: ({ controller }) => void controller.disconnect(),
};
