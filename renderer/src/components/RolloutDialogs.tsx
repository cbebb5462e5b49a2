// The rollout dialogs: start, and the confirmation of abort and roll back. Both return nodes to the
// version they served before, so the operator gives a reason and types the model's name or the
// rollout's id to confirm.
import { useEffect, useRef, useState } from "react";
import { rolloutStateWord } from "../state/rolloutSlice.js";
import { useApp, useAppState } from "./context.js";
import { StartRolloutDialog } from "./StartRolloutDialog.js";

/** What may be typed to confirm: the model's name or the rollout's id. */
export function confirms(typed: string, rollout: { id: string; model: string }): boolean {
  const t = typed.trim();
  return t === rollout.model || t === rollout.id;
}

export function RolloutDialogs() {
  const dialog = useAppState((s) => s.rolloutDialog)!;
  if (dialog.kind === "start") return <StartRolloutDialog model={dialog.model} />;
  if (dialog.kind === "abort" || dialog.kind === "rollback")
    return <ConfirmDialog verb={dialog.kind} id={dialog.id} />;
  return null;
}

function ConfirmDialog({ verb, id }: { verb: "abort" | "rollback"; id: string }) {
  const { controller, store } = useApp();
  const rollout = useAppState((s) => s.rollouts[id]);
  const [reason, setReason] = useState("");
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string>();
  const reasonInput = useRef<HTMLInputElement>(null);
  useEffect(() => reasonInput.current?.focus(), []);
  if (!rollout) return null;
  const touched = rollout.nodes.filter((n) => n.state !== "ROLLOUT_NODE_STATE_PENDING");
  const ready = reason.trim().length >= 3 && confirms(typed, rollout) && !busy;
  const title = verb === "abort" ? "Abort" : "Roll back";
  const submit = async () => {
    if (!ready) return;
    setBusy(true);
    const why = await controller.rollouts.act(id, verb, reason.trim());
    setBusy(false);
    if (why) setRefused(why);
    else {
      store.getState().notify("info", `Rollout ${id}: ${verb === "abort" ? "aborting" : "rolling back"}.`);
      store.getState().openRolloutDialog(undefined);
    }
  };
  return (
    <div className="overlay">
      <form
        className="dialog"
        role="dialog"
        aria-label={`${title} rollout`}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2>
          {title} the rollout of {rollout.model} to {rollout.toVersion}
        </h2>
        <p className="muted">
          {rollout.id} is {rolloutStateWord(rollout.state)}.{" "}
          {verb === "abort"
            ? "No further batch starts, a rotation under way is cancelled, and every node it touched"
            : "Every node it touched"}{" "}
          returns to the version it served before (
          {touched.length ? touched.map((n) => n.node).join(", ") : "none yet"}
          ).
        </p>
        <label>
          Reason (audit log)
          <input ref={reasonInput} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <label>
          <span>
            Type <code>{rollout.model}</code> or <code>{rollout.id}</code> to confirm
          </span>
          <input name="confirm" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        {refused && <p className="bad">{refused}</p>}
        <div className="buttons">
          <button type="button" onClick={() => store.getState().openRolloutDialog(undefined)}>
            Cancel <kbd>esc</kbd>
          </button>
          <button type="submit" className="danger" disabled={!ready}>
            {title}
          </button>
        </div>
      </form>
    </div>
  );
}
