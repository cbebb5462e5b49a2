// The audit log (newest first) and a chain verification on demand.
import { type AuditEntry, type AuditVerification, channels } from "@entrim/electron/common";
import { useEffect, useState } from "react";
import { time } from "../format.js";
import { CertificatesPanel } from "./CertificatesPanel.js";
import { useApp } from "./context.js";

export function AuditView() {
  const { controller } = useApp();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [filter, setFilter] = useState({ operator: "", action: "", target: "" });
  const [verification, setVerification] = useState<AuditVerification | string>();
  const load = () =>
    controller.api
      .call(channels.listAudit, { ...filter, limit: 500 })
      .then(setEntries, (e: Error) => setVerification(e.message));
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads on open; the filter form reloads itself
  useEffect(() => void load(), []);
  return (
    <section className="audit" aria-label="Audit log">
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        {(["operator", "action", "target"] as const).map((k) => (
          <input
            key={k}
            placeholder={k}
            aria-label={k}
            value={filter[k]}
            onChange={(e) => setFilter({ ...filter, [k]: e.target.value })}
          />
        ))}
        <button type="submit">Search</button>
        <button
          type="button"
          onClick={() =>
            controller.api
              .call(channels.verifyAudit, {})
              .then(setVerification, (e: Error) => setVerification(e.message))
          }
        >
          Verify chain
        </button>
        {verification !== undefined &&
          (typeof verification === "string" ? (
            <span className="bad">{verification}</span>
          ) : verification.ok ? (
            <span className="ok" data-testid="audit-verified">
              chain ok: {verification.entries} entries from #{verification.checkpointSeq}
            </span>
          ) : (
            <span className="bad">
              broken at #{verification.firstBadSeq}: {verification.problem}
            </span>
          ))}
      </form>
      <div className="scroll">
        <table className="dense">
          <thead>
            <tr>
              <th>#</th>
              <th>When</th>
              <th>Operator</th>
              <th>Role</th>
              <th>Action</th>
              <th>Target</th>
              <th>Reason</th>
              <th>Result</th>
              <th>Node</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{time(e.atMs)}</td>
                <td>{e.operator}</td>
                <td>{e.role}</td>
                <td>{e.action}</td>
                <td>{e.target}</td>
                <td>{e.reason}</td>
                <td className={e.result === "ok" ? "" : "bad"}>{e.result}</td>
                <td>{e.node}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CertificatesPanel />
    </section>
  );
}
