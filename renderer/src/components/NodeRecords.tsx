// Two compact panels of the node view: the security events this node saw and the audit entries it
// recorded (drains, undrains, model changes...), newest first, refreshed while the view is open.
import { useEffect } from "react";
import { time } from "../format.js";
import { refreshNodeRecords } from "../records.js";
import { eventSubject } from "../state/recordsSlice.js";
import { useApp, useAppState } from "./context.js";

/** Security events arrive in batches about once a second; an on-call glance needs no more than this. */
const REFRESH_MS = 5_000;

export function NodeRecords({ node }: { node: string }) {
  const { controller } = useApp();
  const records = useAppState((s) => (s.nodeRecords?.node === node ? s.nodeRecords : undefined));
  useEffect(() => {
    void refreshNodeRecords(controller, node);
    const timer = setInterval(() => void refreshNodeRecords(controller, node), REFRESH_MS);
    return () => clearInterval(timer);
  }, [controller, node]);
  return (
    <>
      <h3>
        Security events{" "}
        {records?.error && (
          <span className="bad" title={records.error}>
            (not refreshed)
          </span>
        )}
      </h3>
      <table className="dense" data-testid="node-security-events">
        <thead>
          <tr>
            <th>Time (UTC)</th>
            <th>Kind</th>
            <th>Subject</th>
            <th>Code</th>
          </tr>
        </thead>
        <tbody>
          {(records?.events ?? []).map((e) => (
            <tr key={e.id}>
              <td>{time(Number(e.occurredAtMs))}</td>
              <td>{e.kind}</td>
              <td className="ellipsis" title={eventSubject(e)}>
                {eventSubject(e)}
              </td>
              <td>{e.code || "–"}</td>
            </tr>
          ))}
          {records && records.events.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                None in the store's retention window.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h3>Audit entries recorded here</h3>
      <table className="dense" data-testid="node-audit">
        <thead>
          <tr>
            <th>Time (UTC)</th>
            <th>Operator</th>
            <th>Action</th>
            <th>Target</th>
            <th>Reason</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {(records?.audit ?? []).map((a) => (
            <tr key={a.seq}>
              <td>{time(Number(a.atMs))}</td>
              <td>{a.operator}</td>
              <td>{a.action}</td>
              <td className="ellipsis" title={a.target}>
                {a.target}
              </td>
              <td className="ellipsis" title={a.reason}>
                {a.reason}
              </td>
              <td className={a.result === "ok" ? "" : "bad"}>{a.result}</td>
            </tr>
          ))}
          {records && records.audit.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                None.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
