// Rollouts: the list (newest first; j/k move), the rollout under the cursor with every node's state,
// live version, last rotation step and health against the gates (live from its watch stream), and the
// catalogue: each model's versions and which node serves which.
import type { Rollout } from "@entrim/electron/common";
import { useEffect, useState } from "react";
import { time } from "../format.js";
import {
  batchText,
  fromVersions,
  gateVerdict,
  isFinal,
  nodeStateWord,
  rolloutList,
  rolloutStateWord,
} from "../state/rolloutSlice.js";
import { ActionButton } from "./ActionButton.js";
import { useApp, useAppState } from "./context.js";

const STATE_CLASS: Partial<Record<Rollout["state"], string>> = {
  ROLLOUT_STATE_COMPLETED: "ok",
  ROLLOUT_STATE_PAUSED: "warn",
  ROLLOUT_STATE_ABORTING: "warn",
  ROLLOUT_STATE_ROLLING_BACK: "warn",
  ROLLOUT_STATE_FAILED: "bad",
};

export function RolloutsView() {
  const { controller, store } = useApp();
  const rollouts = useAppState((s) => s.rollouts);
  const cursor = useAppState((s) => s.rolloutCursor);
  const list = rolloutList({ rollouts });
  // A fresh list and catalogue on every visit; the watches keep active rollouts live meanwhile.
  useEffect(() => void controller.rollouts.refresh(), [controller]);
  const current = cursor ? rollouts[cursor] : undefined;
  const [menu, setMenu] = useState<{ x: number; y: number }>();
  return (
    <section className="rollouts" aria-label="Rollouts">
      <div className="filters">
        <ActionButton id="rollout.start" />
        <ActionButton id="rollout.pause" />
        <ActionButton id="rollout.resume" />
        <ActionButton id="rollout.abort" />
        <ActionButton id="rollout.rollback" />
        <span className="muted" data-testid="rollouts-count">
          {list.length} rollout{list.length === 1 ? "" : "s"} · j/k move
        </span>
      </div>
      <div className="rollouts-list">
        <table className="dense">
          <thead>
            <tr>
              <th>Rollout</th>
              <th>Model</th>
              <th>Version</th>
              <th>State</th>
              <th>Batch</th>
              <th>Reason</th>
              <th>Started by</th>
              <th>Started</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr
                key={r.id}
                data-rollout={r.id}
                data-state={rolloutStateWord(r.state)}
                className={r.id === cursor ? "cursor" : ""}
                onClick={() => store.getState().setRolloutCursor(r.id)}
                onContextMenu={(e) => {
                  e.preventDefault();
                  store.getState().setRolloutCursor(r.id);
                  setMenu({ x: e.clientX, y: e.clientY });
                }}
              >
                <td>{r.id}</td>
                <td>{r.model}</td>
                <td>
                  {fromVersions(r)} → {r.toVersion}
                </td>
                <td className={STATE_CLASS[r.state] ?? ""}>{rolloutStateWord(r.state)}</td>
                <td>{batchText(r)}</td>
                <td className="ellipsis" title={r.reason}>
                  {r.reason}
                </td>
                <td>{r.createdBy}</td>
                <td>{time(Number(r.createdAtMs))}</td>
              </tr>
            ))}
            {list.length === 0 && (
              <tr>
                <td colSpan={8} className="muted">
                  No rollouts yet. n starts one (admin).
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {menu && <RolloutMenu at={menu} close={() => setMenu(undefined)} />}
      {current && <RolloutDetail rollout={current} />}
      <Catalogue />
    </section>
  );
}

/** A row's context menu: the same registered actions, disabled with the same reasons. */
function RolloutMenu({ at, close }: { at: { x: number; y: number }; close: () => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && close();
    // Any click closes it, one on an item after the item ran.
    window.addEventListener("click", close);
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("click", close);
      window.removeEventListener("keydown", onKey);
    };
  }, [close]);
  return (
    <div className="context-menu" role="menu" style={{ left: at.x, top: at.y }}>
      {["rollout.pause", "rollout.resume", "rollout.abort", "rollout.rollback"].map((id) => (
        <ActionButton key={id} id={id} />
      ))}
    </div>
  );
}

function RolloutDetail({ rollout: r }: { rollout: Rollout }) {
  const watch = useAppState((s) => s.rolloutWatches[r.id]);
  const gates = r.gates;
  const targets = r.targets;
  const targetText =
    [
      targets?.nodes.length ? `nodes ${targets.nodes.join(", ")}` : "",
      targets?.regions.length ? `regions ${targets.regions.join(", ")}` : "",
      targets && Object.keys(targets.labels).length
        ? `labels ${Object.entries(targets.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}`
        : "",
    ]
      .filter(Boolean)
      .join("; ") || "every live node serving the model";
  return (
    <div className="rollout-detail" data-testid="rollout-detail" data-state={rolloutStateWord(r.state)}>
      <h3>
        {r.model} → {r.toVersion} <span className="muted">{r.id}</span>{" "}
        <span className={`badge ${STATE_CLASS[r.state] ?? ""}`} data-testid="rollout-state">
          {rolloutStateWord(r.state)}
        </span>{" "}
        <span className="muted">
          {!isFinal(r.state) &&
            (watch?.state === "reconnecting"
              ? `reconnecting: ${watch.error ?? ""}`
              : watch?.state === "closed"
                ? `watch ended: ${watch.error ?? ""}`
                : "live")}
        </span>
      </h3>
      <p className="muted">
        batch {batchText(r)} of {r.batchSize} node{r.batchSize === 1 ? "" : "s"}, {r.pauseSeconds} s between
        batches · gates: errors ≤ {((gates?.maxErrorRate ?? 0) * 100).toFixed(1)}%, p95 ≤{" "}
        {gates?.maxP95Ms ?? 0} ms, held {gates?.windowSeconds ?? 0} s · targets: {targetText} · started by{" "}
        {r.createdBy} {time(Number(r.createdAtMs))}
        {Number(r.finishedAtMs) > 0 ? ` · finished ${time(Number(r.finishedAtMs))}` : ""}
      </p>
      {r.reason && <p data-testid="rollout-reason">{r.reason}</p>}
      <table className="dense">
        <thead>
          <tr>
            <th>Node</th>
            <th>Batch</th>
            <th>State</th>
            <th>From</th>
            <th>Live</th>
            <th>Last step</th>
            <th>Health against the gates</th>
          </tr>
        </thead>
        <tbody>
          {r.nodes.map((n) => {
            const verdict = n.health ? gateVerdict(n.health, gates) : undefined;
            const p = n.progress;
            return (
              <tr key={n.node} data-node={n.node} data-state={nodeStateWord(n.state)}>
                <td>{n.node}</td>
                <td>{n.batch + 1}</td>
                <td className={n.state === "ROLLOUT_NODE_STATE_FAILED" ? "bad" : ""} title={n.message}>
                  {nodeStateWord(n.state)}
                  {n.message ? ` · ${n.message}` : ""}
                </td>
                <td>{n.fromVersion || "–"}</td>
                <td data-testid="live-version">{n.liveVersion || "–"}</td>
                <td className="ellipsis" title={p?.message}>
                  {p
                    ? `${p.step} ${p.state}${p.message ? `: ${p.message}` : ""} · ${time(Number(p.atMs))}`
                    : "–"}
                </td>
                <td className={verdict ? (verdict.ok ? "ok" : "bad") : "muted"}>
                  {verdict?.text ?? "not gated yet"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Catalogue() {
  const catalogue = useAppState((s) => s.catalogue);
  if (catalogue.length === 0) return null;
  return (
    <div className="catalogue" data-testid="catalogue">
      <h3>Catalogue</h3>
      <table className="dense">
        <thead>
          <tr>
            <th>Model</th>
            <th>Version</th>
            <th>Runtime</th>
            <th>Added</th>
            <th>Live on</th>
          </tr>
        </thead>
        <tbody>
          {catalogue.flatMap((m) =>
            m.versions.map((v) => (
              <tr key={`${m.name}@${v.version}`} data-model={m.name} data-version={v.version}>
                <td>{m.name}</td>
                <td>{v.version}</td>
                <td>{v.runtime}</td>
                <td>
                  {time(Number(v.createdAtMs))} {v.createdBy}
                </td>
                <td data-testid="live-on">{v.liveOn.length ? [...v.liveOn].sort().join(", ") : "–"}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}
