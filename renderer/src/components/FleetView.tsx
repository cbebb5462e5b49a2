// Every node in one dense, virtualised table: state, model, per-GPU sparklines, traffic; sortable,
// filterable, multi-select; keyboard-driven through the actions (j/k, x, Enter, d, u, /).
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef } from "react";
import { useShallow } from "zustand/react/shallow";
import { compact, displayState, gpuAlerts, gpuErrorSeverity, ms, percent, tempSeverity } from "../format.js";
import { type FleetNode, fleetSummary, modelsOf, type SortKey, visibleNodes } from "../state/fleetSlice.js";
import { useApp, useAppState } from "./context.js";
import { FleetFilterBar } from "./FleetFilterBar.js";
import { GpuStrip } from "./GpuStrip.js";

const ROW_HEIGHT = 30;
export const FLEET_COLUMNS =
  "28px minmax(110px,1.2fr) 104px 92px minmax(80px,1fr) 148px 148px 148px 148px 68px 60px 64px 60px minmax(110px,1.2fr)";

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
  { label: "Alerts" },
];

export function FleetView({ filterRef }: { filterRef: React.RefObject<HTMLInputElement | null> }) {
  const { nodes, filter, sort } = useAppState(
    useShallow((s) => ({ nodes: s.nodes, filter: s.filter, sort: s.sort })),
  );
  const rows = useMemo(() => visibleNodes({ nodes, filter, sort }), [nodes, filter, sort]);
  const summary = useMemo(() => fleetSummary(rows), [rows]);
  const sortBy = useAppState((s) => s.sortBy);
  const scroller = useRef<HTMLDivElement>(null);
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
      <div className="table" role="grid" aria-rowcount={rows.length}>
        <div className="row head" role="row" style={{ gridTemplateColumns: FLEET_COLUMNS }}>
          {HEADERS.map((h) => (
            <div
              key={h.label || "sel"}
              role="columnheader"
              className={`${h.key ? "sortable" : ""}${h.num ? " num" : ""}`}
              onClick={h.key ? () => sortBy(h.key!) : undefined}
              aria-sort={h.key && sort.key === h.key ? (sort.desc ? "descending" : "ascending") : undefined}
            >
              {h.label}
              {h.key && sort.key === h.key ? (sort.desc ? " ▾" : " ▴") : ""}
            </div>
          ))}
        </div>
        <SummaryRow summary={summary} />
        <div className="rows" ref={scroller}>
          <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {virtualizer.getVirtualItems().map((item) => (
              <FleetRow key={rows[item.index]!.name} node={rows[item.index]!} top={item.start} />
            ))}
          </div>
          {rows.length === 0 && <div className="empty">No node matches.</div>}
        </div>
      </div>
    </section>
  );
}

function SummaryRow({ summary }: { summary: ReturnType<typeof fleetSummary> }) {
  const states = Object.entries(summary.byState)
    .map(([state, count]) => `${count} ${state}`)
    .join(" · ");
  return (
    <div
      className="row summary"
      role="row"
      data-testid="fleet-summary"
      style={{ gridTemplateColumns: FLEET_COLUMNS }}
    >
      <div />
      <div>{summary.nodes} nodes</div>
      <div className="span3">{states || "–"}</div>
      <div />
      <div>
        {summary.gpus} GPUs · avg {compact(summary.avgUtil)}%
      </div>
      <div />
      <div className={summary.hotGpus > 0 ? "bad" : undefined}>{summary.hotGpus} hot</div>
      <div />
      <div className="num">{compact(summary.inFlight)}</div>
      <div className="num">{compact(summary.tokensPerSecond)}</div>
      <div className="num">{ms(summary.worstP95)}</div>
      <div className="num">{percent(summary.errorRate)}</div>
      <div />
    </div>
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
    <div
      className={`row node${selected ? " selected" : ""}${cursor ? " cursor" : ""}`}
      role="row"
      aria-selected={selected}
      data-node={node.name}
      data-state={state}
      style={{ gridTemplateColumns: FLEET_COLUMNS, transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={() => store.getState().setCursor(node.name)}
      onDoubleClick={() => store.getState().openNode(node.name)}
    >
      <div>
        <input
          type="checkbox"
          aria-label={`select ${node.name}`}
          checked={selected}
          onChange={() => store.getState().toggleSelected(node.name)}
        />
      </div>
      <div className="name" title={node.linkError ?? node.name}>
        {node.name}
        {node.link !== "ready" && node.link !== "unknown" && <span className="link"> {node.link}</span>}
      </div>
      <div>{node.snapshot?.region ?? node.peer?.region ?? "–"}</div>
      <div>
        <span className={`state state-${state}`} data-testid="node-state">
          {state}
        </span>
        {drain && !drain.done && drain.progress && (
          <span className="muted"> {drain.progress.requestsInFlight}↓</span>
        )}
      </div>
      <div className="ellipsis">{modelsOf(node).join(", ") || "–"}</div>
      <div>{strip("util")}</div>
      <div>{strip("mem")}</div>
      <div className={`sev-${tempSeverity(hottest || undefined)}`}>{strip("temp")}</div>
      <div>{strip("power")}</div>
      <div className="num" data-testid="inflight">
        {t ? t.requestsInFlight : "–"}
      </div>
      <div className="num">{t ? compact(t.promptTokensPerSecond + t.completionTokensPerSecond) : "–"}</div>
      <div className="num">{t ? ms(t.latencyP95Ms) : "–"}</div>
      <div className={`num${t && t.errorRate >= 0.01 ? " bad" : ""}`}>{t ? percent(t.errorRate) : "–"}</div>
      <div className={`ellipsis ${worst}`} title={alerts.join(", ")}>
        {alerts.length ? alerts.join(" ") : (node.snapshot?.stateReason ?? "")}
      </div>
    </div>
  );
}
