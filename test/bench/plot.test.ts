// The benchmark report's plots: what a reader reads off them (axes on round numbers that cover every
// bar, the measured values as labels, names escaped) and that only measured series are drawn.
import assert from "node:assert/strict";
import { test } from "node:test";

// bench/ is plain JavaScript run by `npm run bench`; load it from the repository at run time.
const bench = (file: string) => new URL(`../../../bench/${file}`, import.meta.url).href;
const { niceTicks, barChart, lineChart } = await import(bench("plot.mjs"));
const { benchmarkPlots } = await import(bench("report-plots.mjs"));

test("axis ticks are round steps from 0 that reach past the largest value", () => {
  for (const max of [0.37, 7.3, 13.7, 121.5, 423, 9367, 266.3 * 2 ** 20]) {
    const ticks: number[] = niceTicks(max);
    assert.equal(ticks[0], 0);
    assert.ok(ticks.at(-1)! >= max, `${max}: top tick ${ticks.at(-1)}`);
    assert.ok(ticks.length >= 3 && ticks.length <= 8, `${max}: ${ticks.length} ticks`);
    const step = ticks[1]!;
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    assert.ok([1, 2, 2.5, 5].includes(Number(mantissa.toFixed(6))), `${max}: step ${step}`);
    for (let i = 1; i < ticks.length; i++)
      assert.ok(Math.abs(ticks[i]! - ticks[i - 1]! - step) < step * 1e-9);
  }
  assert.deepEqual(niceTicks(0), [0, 1]);
});

test("a bar chart labels every bar with its value and escapes names", () => {
  const svg: string = barChart({
    title: "Latency <p99> & more",
    yLabel: "ms",
    unit: " ms",
    categories: ["p50", "p99"],
    series: [
      { name: "baseline", values: [100.8, 111.8] },
      { name: "agent", values: [102.2, 121.5] },
    ],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.includes("Latency &lt;p99&gt; &amp; more"));
  for (const label of ["100.8 ms", "111.8 ms", "102.2 ms", "121.5 ms"])
    assert.ok(svg.includes(`>${label}<`), label);
  assert.equal(
    (svg.match(/<\/rect>/g) ?? []).length,
    4,
    "four bars (each with a tooltip: legend swatches and background have none)",
  );
  assert.throws(
    () => barChart({ title: "t", yLabel: "y", categories: ["a", "b"], series: [{ name: "s", values: [1] }] }),
    /1 values for 2 categories/,
  );
});

test("a line chart draws one line per series through its points", () => {
  const svg: string = lineChart({
    title: "busy",
    xLabel: "minutes",
    yLabel: "%",
    series: [
      {
        name: "idle",
        points: [
          { x: 0, y: 0.1 },
          { x: 1, y: 0.2 },
        ],
      },
      {
        name: "watching",
        points: [
          { x: 0, y: 18 },
          { x: 0.5, y: 21 },
          { x: 1, y: 19 },
        ],
      },
    ],
  });
  const lines = svg.match(/<polyline points="([^"]+)"/g) ?? [];
  assert.equal(lines.length, 2);
  assert.equal(lines[1]!.split(" ").length - 1, 3, "three points in the second line");
  assert.throws(() => lineChart({ title: "empty", xLabel: "x", yLabel: "y", series: [] }), /no points/);
});

test("the report draws the console's plots only when the run recorded its samples", () => {
  const gateway = {
    capacity: { bareCpuMicros: 145, agentCpuMicros: 423 },
    overhead: { offeredRps: 500, directP50: 100.8, directP99: 111.8, agentP50: 102.2, agentP99: 121.5 },
    streaming: { bare: { tokensPerCoreSecond: 818756 }, agent: { tokensPerCoreSecond: 113805 } },
  };
  const suspension = {
    agents: 3,
    suspensions: 200,
    enforcedMs: { p50: 2.4, p90: 4, p99: 7.3, max: 13.7 },
    liftedMs: { p50: 1.1, p90: 1.9, p99: 4, max: 9.5 },
  };
  const files = (results: object) => benchmarkPlots(results).map((p: { file: string }) => p.file);
  assert.deepEqual(files({ gateway, suspension }), [
    "bench-gateway-latency.svg",
    "bench-gateway-cost.svg",
    "bench-suspension-propagation.svg",
  ]);
  const sample = (t: number, busy: number) => ({ t, busy, heap: 9e6, rss: 5e8, pss: 2.7e8 });
  const consoleRun = {
    agents: 200,
    idle: { samples: [sample(0, 0), sample(10, 0.0001)] },
    watched: { samples: [sample(0, 0), sample(10, 0.19), sample(20, 0.21)] },
  };
  const plots = benchmarkPlots({ gateway, suspension, console: consoleRun });
  assert.deepEqual(
    plots.slice(3).map((p: { file: string }) => p.file),
    ["bench-console-busy.svg", "bench-console-memory.svg"],
  );
  // Busy shares are drawn as percentages, the agent's cost as multiples of the baseline's.
  assert.ok(plots[3].svg.includes("watching 200 agents"));
  assert.ok(plots[1].svg.includes(">2.9×<"), "423 µs against 145 µs per request");
});

test("the report draws Portkey beside the agent when it was measured, and the soak's plots", () => {
  const gateway = {
    capacity: { bareCpuMicros: 100, portkeyCpuMicros: 2000, agentCpuMicros: 300 },
    overhead: {
      offeredRps: 500,
      directP50: 100,
      directP99: 110,
      portkeyP50: 140,
      portkeyP99: 600,
      agentP50: 101,
      agentP99: 115,
    },
    streaming: {
      bare: { tokensPerCoreSecond: 900000 },
      portkey: { tokensPerCoreSecond: 30000 },
      agent: { tokensPerCoreSecond: 100000 },
    },
  };
  const sample = (t: number, rss: number) => ({
    t,
    rssBytes: rss,
    heapUsedBytes: 4e7,
    eventLoopP99Ms: 12,
    latency: [{ p50: 21, p99: 30, n: 600 }],
  });
  const soak = { minutes: 30, classes: [{ name: "external" }], samples: [sample(10, 2e8), sample(20, 2e8)] };
  const plots = benchmarkPlots({ gateway, soak });
  assert.deepEqual(
    plots.map((p: { file: string }) => p.file),
    [
      "bench-gateway-latency.svg",
      "bench-gateway-cost.svg",
      "bench-soak-memory.svg",
      "bench-soak-latency.svg",
    ],
  );
  assert.ok(plots[0].svg.includes("through the Portkey gateway"));
  assert.ok(plots[1].svg.includes(">20×<"), "Portkey: 2000 µs against 100 µs per request");
  assert.ok(plots[3].svg.includes("external p99"));
});
