import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { NodeSnapshot } from "@entrim/proto";
import type { Registry } from "prom-client";
import { addCertificateMetrics } from "./certificates.js";
import { createMetricsRegistry } from "./metrics.js";

/**
 * The shipped Prometheus rules (build/prometheus/alerts.yml) and Grafana dashboard
 * (build/grafana/fleet-dashboard.json) against Debian's promtool and the agent's own registry: the
 * rules must load, the disk and Xid rules must fire on their unit-test series, and neither file may
 * name a series the agent does not export (a renamed metric would silently never alert).
 */
const build = fileURLToPath(new URL("../../../build/", import.meta.url));
const run = promisify(execFile);

async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run("promtool", args, { cwd: `${build}prometheus` });
    return stdout + stderr;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === "ENOENT")
      assert.fail(
        "promtool is not installed: install Debian's `prometheus` package (apt-get install prometheus), which .ci/run does",
      );
    assert.fail(`promtool ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

/** Every series name the agent exports: its registry with certificate metrics, as the agent builds it. */
function exported(): Set<string> {
  const registry: Registry = createMetricsRegistry({ latest: () => ({}) as NodeSnapshot });
  addCertificateMetrics(registry, []);
  return new Set(registry.getMetricsAsArray().map((m) => m.name));
}

const used = (text: string) => new Set(text.match(/\bentrim_[a-z0-9_]+\b/g) ?? []);

test("promtool accepts the shipped rules", async () => {
  assert.match(await promtool("check", "rules", "alerts.yml"), /SUCCESS: \d+ rules found/);
});

test("the disk-filling and Xid rules fire on their unit-test series (promtool test rules)", async () => {
  assert.match(await promtool("test", "rules", "alerts.test.yml"), /SUCCESS/);
});

test("every series the rules and the dashboard use is one the agent exports", () => {
  const names = exported();
  const rules = readFileSync(`${build}prometheus/alerts.yml`, "utf8");
  const dashboard = readFileSync(`${build}grafana/fleet-dashboard.json`, "utf8");
  for (const [file, text] of [
    ["alerts.yml", rules],
    ["fleet-dashboard.json", dashboard],
  ] as const) {
    const missing = [...used(text)].filter((name) => !names.has(name));
    assert.deepEqual(missing, [], `${file} names series the agent does not export`);
  }
  // The rules cover what issue 17 asks for, on the series that carry it.
  for (const name of [
    "entrim_gpu_xid_errors_total",
    "entrim_host_filesystem_free_bytes",
    "entrim_gpu_temperature_celsius",
    "entrim_store_up",
    "entrim_certificate_not_after_seconds",
  ])
    assert.ok(used(rules).has(name), `alerts.yml uses ${name}`);
  assert.match(rules, /up\{job="entrim-agent"\} == 0/, "node down on Prometheus' own up series");
  const parsed = JSON.parse(dashboard) as { panels: unknown[] };
  assert.ok(parsed.panels.length > 0);
});

test("every dashboard query is valid PromQL (checked by promtool as recording rules)", async () => {
  const dashboard = JSON.parse(readFileSync(`${build}grafana/fleet-dashboard.json`, "utf8")) as {
    panels: { targets?: { expr: string }[] }[];
  };
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  assert.ok(exprs.length >= 15);
  const dir = mkdtempSync(join(tmpdir(), "entrim-dashboard-"));
  try {
    // JSON strings are valid YAML scalars, so the expressions go in as they are.
    const rules = exprs.map(
      (expr, i) => `      - record: dashboard:panel_${i}\n        expr: ${JSON.stringify(expr)}`,
    );
    const file = join(dir, "dashboard-rules.yml");
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join("\n")}\n`);
    assert.match(await promtool("check", "rules", file), /SUCCESS/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
