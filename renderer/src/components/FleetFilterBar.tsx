// Filters above the fleet table: free text (name, region, model, state), and exact region, model, state.
import { useShallow } from "zustand/react/shallow";
import { displayState } from "../format.js";
import { type FleetNode, modelsOf } from "../state/fleetSlice.js";
import { useApp, useAppState } from "./context.js";

const STATES = [
  "serving",
  "draining",
  "drained",
  "degraded",
  "down",
  "starting",
  "refusing",
  "stopped",
] as const;

export function FleetFilterBar({
  nodes,
  filterRef,
}: {
  nodes: Record<string, FleetNode>;
  filterRef: React.RefObject<HTMLInputElement | null>;
}) {
  const { store } = useApp();
  const filter = useAppState(useShallow((s) => s.filter));
  const selected = useAppState((s) => s.selected.length);
  const all = Object.values(nodes);
  const regions = [
    ...new Set(all.map((n) => n.snapshot?.region ?? n.peer?.region ?? "").filter(Boolean)),
  ].sort();
  const models = [...new Set(all.flatMap(modelsOf))].sort();
  const set = store.getState().setFilter;
  return (
    <div className="filters">
      <input
        ref={filterRef}
        type="search"
        placeholder="Filter nodes  (/)"
        aria-label="Filter nodes"
        value={filter.text}
        onChange={(e) => set({ text: e.target.value })}
        onKeyDown={(e) => {
          if (e.key === "Escape" || e.key === "Enter") e.currentTarget.blur();
        }}
      />
      <select aria-label="Region" value={filter.region} onChange={(e) => set({ region: e.target.value })}>
        <option value="">all regions</option>
        {regions.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      <select aria-label="Model" value={filter.model} onChange={(e) => set({ model: e.target.value })}>
        <option value="">all models</option>
        {models.map((m) => (
          <option key={m}>{m}</option>
        ))}
      </select>
      <select
        aria-label="State"
        value={filter.state}
        onChange={(e) => set({ state: e.target.value as typeof filter.state })}
      >
        <option value="">all states</option>
        {STATES.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
      <span className="muted">
        {selected > 0 ? `${selected} selected · ` : ""}
        {all.filter((n) => displayState(n) === "serving").length}/{all.length} serving
      </span>
    </div>
  );
}
