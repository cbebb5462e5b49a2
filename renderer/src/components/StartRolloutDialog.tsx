// Start a rollout: model and catalogue version, targets (all, regions, labels or nodes), batch size,
// the pause between batches and the health gates. The form is checked with the very schema the Node
// side parses the request with, so the messages shown here are the ones that would refuse it there.
import { type StartRolloutInput, startRolloutRequest } from "@entrim/electron/common";
import { useEffect, useRef, useState } from "react";
import { useApp, useAppState } from "./context.js";

type TargetKind = "all" | "regions" | "labels" | "nodes";

export interface StartForm {
  model: string;
  version: string;
  targetKind: TargetKind;
  /** Comma-separated regions or node names, or `key=value` pairs for labels. */
  targets: string;
  batchSize: string;
  pauseSeconds: string;
  /** In percent, as people say it; the agent takes a share (0 to 1). */
  maxErrorPercent: string;
  maxP95Ms: string;
  windowSeconds: string;
  reason: string;
}

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Empty stays undefined (the schema's default), anything else a number (NaN is refused by it). */
const num = (text: string) => (text.trim() === "" ? undefined : Number(text));

/** The request the form means, and a message per field where it cannot be sent. */
export function checkStartForm(
  form: StartForm,
  versions: string[],
): { request?: StartRolloutInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const labels: Record<string, string> = {};
  if (form.targetKind === "labels")
    for (const pair of list(form.targets)) {
      const [key, ...value] = pair.split("=");
      if (!key?.trim() || value.length === 0) errors.targets = `"${pair}" is not key=value`;
      else labels[key.trim()] = value.join("=").trim();
    }
  if (form.targetKind !== "all" && list(form.targets).length === 0)
    errors.targets = `name at least one of the ${form.targetKind}, or target all`;
  const rate = num(form.maxErrorPercent);
  const request: StartRolloutInput = {
    model: form.model,
    version: form.version,
    targets: {
      nodes: form.targetKind === "nodes" ? list(form.targets) : [],
      regions: form.targetKind === "regions" ? list(form.targets) : [],
      labels,
    },
    batchSize: num(form.batchSize),
    pauseSeconds: num(form.pauseSeconds),
    gates: {
      maxErrorRate: rate === undefined ? undefined : rate / 100,
      maxP95Ms: num(form.maxP95Ms),
      windowSeconds: num(form.windowSeconds),
    },
    reason: form.reason,
  };
  const parsed = startRolloutRequest.safeParse(request);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      const field =
        path[0] === "gates"
          ? path[1] === "maxErrorRate"
            ? "maxErrorPercent"
            : (path[1] ?? "gates")
          : path[0] === "targets"
            ? "targets"
            : (path[0] ?? "form");
      const message =
        path[1] === "maxErrorRate"
          ? "an error rate is 0 to 100 %"
          : issue.message.replace(/^Invalid input: /, "");
      errors[field] ??= message;
    }
  if (form.model && form.version && !versions.includes(form.version))
    errors.version ??= `${form.model} has no version ${form.version} in the catalogue`;
  return Object.keys(errors).length ? { errors } : { request, errors };
}

export function StartRolloutDialog({ model }: { model?: string | undefined }) {
  const { controller, store } = useApp();
  const catalogue = useAppState((s) => s.catalogue);
  const [form, setForm] = useState<StartForm>({
    model: model ?? catalogue[0]?.name ?? "",
    version: "",
    targetKind: "all",
    targets: "",
    batchSize: "1",
    pauseSeconds: "0",
    maxErrorPercent: "0",
    maxP95Ms: "60000",
    windowSeconds: "30",
    reason: "",
  });
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string>();
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  // The catalogue may arrive after the dialog opened.
  useEffect(() => {
    if (!form.model && catalogue[0]) setForm((f) => ({ ...f, model: catalogue[0]!.name }));
  }, [catalogue, form.model]);
  const entry = catalogue.find((m) => m.name === form.model);
  const versions = entry?.versions.map((v) => v.version) ?? [];
  const { request, errors } = checkStartForm(form, versions);
  const set = (key: keyof StartForm) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));
  const error = (key: string) =>
    tried && errors[key] ? (
      <span className="bad" data-error={key}>
        {errors[key]}
      </span>
    ) : null;
  const submit = async () => {
    setTried(true);
    if (!request || busy) return;
    setBusy(true);
    setRefused(undefined);
    const why = await controller.rollouts.startRollout(request);
    setBusy(false);
    if (why) setRefused(why);
    else store.getState().openRolloutDialog(undefined);
  };
  const serving = entry?.nodes.map((n) => `${n.node} (${n.liveVersion || "–"})`).join(", ");
  return (
    <div className="overlay">
      <form
        className="dialog wide"
        role="dialog"
        aria-label="Start rollout"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2>Start a rollout</h2>
        <div className="form-grid">
          <label>
            Model
            <select ref={first} name="model" value={form.model} onChange={set("model")}>
              {catalogue.length === 0 && <option value="">(catalogue loading…)</option>}
              {catalogue.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name}
                </option>
              ))}
            </select>
            {error("model")}
          </label>
          <label>
            Version
            <select name="version" value={form.version} onChange={set("version")}>
              <option value="">(pick a version)</option>
              {entry?.versions.map((v) => (
                <option key={v.version} value={v.version}>
                  {v.version}
                  {v.liveOn.length ? ` (live on ${v.liveOn.length})` : ""}
                </option>
              ))}
            </select>
            {error("version")}
          </label>
          <label>
            Targets
            <select name="targetKind" value={form.targetKind} onChange={set("targetKind")}>
              <option value="all">every live node serving the model</option>
              <option value="regions">regions</option>
              <option value="labels">registry labels</option>
              <option value="nodes">nodes</option>
            </select>
          </label>
          <label>
            {form.targetKind === "labels" ? "Labels (key=value, comma-separated)" : "Names (comma-separated)"}
            <input
              name="targets"
              value={form.targets}
              disabled={form.targetKind === "all"}
              onChange={set("targets")}
            />
            {error("targets")}
          </label>
          <label>
            Batch size (nodes at once)
            <input name="batchSize" inputMode="numeric" value={form.batchSize} onChange={set("batchSize")} />
            {error("batchSize")}
          </label>
          <label>
            Pause between batches (s)
            <input
              name="pauseSeconds"
              inputMode="numeric"
              value={form.pauseSeconds}
              onChange={set("pauseSeconds")}
            />
            {error("pauseSeconds")}
          </label>
          <label>
            Gate: max error rate (%)
            <input
              name="maxErrorPercent"
              inputMode="decimal"
              value={form.maxErrorPercent}
              onChange={set("maxErrorPercent")}
            />
            {error("maxErrorPercent")}
          </label>
          <label>
            Gate: max p95 (ms)
            <input name="maxP95Ms" inputMode="numeric" value={form.maxP95Ms} onChange={set("maxP95Ms")} />
            {error("maxP95Ms")}
          </label>
          <label>
            Gate: window (s)
            <input
              name="windowSeconds"
              inputMode="numeric"
              value={form.windowSeconds}
              onChange={set("windowSeconds")}
            />
            {error("windowSeconds")}
          </label>
          <label>
            Reason (audit log)
            <input name="reason" value={form.reason} onChange={set("reason")} />
            {error("reason")}
          </label>
        </div>
        {serving && (
          <p className="muted">
            Serving {form.model} now: {serving}
          </p>
        )}
        {refused && (
          <p className="bad" data-testid="start-refused">
            {refused}
          </p>
        )}
        <div className="buttons">
          <button type="button" onClick={() => store.getState().openRolloutDialog(undefined)}>
            Cancel <kbd>esc</kbd>
          </button>
          <button type="submit" className="primary" disabled={busy || (tried && !request)}>
            {busy ? "Starting…" : "Start rollout"}
          </button>
        </div>
      </form>
    </div>
  );
}
