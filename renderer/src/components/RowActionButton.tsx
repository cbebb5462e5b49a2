// A registered action's button on one row (a key, a flag, a model): it names its row as the action's
// target, so availability is judged for that row, and disabled buttons give the registry's reason.
import { availability } from "../actions/registry.js";
import type { UrgentTarget } from "../state/urgentSlice.js";
import { useApp, useAppState } from "./context.js";

export function RowActionButton({ id, target, label }: { id: string; target: UrgentTarget; label: string }) {
  const { actions, actionContext, store } = useApp();
  const action = actions.get(id);
  const state = useAppState((s) => s);
  if (!action) return null;
  const result = availability(action as never, { ...state, urgentTarget: target });
  return (
    <button
      type="button"
      disabled={!result.enabled}
      title={result.reason ?? action.title}
      aria-description={result.reason}
      data-action={id}
      onClick={() => {
        store.getState().setUrgentTarget(target);
        actions.run(id, store.getState(), actionContext);
      }}
    >
      {label}
    </button>
  );
}
