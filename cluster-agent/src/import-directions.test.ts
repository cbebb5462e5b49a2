import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

/**
 * The agent's folders form layers, and imports only point down: a feature may use the serving core,
 * the runtime, the store and the shared vocabulary, never the other way round, so the store and the
 * vocabulary can be read, tested and reused without the features above them. Folders on one line are
 * peers and may use each other. Checked on the TypeScript sources (tests included: a test exercises
 * its layer with what lies below it, plus test-support/), so a wrong import fails here, in the edit
 * loop, before it becomes a cycle.
 */
const src = fileURLToPath(new URL("../src/", import.meta.url));

const layers: string[][] = [
  ["cli"],
  ["main.ts", "agent.ts"],
  ["control", "portal", "api"],
  ["rollouts", "alerting", "billing", "notices", "status"],
  ["admission", "metering", "cache", "telemetry", "mail"],
  ["serving"],
  // A served model is a runtime plus the scheduler that guards its slots, so the scheduler sits
  // between the serving core and the runtime it queues for.
  ["scheduler"],
  ["runtime"],
  ["store"],
  ["config"],
  ["domain"],
  ["common"],
];

/**
 * Upward imports not removed yet, each one a known debt: listed so that the test still fails on any
 * new one. Remove an entry when its import goes; the test fails on an entry that no longer matches.
 */
const exceptions: { from: string; to: string; why: string }[] = [];

/**
 * The vocabulary is pure: hashing and address syntax are computation, but nothing in it may touch
 * files, sockets or processes. These are the Node imports it may use, by module and name.
 */
const domainNodeImports: Record<string, RegExp> = {
  "node:crypto": /./,
  "node:net": /^isIP(v4|v6)?$/,
};

function nodeImportProblems(file: string, from: string): string[] {
  const text = readFileSync(file, "utf8");
  const problems: string[] = [];
  for (const [, names, spec] of text.matchAll(
    /import\s+(?:type\s+)?([^;]*?)\s*from\s*["'](node:[^"']+)["']/g,
  )) {
    const allowed = domainNodeImports[spec!];
    const used = names!
      .replace(/[{}]/g, "")
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    if (!allowed || !used.every((name) => allowed.test(name)))
      problems.push(`${from} imports ${names} from ${spec} (domain/ is I/O-free)`);
  }
  return problems;
}

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import|require)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);
}

/** The folder (or, at the top, the file) a source path belongs to. */
function unit(path: string): string {
  return path.split("/")[0]!;
}

function rank(path: string): number {
  // Files at the top of src/ (this test among them) stand beside the composition root.
  if (!path.includes("/")) return layers.findIndex((layer) => layer.includes("main.ts"));
  return layers.findIndex((layer) => layer.includes(unit(path)));
}

function problemsIn(files: string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const from = relative(src, file).split(sep).join("/");
    const isTestCode = /\.test\.ts$/.test(from) || unit(from) === "test-support";
    if (unit(from) === "test-support") continue;
    if (rank(from) < 0) {
      problems.push(`${from} is in no layer (give its folder a place in this test's order)`);
      continue;
    }
    if (unit(from) === "domain" && !isTestCode) problems.push(...nodeImportProblems(file, from));
    for (const spec of imports(file)) {
      if (!spec.startsWith(".")) continue;
      const to = relative(src, resolve(dirname(file), spec))
        .split(sep)
        .join("/")
        .replace(/\.js$/, ".ts");
      if (unit(to) === "test-support") {
        if (!isTestCode) problems.push(`${from} imports ${to} (test support is for tests only)`);
        continue;
      }
      if (rank(to) < 0) problems.push(`${from} imports ${to}, which is in no layer`);
      else if (rank(to) < rank(from))
        problems.push(`${from} imports ${to} (upward: ${unit(to)} is above ${unit(from)})`);
    }
  }
  return problems;
}

test("agent imports point only down the layers", () => {
  const problems = problemsIn(sources(src));
  const known = (problem: string) => exceptions.some((e) => problem.startsWith(`${e.from} imports ${e.to} `));
  assert.deepEqual(
    problems.filter((problem) => !known(problem)),
    [],
  );
  const stale = exceptions.filter(
    (e) => !problems.some((problem) => problem.startsWith(`${e.from} imports ${e.to} `)),
  );
  assert.deepEqual(stale, [], "exceptions whose import is gone: remove them");
});
