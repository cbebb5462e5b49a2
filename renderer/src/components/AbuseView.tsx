// The abuse queue: flags raised by the detection rules, active suspensions and warnings, and the form
// to suspend or warn (operator role) and lift with a reason.
import { type AbuseFlag, channels, type Suspension } from "@entrim/electron/common";
import { useEffect, useState } from "react";
import { time } from "../format.js";
import { ActionGate } from "./ActionGate.js";
import { useApp, useAppState } from "./context.js";
import { RowActionButton } from "./RowActionButton.js";

type Target = "TARGET_TYPE_ACCOUNT" | "TARGET_TYPE_KEY" | "TARGET_TYPE_IP";
const SUBJECT_TARGET: Record<string, Target> = {
  account: "TARGET_TYPE_ACCOUNT",
  key: "TARGET_TYPE_KEY",
  ip: "TARGET_TYPE_IP",
};

export function AbuseView() {
  const { controller, store } = useApp();
  const [flags, setFlags] = useState<AbuseFlag[]>([]);
  const [suspensions, setSuspensions] = useState<Suspension[]>([]);
  // Another view (accounts) may have sent the operator here with the target filled in; used once.
  const [prefill] = useState(() => {
    const p = store.getState().abusePrefill;
    store.getState().prefillAbuse(undefined);
    return p;
  });
  const [form, setForm] = useState({
    kind: (prefill?.kind ?? "suspend") as "suspend" | "warn",
    targetType: (prefill?.targetType ?? "TARGET_TYPE_ACCOUNT") as Target,
    target: prefill?.target ?? "",
    reason: "SUSPENSION_REASON_ABUSE" as const,
    hours: 0,
    note: "",
  });
  const fail = (e: Error) => store.getState().notify("error", e.message);
  const load = () => {
    controller.api.call(channels.listAbuseFlags, {}).then(setFlags, fail);
    controller.api.call(channels.listSuspensions, { activeOnly: true }).then(setSuspensions, fail);
  };
  // Loads when the view opens, and again after a flag was resolved (abuseRevision).
  const revision = useAppState((s) => s.abuseRevision);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloads on the revision only
  useEffect(load, [revision]);
  const submit = async () => {
    try {
      const { hours, ...rest } = form;
      await controller.api.call(channels.suspend, { ...rest, expiresInSeconds: Math.round(hours * 3600) });
      store.getState().notify("info", `${form.kind === "warn" ? "Warned" : "Suspended"} ${form.target}.`);
      load();
    } catch (error) {
      fail(error as Error);
    }
  };
  const lift = async (s: Suspension) => {
    const reason = window.prompt(`Why lift ${s.target}? (audit log)`);
    if (!reason) return;
    await controller.api.call(channels.unsuspend, { id: s.id, reason }).then(load, fail);
  };
  return (
    <section className="abuse" aria-label="Abuse queue">
      <h3>Open flags</h3>
      <table className="dense">
        <thead>
          <tr>
            <th>Subject</th>
            <th>Rule</th>
            <th>Count</th>
            <th>First</th>
            <th>Last</th>
            <th>Evidence</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {flags.map((f) => (
            <tr key={f.id}>
              <td>
                {f.subjectType}:{f.subject}
              </td>
              <td>{f.rule}</td>
              <td>{f.count}</td>
              <td>{time(f.firstSeenMs)}</td>
              <td>{time(f.lastSeenMs)}</td>
              <td className="ellipsis" title={f.evidenceJson}>
                {f.evidenceJson}
              </td>
              <td>
                <button
                  type="button"
                  onClick={() =>
                    setForm({
                      ...form,
                      targetType: SUBJECT_TARGET[f.subjectType] ?? "TARGET_TYPE_ACCOUNT",
                      target: f.subject,
                    })
                  }
                >
                  Use
                </button>{" "}
                <RowActionButton id="abuse.resolve" target={{ flagId: f.id }} label="Resolve" />
              </td>
            </tr>
          ))}
          {flags.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No open flags.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h3>Active suspensions and warnings</h3>
      <table className="dense">
        <thead>
          <tr>
            <th>Target</th>
            <th>State</th>
            <th>Reason</th>
            <th>Note</th>
            <th>By</th>
            <th>Since</th>
            <th>Expires</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {suspensions.map((s) => (
            <tr key={s.id}>
              <td>
                {s.targetType.replace("TARGET_TYPE_", "").toLowerCase()}:{s.target}
              </td>
              <td>{s.state.replace("SUSPENSION_STATE_", "").toLowerCase()}</td>
              <td>{s.reason.replace("SUSPENSION_REASON_", "").toLowerCase()}</td>
              <td className="ellipsis">{s.note}</td>
              <td>{s.createdBy}</td>
              <td>{time(s.createdAtMs)}</td>
              <td>{s.expiresAtMs ? time(s.expiresAtMs) : "never"}</td>
              <td>
                <ActionGate need="operator">
                  <button type="button" onClick={() => void lift(s)}>
                    Lift
                  </button>
                </ActionGate>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Suspend or warn</h3>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Action
          <select
            aria-label="kind"
            value={form.kind}
            onChange={(e) => setForm({ ...form, kind: e.target.value as "suspend" | "warn" })}
          >
            <option value="suspend">suspend</option>
            <option value="warn">warn</option>
          </select>
        </label>
        <label>
          Target type
          <select
            aria-label="target type"
            value={form.targetType}
            onChange={(e) => setForm({ ...form, targetType: e.target.value as Target })}
          >
            <option value="TARGET_TYPE_ACCOUNT">account</option>
            <option value="TARGET_TYPE_KEY">key</option>
            <option value="TARGET_TYPE_IP">ip / cidr</option>
          </select>
        </label>
        <label>
          Target
          <input
            aria-label="target"
            placeholder="acct_… / key id / 203.0.113.0/24"
            value={form.target}
            onChange={(e) => setForm({ ...form, target: e.target.value })}
          />
        </label>
        <label>
          Reason
          <select
            aria-label="reason"
            value={form.reason}
            onChange={(e) => setForm({ ...form, reason: e.target.value as typeof form.reason })}
          >
            {["ABUSE", "NON_PAYMENT", "SECURITY", "LEGAL", "CUSTOMER_REQUEST"].map((r) => (
              <option key={r} value={`SUSPENSION_REASON_${r}`}>
                {r.toLowerCase().replace("_", " ")}
              </option>
            ))}
          </select>
        </label>
        <label>
          Expires in hours (0 = never)
          <input
            aria-label="expires in hours"
            type="number"
            min={0}
            step={1}
            value={form.hours}
            title="hours until it lifts by itself; 0 = never"
            onChange={(e) => setForm({ ...form, hours: Number(e.target.value) })}
          />
        </label>
        <label>
          Internal note
          <input
            aria-label="note"
            placeholder="internal note"
            value={form.note}
            onChange={(e) => setForm({ ...form, note: e.target.value })}
          />
        </label>
        <ActionGate need="operator">
          <button type="submit" className="danger" disabled={!form.target}>
            {form.kind}
          </button>
        </ActionGate>
      </form>
    </section>
  );
}
