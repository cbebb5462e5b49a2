// A uPlot time chart over a node's rings (15 minutes). Created once per node and metric; each sample
// calls setData on it directly, so React never re-renders for chart updates.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import type { GpuMetric, NodeSeries, TrafficMetric } from "../metrics/series.js";
import { useApp } from "./context.js";

const PALETTE = ["#58a6ff", "#3fb950", "#d29922", "#f85149", "#bc8cff", "#39c5cf", "#ff7b72", "#e3b341"];

export type ChartSource = { gpu: GpuMetric } | { traffic: TrafficMetric[] };

function seriesData(s: NodeSeries, source: ChartSource): uPlot.AlignedData {
  const lines = "gpu" in source ? s.gpu[source.gpu] : source.traffic.map((m) => s.traffic[m]);
  return [s.time.toArray(), ...lines.map((ring) => ring.toArray())];
}

function labels(s: NodeSeries | undefined, source: ChartSource): string[] {
  if ("traffic" in source) return source.traffic;
  return (s?.gpu[source.gpu] ?? []).map((_, i) => `GPU${i}`);
}

export function Chart({
  node,
  title,
  source,
  unit,
  height = 150,
}: {
  node: string;
  title: string;
  source: ChartSource;
  unit: string;
  height?: number;
}) {
  const { series } = useApp();
  const box = useRef<HTMLDivElement>(null);
  const key = JSON.stringify(source);
  useEffect(() => {
    // Rebuilt only when the source changes by value, not on every render's new object.
    const source = JSON.parse(key) as ChartSource;
    const element = box.current;
    if (!element) return;
    let plot: uPlot | undefined;
    let lineCount = -1;
    const build = () => {
      const s = series.get(node);
      const names = labels(s, source);
      plot?.destroy();
      lineCount = names.length;
      plot = new uPlot(
        {
          width: Math.max(200, element.clientWidth),
          height,
          title,
          legend: { show: names.length > 1 },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true } },
          axes: [
            { stroke: "#8b949e", grid: { stroke: "#21262d" }, ticks: { stroke: "#21262d" } },
            {
              stroke: "#8b949e",
              grid: { stroke: "#21262d" },
              ticks: { stroke: "#21262d" },
              label: unit,
              size: 50,
            },
          ],
          series: [
            {},
            ...names.map((label, i) => ({
              label,
              stroke: PALETTE[i % PALETTE.length],
              width: 1,
              points: { show: false },
            })),
          ],
        },
        s ? seriesData(s, source) : [[]],
        element,
      );
    };
    const update = () => {
      const s = series.get(node);
      if (!s) return;
      // A GPU that appears adds a line: uPlot needs its series declared up front.
      if (labels(s, source).length !== lineCount) build();
      else plot?.setData(seriesData(s, source));
    };
    build();
    const resize = new ResizeObserver(() =>
      plot?.setSize({ width: Math.max(200, element.clientWidth), height }),
    );
    resize.observe(element);
    const unsubscribe = series.subscribe(node, update);
    return () => {
      unsubscribe();
      resize.disconnect();
      plot?.destroy();
    };
  }, [series, node, key, title, unit, height]);
  return <div className="chart" ref={box} />;
}
