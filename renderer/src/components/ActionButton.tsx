// A button for a registered action: disabled with the registry's reason as its tooltip (and visible
// text for screen readers), so "why can't I" is answered where the operator looks.
import { availability } from "../actions/registry.js";
import { useApp, useAppState } from "./context.js";

export function ActionButton({ id, label }: { id: string; label?: string }) {
  const { actions, actionContext, store } = useApp();
  const action = actions.get(id);
  // Any state change can change availability (selection, role, node state); the check is cheap.
  const state = useAppState((s) => s);
  if (!action) return null;
  const result = availability(action as never, state);
  return (
    <button
      type="button"
      disabled={!result.enabled}
      title={result.reason ?? action.title}
      aria-description={result.reason}
      data-action={id}
      onClick={() => actions.run(id, store.getState(), actionContext)}
    >
      {label ?? action.title}
      {action.shortcut && <kbd>{action.shortcut}</kbd>}
    </button>
  );
}
