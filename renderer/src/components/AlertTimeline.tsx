// One alert's incident timeline (GetAlertTimeline): its transitions, operators' actions from the audit
// log, drains and rollouts of its node, oldest first on one time axis. The gap between two entries is
// proportional to the time between them (within bounds), so a burst reads as a burst.
import type { AlertTimelineEntry } from "@entrim/electron/common";
import { time } from "../format.js";
import type { Alert } from "../state/alertsSlice.js";
import { useAppState } from "./context.js";

const MIN_GAP_PX = 2;
const MAX_GAP_PX = 60;

function gaps(entries: AlertTimelineEntry[]): number[] {
  const first = Number(entries[0]?.atMs ?? 0);
  const span = Math.max(1, Number(entries[entries.length - 1]?.atMs ?? 0) - first);
  return entries.map((e, i) =>
    i === 0
      ? 0
      : Math.round(MIN_GAP_PX + ((Number(e.atMs) - Number(entries[i - 1]!.atMs)) / span) * MAX_GAP_PX),
  );
}

export function AlertTimelineView({ alert }: { alert: Alert }) {
  const loaded = useAppState((s) => (s.alertTimeline?.id === alert.id ? s.alertTimeline : undefined));
  const entries = [...(loaded?.timeline?.entries ?? [])].sort((a, b) => Number(a.atMs) - Number(b.atMs));
  const gap = gaps(entries);
  return (
    <aside className="alert-timeline" aria-label="Incident timeline" data-testid="alert-timeline">
      <h3>
        Timeline: {alert.rule}
        {alert.node ? ` on ${alert.node}` : ""}
      </h3>
      {!loaded && <p className="muted">Loading…</p>}
      {loaded?.error && <p className="bad">{loaded.error}</p>}
      <ol className="timeline">
        {entries.map((e, i) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id; the order is fixed by time
            key={i}
            data-source={e.source}
            data-kind={e.kind}
            style={{ marginTop: gap[i] }}
          >
            <time dateTime={new Date(Number(e.atMs)).toISOString()}>{time(Number(e.atMs))}</time>{" "}
            <span className={`badge source-${e.source}`}>{e.source}</span> <b>{e.kind}</b>
            {e.actor && <span className="muted"> by {e.actor}</span>}
            {e.text && <div className="muted">{e.text}</div>}
          </li>
        ))}
      </ol>
      {loaded?.timeline && entries.length === 0 && <p className="muted">Nothing recorded yet.</p>}
    </aside>
  );
}
