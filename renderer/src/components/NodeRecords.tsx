// Two compact panels of the node view: the security events this node saw and the audit entries it
// recorded (drains, undrains, model changes...), newest first, refreshed while the view is open.
import { useEffect } from "react";
import { time } from "../format.js";
import { refreshNodeRecords } from "../records.js";
import { eventSubject } from "../state/recordsSlice.js";
import { useApp, useAppState } from "./context.js";

/** Security events arrive in batches about once a second; an on-call glance needs no more than this. */
const REFRESH_MS = 5_000;

/** "11-23 17:49:28": the year is this year's in a list of the newest entries. */
const shortTime = (atMs: number | string) => time(Number(atMs)).slice(5);

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
      <table className="dense records" data-testid="node-security-events">
        <thead>
          <tr>
            <th style={{ width: "8.5em" }}>UTC</th>
            <th style={{ width: "9em" }}>Kind</th>
            <th>Subject</th>
            <th style={{ width: "9em" }}>Code</th>
          </tr>
        </thead>
        <tbody>
          {(records?.events ?? []).map((e) => (
            <tr key={e.id}>
              <td>{shortTime(e.occurredAtMs)}</td>
              <td>{e.kind}</td>
              <td title={eventSubject(e)}>{eventSubject(e)}</td>
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
      <table className="dense records" data-testid="node-audit">
        <thead>
          <tr>
            <th style={{ width: "8.5em" }}>UTC</th>
            <th style={{ width: "6em" }}>Operator</th>
            <th style={{ width: "11em" }}>Action</th>
            <th>Target</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {(records?.audit ?? []).map((a) => (
            // A failed action is red, its error on hover: the column would be "ok" nearly always.
            <tr key={a.seq} className={a.result === "ok" ? "" : "bad"} title={a.result}>
              <td>{shortTime(a.atMs)}</td>
              <td title={a.operator}>{a.operator}</td>
              <td title={a.action}>{a.action}</td>
              <td title={a.target}>{a.target}</td>
              <td title={a.reason}>{a.reason}</td>
            </tr>
          ))}
          {records && records.audit.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                None.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
