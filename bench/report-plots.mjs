// The plots of docs/BENCHMARKS.md, from the results `npm run bench` measured (the same object it
// writes to bench/results/gateway.json). Each plot is returned with the Markdown that shows it, so the
// report only places what was actually drawn: a run without the console's samples gets no console plots.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { barChart, lineChart } from "./plot.mjs";

const MIB = 2 ** 20;

/** The SVG files (name → markup) for the given results; pure, so it can be tested without a run. */
export function benchmarkPlots({ gateway, suspension, console: consoleRun, soak }) {
  const plots = [];
  const o = gateway?.overhead;
  if (o) {
    const categories = ["p50", ...(o.directP90 != null && o.agentP90 != null ? ["p90"] : []), "p99"];
    const pick = (prefix) => categories.map((c) => o[`${prefix}${c.toUpperCase()}`]);
    plots.push({
      file: "bench-gateway-latency.svg",
      alt: `Request latency at ${o.offeredRps} requests/s offered, upstream answering after 100 ms: calling the upstream directly (baseline) against going through the agent`,
      svg: barChart({
        title: `Latency at ${o.offeredRps} req/s, upstream answering after 100 ms`,
        yLabel: "milliseconds",
        unit: " ms",
        categories,
        series: [
          { name: "upstream directly (baseline)", values: pick("direct") },
          ...(categories.every((c) => o[`portkey${c.toUpperCase()}`] != null)
            ? [{ name: "through the Portkey gateway", values: pick("portkey") }]
            : []),
          { name: "through the agent", values: pick("agent") },
        ],
      }),
    });
  }
  const c = gateway?.capacity;
  const s = gateway?.streaming;
  if (c && s) {
    // Relative to the baseline, so a per-request cost in microseconds and a per-token cost share
    // one axis: the bar is how many times the bare proxy's CPU the agent spends on the same work.
    plots.push({
      file: "bench-gateway-cost.svg",
      alt: "CPU per request and per streamed token, relative to the bare pass-through proxy (baseline = 1)",
      svg: barChart({
        title: "CPU for the same work, relative to a bare proxy (lower is better)",
        yLabel: "times the baseline's CPU",
        unit: "×",
        categories: ["per request (concurrency 64)", "per streamed token"],
        series: [
          { name: "bare pass-through proxy (baseline)", values: [1, 1] },
          ...(c.portkeyCpuMicros != null && s.portkey
            ? [
                {
                  name: "Portkey gateway",
                  values: [
                    c.portkeyCpuMicros / c.bareCpuMicros,
                    s.bare.tokensPerCoreSecond / s.portkey.tokensPerCoreSecond,
                  ],
                },
              ]
            : []),
          {
            name: "entrim agent",
            values: [
              c.agentCpuMicros / c.bareCpuMicros,
              s.bare.tokensPerCoreSecond / s.agent.tokensPerCoreSecond,
            ],
          },
        ],
      }),
    });
  }
  if (suspension) {
    const categories = ["p50", "p90", "p99", "max"];
    plots.push({
      file: "bench-suspension-propagation.svg",
      alt: `Time until ${suspension.agents} agents enforce a suspension and apply its lift, over ${suspension.suspensions} suspensions`,
      svg: barChart({
        title: `Suspension reaching ${suspension.agents} agents (target p99 < 250 ms)`,
        yLabel: "milliseconds after the INSERT",
        unit: " ms",
        categories,
        series: [
          { name: "suspension enforced", values: categories.map((k) => suspension.enforcedMs[k]) },
          { name: "lift applied", values: categories.map((k) => suspension.liftedMs[k]) },
        ],
      }),
    });
  }
  const idle = consoleRun?.idle?.samples;
  const watched = consoleRun?.watched?.samples;
  if (idle?.length > 1 && watched?.length > 1) {
    const minutes = (samples, value) => samples.map((p) => ({ x: p.t / 60, y: value(p) }));
    // The first sample of a run has no interval behind it, so it has no busy share.
    const busy = (samples) => minutes(samples.slice(1), (p) => p.busy * 100);
    plots.push({
      file: "bench-console-busy.svg",
      alt: `The console page's main-thread busy share every 10 s: idle (baseline) and watching ${consoleRun.agents} agents`,
      svg: lineChart({
        title: `Console main thread busy, ${consoleRun.agents} agents at 1 Hz (target < 25 %)`,
        xLabel: "minutes into the run",
        yLabel: "% of wall time",
        series: [
          { name: "page idle (baseline)", points: busy(idle) },
          { name: `watching ${consoleRun.agents} agents`, points: busy(watched) },
        ],
      }),
    });
    plots.push({
      file: "bench-console-memory.svg",
      alt: `The console page's renderer memory (PSS and JS heap) over the run, watching ${consoleRun.agents} agents, with the idle page's PSS as baseline`,
      svg: lineChart({
        title: `Console renderer memory, ${consoleRun.agents} agents (target PSS < 400 MiB)`,
        xLabel: "minutes into the run",
        yLabel: "MiB",
        series: [
          { name: "idle page PSS (baseline)", points: minutes(idle, (p) => p.pss / MIB) },
          { name: "renderer PSS", points: minutes(watched, (p) => p.pss / MIB) },
          { name: "JS heap", points: minutes(watched, (p) => p.heap / MIB) },
        ],
      }),
    });
  }
  if (soak?.samples?.length > 1) {
    const minutes = (value) =>
      soak.samples.map((p) => ({ x: p.t / 60, y: value(p) })).filter((p) => Number.isFinite(p.y));
    plots.push({
      file: "bench-soak-memory.svg",
      alt: `The agent's RSS and JS heap every 10 s over a ${soak.minutes}-minute soak at a steady mixed load`,
      svg: lineChart({
        title: `Agent memory over a ${soak.minutes}-minute soak (no growth expected)`,
        xLabel: "minutes into the run",
        yLabel: "MiB",
        series: [
          { name: "RSS", points: minutes((p) => p.rssBytes / MIB) },
          { name: "JS heap used", points: minutes((p) => p.heapUsedBytes / MIB) },
        ],
      }),
    });
    plots.push({
      file: "bench-soak-latency.svg",
      alt: `Event-loop delay and request latency every 10 s over a ${soak.minutes}-minute soak`,
      svg: lineChart({
        title: `Agent event-loop delay and latency over a ${soak.minutes}-minute soak`,
        xLabel: "minutes into the run",
        yLabel: "milliseconds",
        series: [
          { name: "event-loop delay p99", points: minutes((p) => p.eventLoopP99Ms) },
          ...soak.classes.map((c, i) => ({
            name: `${c.name} p99`,
            points: minutes((p) => p.latency[i]?.p99),
          })),
        ],
      }),
    });
  }
  return plots;
}

/** Writes the plots into `dir` and returns, per file name, the Markdown image line for the report. */
export function writeBenchmarkPlots(results, dir) {
  const images = {};
  for (const plot of benchmarkPlots(results)) {
    writeFileSync(join(dir, plot.file), plot.svg);
    images[plot.file] = `![${plot.alt}](images/${plot.file})`;
  }
  return images;
}
