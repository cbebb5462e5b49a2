// The console's browser mode watching a fleet at 1 Hz (console issue, acceptance 2): a fleet of
// lightweight agents speaking the real control protocol (bench/console-fleet-host.mjs), the console's
// `entrim-console web` connected to it, and the page in Debian's Chromium (headless) through
// playwright-core. Measured through the Chrome DevTools Protocol: main-thread busy time
// (Performance.getMetrics TaskDuration deltas over wall time), the JS heap (JSHeapUsedSize, after a
// forced GC at start and end so garbage not yet collected is not counted as growth) and the renderer
// process's RSS (/proc, its pid from SystemInfo.getProcessInfo). Baseline: the same page, idle (not
// connected), in the same run.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpuSeconds, root, spawnService } from "./lib.mjs";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const CONSOLE_BIN = join(root, "electron", "bin", "entrim-console.js");
const SAMPLE_EVERY_S = 10;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The process's proportional set size (shared pages split between the processes sharing them: the
 * Chromium binary's own pages would otherwise count in full for every renderer); 0 once it is gone.
 */
function pssBytes(pid) {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function rssBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The renderer processes' pids, from the browser itself (headless Chromium has one per page here). */
async function rendererPids(browserSession) {
  const { processInfo } = await browserSession.send("SystemInfo.getProcessInfo");
  return processInfo.filter((p) => p.type === "renderer").map((p) => p.id);
}

async function metrics(session) {
  const { metrics: list } = await session.send("Performance.getMetrics");
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Samples one page for `seconds`: busy share per interval, heap and renderer RSS at each sample. */
async function observe(page, pids, seconds) {
  const session = await page.context().newCDPSession(page);
  await session.send("Performance.enable", { timeDomain: "timeTicks" });
  await session.send("HeapProfiler.enable");
  const rss = () => pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
  const pss = () => pids.reduce((sum, pid) => sum + pssBytes(pid), 0);
  await session.send("HeapProfiler.collectGarbage");
  const first = await metrics(session);
  const startedAt = performance.now();
  const samples = [{ t: 0, busy: 0, heap: first.JSHeapUsedSize, rss: rss(), pss: pss() }];
  let last = { m: first, at: startedAt };
  while (performance.now() - startedAt < seconds * 1000) {
    await sleep(Math.min(SAMPLE_EVERY_S * 1000, seconds * 1000 - (performance.now() - startedAt)));
    const m = await metrics(session);
    const at = performance.now();
    samples.push({
      t: (at - startedAt) / 1000,
      busy: (m.TaskDuration - last.m.TaskDuration) / ((at - last.at) / 1000),
      heap: m.JSHeapUsedSize,
      rss: rss(),
      pss: pss(),
    });
    last = { m, at };
  }
  const wall = (last.at - startedAt) / 1000;
  const busy = (last.m.TaskDuration - first.TaskDuration) / wall;
  await session.send("HeapProfiler.collectGarbage");
  const end = await metrics(session);
  const endRss = rss();
  const endPss = pss();
  // Growth: the heap after GC at the end against after GC at the start, and the trend of the samples
  // (least squares over time) for the RSS, which no GC resets.
  const n = samples.length;
  const meanT = samples.reduce((a, s) => a + s.t, 0) / n;
  const meanR = samples.reduce((a, s) => a + s.rss, 0) / n;
  const slope =
    samples.reduce((a, s) => a + (s.t - meanT) * (s.rss - meanR), 0) /
    Math.max(
      1e-9,
      samples.reduce((a, s) => a + (s.t - meanT) ** 2, 0),
    );
  const busiest = Math.max(...samples.slice(1).map((s) => s.busy));
  return {
    seconds: wall,
    busy,
    busiestInterval: busiest,
    heapStartBytes: first.JSHeapUsedSize,
    heapEndBytes: end.JSHeapUsedSize,
    rssStartBytes: samples[0].rss,
    rssEndBytes: endRss,
    pssStartBytes: samples[0].pss,
    pssEndBytes: endPss,
    rssSlopeBytesPerMinute: slope * 60,
    samples,
  };
}

export async function runConsoleBenchmark({
  agents = Number(process.env.BENCH_CONSOLE_AGENTS ?? 200),
  seconds = Number(process.env.BENCH_CONSOLE_SECONDS ?? 300),
  idleSeconds = Number(process.env.BENCH_CONSOLE_IDLE_SECONDS ?? Math.min(60, Math.max(20, seconds / 5))),
} = {}) {
  const { chromium } = await import("playwright-core");
  const fleet = await spawnService(
    [join(root, "bench", "console-fleet-host.mjs"), String(agents)],
    /^(\{"event":"ready".*)$/,
    {
      stderr: "inherit",
    },
  );
  const ready = JSON.parse(fleet.url);
  const profilesFile = join(ready.caFile, "..", "profiles.json");
  writeFileSync(
    profilesFile,
    JSON.stringify({
      profiles: [
        {
          name: "bench",
          addresses: [ready.seed],
          caFile: ready.caFile,
          certFile: ready.certFile,
          keyFile: ready.keyFile,
          readOnly: true,
        },
      ],
    }),
  );
  const console = await spawnService(
    [CONSOLE_BIN, "web", "--profiles", profilesFile, "--profile", "bench"],
    /"url":"([^"]+)"/,
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const browserSession = await browser.newBrowserCDPSession();
    const viewport = { width: 1600, height: 900 };

    // The page's own renderer: the one that appears when it loads (closed pages' processes linger).
    const open = async (url) => {
      const before = new Set(await rendererPids(browserSession));
      const page = await browser.newPage({ viewport });
      await page.goto(url);
      await page.waitForSelector("header.topbar");
      const fresh = (await rendererPids(browserSession)).filter((pid) => !before.has(pid));
      return { page, pids: fresh.length > 0 ? fresh : [...before] };
    };
    // Baseline: the same page, not connected (the profiles view).
    const idleOpen = await open(console.url.replace(/&profile=[^&]*/, ""));
    const idle = await observe(idleOpen.page, idleOpen.pids, idleSeconds);
    await idleOpen.page.close();

    const { page, pids } = await open(console.url);
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // Every node listed with its GPUs (the summary row totals all of them), then a minute of history
    // filling the rings is part of what is measured: it is what an operator's console goes through.
    await page
      .locator('[data-testid="fleet-summary"]', { hasText: `${agents * 8} GPUs` })
      .waitFor({ timeout: 120_000 });
    const consoleCpuBefore = cpuSeconds(console.pid);
    const watched = await observe(page, pids, seconds);
    const consoleCores = (cpuSeconds(console.pid) - consoleCpuBefore) / watched.seconds;
    const summary = await page.locator('[data-testid="fleet-summary"]').textContent();
    return {
      agents,
      idle,
      watched,
      consoleNodeCores: consoleCores,
      summary,
      pageErrors: errors,
      meetsTarget:
        watched.busy < 0.25 &&
        watched.pssEndBytes < 400 * 2 ** 20 &&
        watched.heapEndBytes <= watched.heapStartBytes * 1.1,
    };
  } finally {
    await browser.close();
    await console.stop();
    await fleet.stop();
  }
}

// `node bench/console-browser.mjs`: this benchmark alone, printing its numbers (docs/BENCHMARKS.md is
// rewritten only by `npm run bench`).
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runConsoleBenchmark();
  const mb = (b) => (b / 2 ** 20).toFixed(1);
  const { idle, watched } = result;
  process.stdout.write(
    `${JSON.stringify({ ...result, idle: { ...idle, samples: undefined }, watched: { ...watched, samples: undefined } }, null, 2)}\n` +
      `busy: idle ${(idle.busy * 100).toFixed(2)}%, watching ${result.agents} agents ${(watched.busy * 100).toFixed(2)}% (busiest ${SAMPLE_EVERY_S}s: ${(watched.busiestInterval * 100).toFixed(1)}%)\n` +
      `heap after GC: ${mb(watched.heapStartBytes)} -> ${mb(watched.heapEndBytes)} MiB; renderer RSS ${mb(watched.rssStartBytes)} -> ${mb(watched.rssEndBytes)} MiB (trend ${mb(watched.rssSlopeBytesPerMinute)} MiB/min), PSS ${mb(watched.pssStartBytes)} -> ${mb(watched.pssEndBytes)} MiB; idle page RSS ${mb(idle.rssEndBytes)}, PSS ${mb(idle.pssEndBytes)} MiB\n` +
      `console Node side: ${(result.consoleNodeCores * 100).toFixed(1)}% of a core\n`,
  );
  process.exit(0);
}
