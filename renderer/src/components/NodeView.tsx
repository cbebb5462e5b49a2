// One node: its state and why, per-GPU charts over the last 15 minutes, GPU processes, traffic charts,
// models, store and spool health, and the node's recent security events and audit entries. Drain/undrain from here act on this node (d / u).
import {
  bytes,
  compact,
  displayState,
  gpuErrorSeverity,
  ms,
  percent,
  tempSeverity,
  time,
} from "../format.js";
import { ActionButton } from "./ActionButton.js";
import { Chart } from "./Chart.js";
import { useAppState } from "./context.js";
import { HostPanel } from "./HostPanel.js";
import { NodeRecords } from "./NodeRecords.js";

export function NodeView() {
  const name = useAppState((s) => s.focusedNode);
  const node = useAppState((s) => (name ? s.nodes[name] : undefined));
  if (!name || !node) return <div className="empty">No node selected.</div>;
  const snap = node.snapshot;
  const state = displayState(node);
  return (
    <section className="node-view" aria-label={`Node ${name}`}>
      <header className="node-head">
        <h2>{name}</h2>
        <span className={`state state-${state}`} data-testid="node-state">
          {state}
        </span>
        <span className="muted">
          {snap?.region ?? node.peer?.region} · v{snap?.version ?? node.peer?.version} · up since{" "}
          {time(snap?.startedAtMs ?? 0)} · GPUs via {snap?.gpuSource ?? "–"}
        </span>
        {snap?.stateReason && <span className="warn">{snap.stateReason}</span>}
        {snap?.gpuError && <span className="bad">{snap.gpuError}</span>}
        <span className="spacer" />
        <ActionButton id="node.drain" />
        <ActionButton id="node.undrain" />
        <ActionButton id="terminal.open" />
        <ActionButton id="node.rotate" />
      </header>
      <div className="node-grid">
        <div className="charts">
          <Chart node={name} title="GPU utilisation" source={{ gpu: "util" }} unit="%" />
          <Chart node={name} title="GPU memory used" source={{ gpu: "mem" }} unit="%" />
          <Chart node={name} title="GPU temperature" source={{ gpu: "temp" }} unit="°C" />
          <Chart node={name} title="GPU power" source={{ gpu: "power" }} unit="W" />
          <Chart node={name} title="SM clock" source={{ gpu: "sm" }} unit="MHz" />
          <Chart
            node={name}
            title="Requests/s and in flight"
            source={{ traffic: ["rps", "inflight"] }}
            unit="req"
          />
          <Chart node={name} title="Tokens/s" source={{ traffic: ["tokens"] }} unit="tok/s" />
          <Chart node={name} title="p95 latency" source={{ traffic: ["p95"] }} unit="ms" />
        </div>
        <aside className="side">
          <h3>GPUs</h3>
          <table className="dense">
            <thead>
              <tr>
                <th>#</th>
                <th>Name</th>
                <th>Util</th>
                <th>Mem</th>
                <th>Temp</th>
                <th>Power</th>
                <th>SM</th>
                <th>ECC/XID</th>
              </tr>
            </thead>
            <tbody>
              {(snap?.gpus ?? []).map((g) => (
                <tr key={g.uuid || g.index} className={`sev-${gpuErrorSeverity(g)}`}>
                  <td>{g.index}</td>
                  <td className="ellipsis" title={`${g.uuid} ${g.pciBusId}`}>
                    {g.name}
                  </td>
                  <td>{compact(g.utilizationPercent)}%</td>
                  <td>{bytes(g.memoryUsedBytes)}</td>
                  <td className={`sev-${tempSeverity(g.temperatureCelsius)}`}>
                    {compact(g.temperatureCelsius)}°
                  </td>
                  <td>
                    {compact(g.powerDrawWatts)}/{compact(g.powerLimitWatts)}W
                  </td>
                  <td>{compact(g.smClockMhz)}</td>
                  <td
                    title={
                      g.lastXid != null ? `last Xid ${g.lastXid} at ${time(g.lastXidAtMs ?? 0)}` : undefined
                    }
                  >
                    {g.eccCorrectedErrors ?? "–"}/{g.eccUncorrectedErrors ?? "–"}/{g.xidErrors ?? "–"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>GPU processes</h3>
          <table className="dense">
            <thead>
              <tr>
                <th>GPU</th>
                <th>PID</th>
                <th>Process</th>
                <th>Memory</th>
              </tr>
            </thead>
            <tbody>
              {(snap?.gpuProcesses ?? []).map((p) => (
                <tr key={`${p.gpuUuid}-${p.pid}`}>
                  <td className="ellipsis">
                    {snap?.gpus.find((g) => g.uuid === p.gpuUuid)?.index ?? p.gpuUuid.slice(0, 12)}
                  </td>
                  <td>{p.pid}</td>
                  <td>{p.processName}</td>
                  <td>{bytes(p.usedMemoryBytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Traffic (60 s)</h3>
          {snap?.traffic && (
            <dl className="kv">
              <dt>in flight / queued</dt>
              <dd>
                {snap.traffic.requestsInFlight} / {snap.traffic.requestsQueued}
              </dd>
              <dt>req/s</dt>
              <dd>{compact(snap.traffic.requestsPerSecond)}</dd>
              <dt>TTFT p50/p95</dt>
              <dd>
                {ms(snap.traffic.ttftP50Ms)} / {ms(snap.traffic.ttftP95Ms)}
              </dd>
              <dt>latency p50/p95/p99</dt>
              <dd>
                {ms(snap.traffic.latencyP50Ms)} / {ms(snap.traffic.latencyP95Ms)} /{" "}
                {ms(snap.traffic.latencyP99Ms)}
              </dd>
              <dt>errors 4xx/5xx</dt>
              <dd>
                {snap.traffic.clientErrors} / {snap.traffic.serverErrors} ({percent(snap.traffic.errorRate)})
              </dd>
              <dt>cache hits</dt>
              <dd>{percent(snap.traffic.cacheHitRate)}</dd>
            </dl>
          )}
          <h3>Models</h3>
          <table className="dense">
            <thead>
              <tr>
                <th>Model</th>
                <th>Runtime</th>
                <th>Slots</th>
                <th>Queued</th>
              </tr>
            </thead>
            <tbody>
              {(snap?.models ?? []).map((m) => (
                <tr key={m.id}>
                  <td>
                    {m.id}
                    {m.version ? `@${m.version}` : ""}
                  </td>
                  <td>{m.runtime}</td>
                  <td>
                    {m.slotsBusy}/{m.slots}
                  </td>
                  <td>{m.queued}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Store & spool</h3>
          <dl className="kv">
            <dt>store</dt>
            <dd className={snap?.store?.connected ? "" : "bad"}>
              {snap?.store?.connected ? "connected" : snap?.store?.error || "–"}
              {snap?.store?.listening ? ", listening" : ""}
            </dd>
            <dt>spool</dt>
            <dd className={snap?.spool?.alarm ? "bad" : ""}>
              {snap?.spool?.pendingEvents ?? 0} events pending
            </dd>
            {snap?.drain?.draining || snap?.drain?.drained ? (
              <>
                <dt>drain</dt>
                <dd>
                  by {snap.drain.requestedBy}: {snap.drain.reason}
                </dd>
              </>
            ) : null}
          </dl>
          <HostPanel snapshot={snap} />
          <NodeRecords node={name} />
        </aside>
      </div>
    </section>
  );
}
