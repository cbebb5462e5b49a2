// One metric of every GPU of a node as small multiples in a single canvas: hundreds of rows stay cheap
// (uPlot is used for the full charts of the node view). Redraws itself on each sample of its node,
// without React.
import { useEffect, useRef } from "react";
import type { GpuMetric } from "../metrics/series.js";
import { useApp } from "./context.js";

const POINTS = 60;
const RANGES: Record<GpuMetric, [number, number]> = {
  util: [0, 100],
  mem: [0, 100],
  temp: [20, 95],
  power: [0, 800],
  sm: [0, 2000],
};

export function colourFor(metric: GpuMetric, value: number): string {
  if (metric === "temp") return value >= 83 ? "#f85149" : value >= 75 ? "#d29922" : "#3fb950";
  if (metric === "mem") return value >= 95 ? "#d29922" : "#58a6ff";
  return "#58a6ff";
}

export function GpuStrip({
  node,
  metric,
  width = 144,
  height = 22,
}: {
  node: string;
  metric: GpuMetric;
  width?: number;
  height?: number;
}) {
  const { series } = useApp();
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const draw = () => {
      const c = canvas.current;
      const s = series.get(node);
      const ctx = c?.getContext("2d");
      if (!c || !ctx || !s) return;
      const ratio = window.devicePixelRatio || 1;
      // Resizing a canvas reallocates its backing store: only when the size or the pixel ratio changed.
      if (c.width !== width * ratio || c.height !== height * ratio) {
        c.width = width * ratio;
        c.height = height * ratio;
      }
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      const rings = s.gpu[metric];
      // For tests and screenshots: how much history this strip has drawn.
      c.dataset.samples = String(s.time.length);
      if (rings.length === 0) return;
      const cell = width / rings.length;
      const [lo, hi] = RANGES[metric];
      rings.forEach((ring, i) => {
        const values = ring.tail(POINTS);
        const last = values[values.length - 1] ?? Number.NaN;
        const x0 = i * cell + 1;
        const w = cell - 3;
        ctx.fillStyle = "#161b22";
        ctx.fillRect(x0, 0, w, height);
        if (values.length === 0 || Number.isNaN(last)) return;
        const colour = colourFor(metric, last);
        // Newest sample at the right edge, one pixel column per second of the last minute.
        const xOf = (j: number) => x0 + w - ((values.length - 1 - j) / (POINTS - 1)) * w;
        const yOf = (v: number) =>
          height - 1 - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (height - 2);
        ctx.strokeStyle = colour;
        ctx.lineWidth = 1;
        ctx.beginPath();
        let started = false;
        for (const [j, v] of values.entries()) {
          if (Number.isNaN(v)) {
            started = false;
            continue;
          }
          if (started) ctx.lineTo(xOf(j), yOf(v));
          else ctx.moveTo(xOf(j), yOf(v));
          started = true;
        }
        ctx.stroke();
        // The current value as a bar behind the line: readable at a glance even without history.
        ctx.globalAlpha = 0.25;
        ctx.fillStyle = colour;
        ctx.fillRect(x0, yOf(last), w, height - yOf(last));
        ctx.globalAlpha = 1;
      });
    };
    draw();
    return series.subscribe(node, draw);
  }, [series, node, metric, width, height]);
  return (
    <canvas
      ref={canvas}
      style={{ width, height, display: "block" }}
      role="img"
      aria-label={`${metric} per GPU`}
    />
  );
}
