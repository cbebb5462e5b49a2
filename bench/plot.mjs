// Small SVG charts for docs/BENCHMARKS.md, drawn from the measured numbers by `npm run bench`. Hand-
// written on purpose: two chart kinds do not justify a plotting dependency, and plain SVG renders on
// GitHub and in any browser.

const WIDTH = 720;
const HEIGHT = 360;
const MARGIN = { top: 72, right: 24, bottom: 56, left: 72 };
// Colour-blind-safe pairs (Okabe-Ito): baseline grey-blue, ours orange, then the rest.
export const COLOURS = ["#56788f", "#e69f00", "#009e73", "#cc79a7", "#0072b2", "#d55e00"];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

export function escapeXml(text) {
  return String(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/**
 * Axis ticks from 0 to a "nice" maximum at or above `max` (steps of 1, 2, 2.5 or 5 times a power of
 * ten), so gridlines land on round numbers a reader can read off.
 */
export function niceTicks(max, count = 5) {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks = [];
  // Rounded to the step's precision so 0.1 + 0.2 does not print as 0.30000000000000004.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let i = 0; i * step < max + step / 2 && ticks.length <= count + 1; i++) {
    ticks.push(Number((i * step).toFixed(digits)));
  }
  if (ticks.at(-1) < max) ticks.push(Number((ticks.length * step).toFixed(digits)));
  return ticks;
}

/** Up to three significant digits below 1,000 (tenths still matter at 100.8 ms), whole numbers above. */
export function formatNumber(value) {
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 1 ? 1 : 2;
  return value.toLocaleString("en-US", { maximumFractionDigits: digits });
}

function frame(title, body, legend) {
  // Each entry as wide as its text (about 7.5 px a character at 13 px), so long names do not overlap.
  let next = MARGIN.left;
  const items = legend
    .map((name, i) => {
      const x = next;
      next += 20 + name.length * 7.5 + 24;
      return (
        `<rect x="${x}" y="40" width="14" height="14" fill="${COLOURS[i % COLOURS.length]}"/>` +
        `<text x="${x + 20}" y="52" font-size="13">${escapeXml(name)}</text>`
      );
    })
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT} fill="#222">\n` +
    `<title>${escapeXml(title)}</title>\n` +
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>\n` +
    `<text x="${MARGIN.left}" y="28" font-size="16" font-weight="600">${escapeXml(title)}</text>\n` +
    `${body}\n${items}\n</svg>\n`
  );
}

/** Horizontal gridlines and the y axis' labels; returns the markup and the value → y mapping. */
function yAxis(max, label) {
  const ticks = niceTicks(max);
  const top = ticks.at(-1);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const y = (value) => MARGIN.top + plotHeight * (1 - value / top);
  const lines = ticks
    .map(
      (t) =>
        `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>` +
        `<text x="${MARGIN.left - 8}" y="${y(t) + 4}" font-size="12" text-anchor="end">${formatNumber(t)}</text>`,
    )
    .join("");
  const middle = MARGIN.top + plotHeight / 2;
  const title = `<text transform="translate(18 ${middle}) rotate(-90)" font-size="13" text-anchor="middle">${escapeXml(label)}</text>`;
  return { markup: lines + title, y, top };
}

/**
 * Grouped bars: one group per category (e.g. p50, p99), one bar per series (baseline, agent), each
 * labelled with its value so the chart can be read without the table.
 */
export function barChart({ title, yLabel, unit = "", categories, series }) {
  for (const s of series) {
    if (s.values.length !== categories.length) {
      throw new Error(`${s.name}: ${s.values.length} values for ${categories.length} categories`);
    }
  }
  const max = Math.max(...series.flatMap((s) => s.values.filter(Number.isFinite)));
  const axis = yAxis(max, yLabel);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const groupWidth = plotWidth / categories.length;
  const barWidth = Math.min(64, (groupWidth * 0.7) / series.length);
  const bars = categories.flatMap((category, c) => {
    const start = MARGIN.left + c * groupWidth + (groupWidth - barWidth * series.length) / 2;
    const label = `<text x="${MARGIN.left + (c + 0.5) * groupWidth}" y="${HEIGHT - MARGIN.bottom + 20}" font-size="13" text-anchor="middle">${escapeXml(category)}</text>`;
    return [
      label,
      ...series.map((s, i) => {
        const value = s.values[c];
        if (!Number.isFinite(value)) return "";
        const x = start + i * barWidth;
        const top = axis.y(value);
        return (
          `<rect x="${x + 2}" y="${top}" width="${barWidth - 4}" height="${axis.y(0) - top}" fill="${COLOURS[i % COLOURS.length]}"><title>${escapeXml(`${s.name}, ${category}: ${formatNumber(value)}${unit}`)}</title></rect>` +
          `<text x="${x + barWidth / 2}" y="${top - 5}" font-size="12" text-anchor="middle">${formatNumber(value)}${escapeXml(unit)}</text>`
        );
      }),
    ];
  });
  const baseline = `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${axis.y(0)}" y2="${axis.y(0)}" stroke="#888"/>`;
  return frame(
    title,
    axis.markup + baseline + bars.join(""),
    series.map((s) => s.name),
  );
}

/** Lines over time: each series is a list of {x, y} points, x in the unit named by `xLabel`. */
export function lineChart({ title, xLabel, yLabel, series }) {
  const points = series.flatMap((s) => s.points);
  if (points.length === 0) throw new Error(`${title}: no points to plot`);
  const axis = yAxis(Math.max(...points.map((p) => p.y)), yLabel);
  const xTicks = niceTicks(Math.max(...points.map((p) => p.x)));
  const xTop = xTicks.at(-1);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const x = (value) => MARGIN.left + (plotWidth * value) / xTop;
  const bottom = HEIGHT - MARGIN.bottom;
  const xAxis =
    xTicks
      .map(
        (t) =>
          `<line x1="${x(t)}" x2="${x(t)}" y1="${bottom}" y2="${bottom + 5}" stroke="#888"/>` +
          `<text x="${x(t)}" y="${bottom + 20}" font-size="12" text-anchor="middle">${formatNumber(t)}</text>`,
      )
      .join("") +
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}" stroke="#888"/>` +
    `<text x="${MARGIN.left + plotWidth / 2}" y="${bottom + 40}" font-size="13" text-anchor="middle">${escapeXml(xLabel)}</text>`;
  const lines = series
    .map((s, i) => {
      const colour = COLOURS[i % COLOURS.length];
      const path = s.points.map((p) => `${x(p.x).toFixed(1)},${axis.y(p.y).toFixed(1)}`).join(" ");
      const dots = s.points
        .map(
          (p) =>
            `<circle cx="${x(p.x).toFixed(1)}" cy="${axis.y(p.y).toFixed(1)}" r="2.5" fill="${colour}"/>`,
        )
        .join("");
      return `<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"/>${dots}`;
    })
    .join("");
  return frame(
    title,
    axis.markup + xAxis + lines,
    series.map((s) => s.name),
  );
}
