// The month's daily cost and tokens as a uPlot chart (as the console draws its metrics): two y-scales,
// cost on the left, tokens on the right. Rebuilt when the month's data changes; resized with its box.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import { formatCompact } from "../format.js";
import type { DailySeries } from "../usage-series.js";

const COST = "#2563eb";
const TOKENS = "#16a34a";

const fromZero = (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max > 0 ? max * 1.1 : 1];

export function UsageChart({ series, height = 240 }: { series: DailySeries; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = () => Math.max(280, element.clientWidth);
    const axis = { stroke: "#475569", grid: { stroke: "#e2e8f0" }, ticks: { stroke: "#e2e8f0" } };
    const plot = new uPlot(
      {
        width: width(),
        height,
        cursor: { drag: { x: false, y: false } },
        // Both y-scales start at zero: a day's bar of cost read against an axis from €0.04 misleads.
        scales: { x: { time: true }, eur: { range: fromZero }, tokens: { range: fromZero } },
        axes: [
          axis,
          {
            ...axis,
            scale: "eur",
            label: "Cost (€)",
            size: 70,
            values: (_u, ticks) => ticks.map((t) => `€${t}`),
          },
          {
            ...axis,
            scale: "tokens",
            side: 1,
            label: "Tokens",
            size: 60,
            grid: { show: false },
            values: (_u, ticks) => ticks.map((t) => formatCompact(t)),
          },
        ],
        series: [
          { label: "Day" },
          {
            label: "Cost (€)",
            scale: "eur",
            stroke: COST,
            fill: "rgba(37, 99, 235, 0.12)",
            width: 2,
            value: (_u, v) => (v === null ? "—" : `€${v.toFixed(6)}`),
          },
          {
            label: "Tokens",
            scale: "tokens",
            stroke: TOKENS,
            width: 2,
            dash: [6, 4],
            value: (_u, v) => (v === null ? "—" : formatCompact(v)),
          },
        ],
      },
      [series.time, series.cost, series.tokens],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, height]);
  return (
    <div
      className="chart"
      ref={box}
      role="img"
      aria-label="Daily cost and tokens of the month; the table below has the same figures"
    />
  );
}
