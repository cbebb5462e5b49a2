// The node view's Host panel: each CPU's load as a bar, memory, every filesystem the agent writes to
// (with its roles and what is free), network, uptime and the kernel and driver versions. The numbers
// come in the node's snapshot (HostStatus), sampled by the agent with its GPUs.
import type { NodeSnapshot } from "@entrim/electron/common";
import { bytes, percent } from "../format.js";
import { diskSeverity, memoryFraction, rate, uptime, usedFraction } from "../host.js";

export function HostPanel({ snapshot }: { snapshot: NodeSnapshot | undefined }) {
  const host = snapshot?.host;
  if (!host || host.memoryTotalBytes === 0)
    return (
      <section aria-label="Host">
        <h3>Host</h3>
        <div className="muted">No host data from this agent.</div>
      </section>
    );
  const memory = memoryFraction(snapshot);
  return (
    <section aria-label="Host" data-testid="host-panel">
      <h3>Host</h3>
      <ol className="cpu-bars" aria-label="CPU load per core">
        {host.cpuLoadPercent.map((load, cpu) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: a CPU's number is its identity
            key={cpu}
            className={`cpu-bar sev-${load >= 95 ? "warn" : "ok"}`}
            title={`CPU ${cpu}: ${load.toFixed(0)}%`}
            aria-label={`CPU ${cpu} ${load.toFixed(0)}%`}
          >
            <span style={{ height: `${Math.min(100, Math.max(0, load))}%` }} />
          </li>
        ))}
      </ol>
      <dl className="kv">
        <dt>CPU</dt>
        <dd>
          {host.cpuLoadTotalPercent.toFixed(0)}% of {host.cpuLoadPercent.length} CPUs
        </dd>
        <dt>memory</dt>
        <dd className={memory >= 0.95 ? "bad" : ""}>
          {bytes(host.memoryUsedBytes)} of {bytes(host.memoryTotalBytes)} used ({percent(memory)}),{" "}
          {bytes(host.memoryAvailableBytes)} available
        </dd>
        <dt>network</dt>
        <dd>
          ↓ {rate(host.networkRxBytesPerSecond)} · ↑ {rate(host.networkTxBytesPerSecond)}
        </dd>
        <dt>uptime</dt>
        <dd>{uptime(host.uptimeSeconds)}</dd>
        <dt>kernel</dt>
        <dd>{host.kernelVersion || "–"}</dd>
        <dt>driver</dt>
        <dd>{host.driverVersion || "–"}</dd>
        <dt>Xid source</dt>
        <dd className={host.kernelLog ? "" : "warn"}>{host.kernelLog || "kernel log not readable"}</dd>
        {host.error && (
          <>
            <dt>error</dt>
            <dd className="bad">{host.error}</dd>
          </>
        )}
      </dl>
      <table className="dense" aria-label="Filesystems">
        <thead>
          <tr>
            <th>Mount</th>
            <th>Holds</th>
            <th>Size</th>
            <th>Free</th>
            <th>IO r/w</th>
          </tr>
        </thead>
        <tbody>
          {host.filesystems.map((fs) => {
            const used = usedFraction(fs);
            return (
              <tr key={fs.mount} className={`sev-${diskSeverity(used)}`} data-mount={fs.mount}>
                <td className="ellipsis" title={fs.device}>
                  {fs.mount}
                </td>
                <td>{fs.roles.join(", ")}</td>
                <td>{bytes(fs.sizeBytes)}</td>
                <td>
                  {bytes(fs.freeBytes)} ({percent(1 - used)})
                </td>
                <td>
                  {rate(fs.readBytesPerSecond)} / {rate(fs.writeBytesPerSecond)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
