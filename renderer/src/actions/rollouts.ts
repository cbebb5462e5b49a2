// The rollouts' actions. Roles mirror the agent's RolloutService exactly (start and roll back: admin;
// pause, resume, abort: operator), and each verb is offered only from the states the agent takes it
// from, so a disabled action says why before the agent would refuse.
import type { RolloutVerb } from "@entrim/electron/common";
import { rolloutStateWord, VERB_FROM } from "../state/rolloutSlice.js";
import type { AppState } from "../state/store.js";
import type { ConsoleAction } from "./types.js";

/** The rollout the verbs act on: the one under the rollouts view's cursor. */
export function rolloutTarget(s: AppState) {
  return s.view === "rollouts" && s.rolloutCursor ? s.rollouts[s.rolloutCursor] : undefined;
}

function verbUnavailable(verb: RolloutVerb, word: string) {
  return (s: AppState): string | undefined => {
    if (s.view !== "rollouts") return "Only in the rollouts view.";
    const r = rolloutTarget(s);
    if (!r) return "No rollout under the cursor (j/k).";
    return VERB_FROM[verb].includes(r.state)
      ? undefined
      : `A ${rolloutStateWord(r.state)} rollout cannot be ${word}.`;
  };
}

/** Pause and resume act at once (pause is the brake: no dialog in its way). */
function immediate(verb: "pause" | "resume", word: string): ConsoleAction {
  return {
    id: `rollout.${verb}`,
    title: verb === "pause" ? "Pause rollout" : "Resume rollout",
    section: "Rollouts",
    shortcut: verb === "pause" ? "p" : "r",
    needs: "operator",
    mutating: true,
    unavailable: verbUnavailable(verb, word),
    perform: async ({ store, controller }) => {
      const r = rolloutTarget(store.getState());
      if (!r) return;
      const refused = await controller.rollouts.act(r.id, verb, "");
      store
        .getState()
        .notify(
          refused ? "error" : "info",
          refused ?? `Rollout ${r.id} ${verb === "pause" ? "paused" : "resumed"}.`,
        );
    },
  };
}

/** Abort and roll back return nodes to their previous version: a dialog with a reason and a typed name. */
function confirmed(verb: "abort" | "rollback", word: string): ConsoleAction {
  return {
    id: `rollout.${verb}`,
    title: verb === "abort" ? "Abort rollout…" : "Roll back rollout…",
    section: "Rollouts",
    shortcut: verb === "abort" ? "c" : "b",
    needs: verb === "abort" ? "operator" : "admin",
    mutating: true,
    unavailable: verbUnavailable(verb, word),
    perform: ({ store }) => {
      const r = rolloutTarget(store.getState());
      if (r) store.getState().openRolloutDialog({ kind: verb, id: r.id });
    },
  };
}

export function rolloutActions(): ConsoleAction[] {
  return [
    {
      id: "view.rollouts",
      title: "Go to rollouts",
      section: "View",
      shortcut: "7",
      needs: "viewer",
      // The view re-reads the list when it opens; the watches keep active rollouts live.
      perform: ({ store }) => store.getState().setView("rollouts"),
    },
    {
      id: "rollout.start",
      title: "Start rollout…",
      section: "Rollouts",
      shortcut: "n",
      needs: "admin",
      mutating: true,
      perform: ({ store, controller }) => {
        const s = store.getState();
        s.setView("rollouts");
        void controller.rollouts.loadCatalogue();
        s.openRolloutDialog({ kind: "start" });
      },
    },
    immediate("pause", "paused"),
    immediate("resume", "resumed"),
    confirmed("abort", "aborted"),
    confirmed("rollback", "rolled back"),
  ];
}
