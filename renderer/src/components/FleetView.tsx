// Every node in one dense, virtualised table: state, model, per-GPU sparklines, traffic; sortable,
// filterable, multi-select; keyboard-driven through the actions (j/k, x, Enter, d, u, /).
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef } from "react";
import { useShallow } from "zustand/react/shallow";
import { compact, displayState, gpuAlerts, gpuErrorSeverity, ms, percent, tempSeverity } from "../format.js";
import { cpuFraction, diskSeverity, fullestDisk, memoryFraction, usedFraction } from "../host.js";
import { needsSomeone } from "../state/alertsSlice.js";
import { type FleetNode, fleetSummary, modelsOf, type SortKey, visibleNodes } from "../state/fleetSlice.js";
import { useApp, useAppState } from "./context.js";
import { FleetFilterBar } from "./FleetFilterBar.js";
import { GpuStrip } from "./GpuStrip.js";
import { clickKeys } from "./keys.js";
import { rowsHeight } from "./table.js";

const ROW_HEIGHT = 30;
export const FLEET_COLUMNS =
  "28px minmax(110px,1.2fr) 104px 92px minmax(80px,1fr) 148px 148px 148px 148px 68px 60px 64px 60px 52px 52px 60px minmax(110px,1.2fr)";

const HEADERS: { label: string; key?: SortKey; num?: boolean }[] = [
  { label: "" },
  { label: "Node", key: "name" },
  { label: "Region", key: "region" },
  { label: "State", key: "state" },
  { label: "Model", key: "model" },
  { label: "GPU util %", key: "util" },
  { label: "GPU mem %" },
  { label: "GPU temp °C", key: "temp" },
  { label: "GPU power W" },
  { label: "In flight", key: "inflight", num: true },
  { label: "Tok/s", key: "tokens", num: true },
  { label: "p95", key: "p95", num: true },
  { label: "Err %", key: "errors", num: true },
  { label: "CPU %", key: "cpu", num: true },
  { label: "Mem %", key: "memory", num: true },
  { label: "Disk %", key: "disk", num: true },
  { label: "Alerts" },
];

export function FleetView({ filterRef }: { filterRef: React.RefObject<HTMLInputElement | null> }) {
  const { nodes, filter, sort } = useAppState(
    useShallow((s) => ({ nodes: s.nodes, filter: s.filter, sort: s.sort })),
  );
  const rows = useMemo(() => visibleNodes({ nodes, filter, sort }), [nodes, filter, sort]);
  const summary = useMemo(() => fleetSummary(rows), [rows]);
  const sortBy = useAppState((s) => s.sortBy);
  const scroller = useRef<HTMLTableSectionElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  // j/k move the cursor through rows that may be scrolled out of view: follow it, on cursor moves only
  // (new samples re-sort rows four times a second and must not yank the operator's scrolling).
  const cursor = useAppState((s) => s.cursor);
  const latest = useRef({ rows, virtualizer });
  latest.current = { rows, virtualizer };
  useEffect(() => {
    const index = latest.current.rows.findIndex((r) => r.name === cursor);
    if (index >= 0) latest.current.virtualizer.scrollToIndex(index, { align: "auto" });
  }, [cursor]);

  return (
    <section className="fleet" aria-label="Fleet">
      <FleetFilterBar nodes={nodes} filterRef={filterRef} />
      <table className="table" aria-rowcount={rows.length}>
        <thead>
          <tr className="row head" style={{ gridTemplateColumns: FLEET_COLUMNS }}>
            {HEADERS.map((h) => (
              <th
                key={h.label || "sel"}
                scope="col"
                className={`${h.key ? "sortable" : ""}${h.num ? " num" : ""}`}
                aria-sort={h.key && sort.key === h.key ? (sort.desc ? "descending" : "ascending") : undefined}
              >
                {h.key ? (
                  <button type="button" onClick={() => sortBy(h.key!)}>
                    {h.label}
                    {sort.key === h.key ? (sort.desc ? " ▾" : " ▴") : ""}
                  </button>
                ) : (
                  h.label
                )}
              </th>
            ))}
          </tr>
          <SummaryRow summary={summary} />
        </thead>
        <tbody className="rows" ref={scroller} style={rowsHeight(virtualizer.getTotalSize())}>
          {virtualizer.getVirtualItems().map((item) => (
            <FleetRow key={rows[item.index]!.name} node={rows[item.index]!} top={item.start} />
          ))}
          {rows.length === 0 && (
            <tr className="empty-row">
              <td className="empty" colSpan={HEADERS.length}>
                No node matches.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

function SummaryRow({ summary }: { summary: ReturnType<typeof fleetSummary> }) {
  // The cluster's alerts (the leader's), firing with nobody on them: the same count as the top bar.
  const firing = useAppState((s) => needsSomeone(s.alerts).length);
  const states = Object.entries(summary.byState)
    .map(([state, count]) => `${count} ${state}`)
    .join(" · ");
  return (
    <tr className="row summary" data-testid="fleet-summary" style={{ gridTemplateColumns: FLEET_COLUMNS }}>
      <td />
      <td>{summary.nodes} nodes</td>
      <td className="span3">{states || "–"}</td>
      <td />
      <td>
        {summary.gpus} GPUs · avg {compact(summary.avgUtil)}%
      </td>
      <td />
      <td className={summary.hotGpus > 0 ? "bad" : undefined}>{summary.hotGpus} hot</td>
      <td />
      <td className="num">{compact(summary.inFlight)}</td>
      <td className="num">{compact(summary.tokensPerSecond)}</td>
      <td className="num">{ms(summary.worstP95)}</td>
      <td className="num">{percent(summary.errorRate)}</td>
      <td />
      <td />
      <td />
      <td className={firing > 0 ? "bad" : undefined} data-testid="fleet-alerts">
        {firing} firing
      </td>
    </tr>
  );
}

function FleetRow({ node, top }: { node: FleetNode; top: number }) {
  const { store } = useApp();
  const selected = useAppState((s) => s.selected.includes(node.name));
  const cursor = useAppState((s) => s.cursor === node.name);
  const drain = useAppState((s) => s.drains[node.name]);
  const state = displayState(node);
  const t = node.snapshot?.traffic;
  const gpus = node.snapshot?.gpus ?? [];
  const hottest = Math.max(...gpus.map((g) => g.temperatureCelsius ?? 0), 0);
  const alerts = gpuAlerts(node.snapshot);
  const bad = gpus.some((g) => gpuErrorSeverity(g) === "bad") || tempSeverity(hottest || undefined) === "bad";
  const worst = bad ? "bad" : alerts.length ? "warn" : "";
  const noGpu = node.snapshot && gpus.length === 0;
  const strip = (metric: "util" | "mem" | "temp" | "power") =>
    noGpu ? (
      <div className="muted">{node.snapshot?.gpuError ? "GPU error" : "no GPU"}</div>
    ) : (
      <GpuStrip node={node.name} metric={metric} />
    );
  return (
    <tr
      className={`row node${selected ? " selected" : ""}${cursor ? " cursor" : ""}`}
      aria-selected={selected}
      tabIndex={-1}
      data-node={node.name}
      data-state={state}
      style={{ gridTemplateColumns: FLEET_COLUMNS, transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={() => store.getState().setCursor(node.name)}
      onDoubleClick={() => store.getState().openNode(node.name)}
      onKeyDown={clickKeys(
        () => store.getState().setCursor(node.name),
        () => store.getState().openNode(node.name),
      )}
    >
      <td>
        <input
          type="checkbox"
          aria-label={`select ${node.name}`}
          checked={selected}
          onChange={() => store.getState().toggleSelected(node.name)}
        />
      </td>
      <td className="name" title={node.linkError ?? node.name}>
        {node.name}
        {node.link !== "ready" && node.link !== "unknown" && <span className="link"> {node.link}</span>}
      </td>
      <td>{node.snapshot?.region ?? node.peer?.region ?? "–"}</td>
      <td>
        <span className={`state state-${state}`} data-testid="node-state">
          {state}
        </span>
        {drain && !drain.done && drain.progress && (
          <span className="muted"> {drain.progress.requestsInFlight}↓</span>
        )}
      </td>
      <td className="ellipsis">{modelsOf(node).join(", ") || "–"}</td>
      <td>{strip("util")}</td>
      <td>{strip("mem")}</td>
      <td className={`sev-${tempSeverity(hottest || undefined)}`}>{strip("temp")}</td>
      <td>{strip("power")}</td>
      <td className="num" data-testid="inflight">
        {t ? t.requestsInFlight : "–"}
      </td>
      <td className="num">{t ? compact(t.promptTokensPerSecond + t.completionTokensPerSecond) : "–"}</td>
      <td className="num">{t ? ms(t.latencyP95Ms) : "–"}</td>
      <td className={`num${t && t.errorRate >= 0.01 ? " bad" : ""}`}>{t ? percent(t.errorRate) : "–"}</td>
      <HostCells node={node} />
      <td className={`ellipsis ${worst}`} title={alerts.join(", ")}>
        {alerts.length ? alerts.join(" ") : (node.snapshot?.stateReason ?? "")}
      </td>
    </tr>
  );
}

/** CPU %, memory % and the fullest of the node's data, spool and cache filesystems. */
function HostCells({ node }: { node: FleetNode }) {
  const whole = (fraction: number) => (Number.isNaN(fraction) ? "–" : `${Math.round(fraction * 100)}`);
  const disk = fullestDisk(node.snapshot);
  const used = disk ? usedFraction(disk) : Number.NaN;
  return (
    <>
      <td className="num" data-testid="host-cpu">
        {whole(cpuFraction(node.snapshot))}
      </td>
      <td className="num" data-testid="host-memory">
        {whole(memoryFraction(node.snapshot))}
      </td>
      <td
        className={`num sev-${diskSeverity(used)}`}
        data-testid="host-disk"
        title={disk ? `${disk.mount} (${disk.roles.join(", ")})` : undefined}
      >
        {whole(used)}
      </td>
    </>
  );
}
