// `npm test`: lint and format check, type-check (the build), then every test of every package.
// `npm run test:unit` (`--unit`): the packages' own tests only, without the `test/` end-to-end, fault and
// packaging suites: the fast lane for the edit loop. CI runs the full `npm test`.
// Extra arguments are test file filters: `npm test -- keys` runs only files whose path contains "keys".
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { root, run, setup } from "./setup.mjs";

const started = Date.now();
const args = process.argv.slice(2);
const unit = args.includes("--unit");
const filters = args.filter((arg) => arg !== "--unit");
setup();
if (filters.length === 0)
  run(process.execPath, [join(root, "node_modules", "@biomejs", "biome", "bin", "biome"), "check", "."]);

function findTests(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findTests(path, out);
    else if (entry.name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

const packages = ["proto", "cluster-agent", "electron", "renderer", "portal", ...(unit ? [] : ["test"])];
const files = packages
  .flatMap((pkg) => findTests(join(root, pkg, "dist")))
  .map((file) => relative(root, file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  process.stderr.write("No test files matched.\n");
  process.exit(1);
}
// Explicit, not the runner's default: each file is a process, and the end-to-end files each start
// agents and a PostgreSQL, so more files at once than cores only makes them time out.
const concurrency = Math.max(1, availableParallelism() - 1);
const result = spawnSync(
  process.execPath,
  ["--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files],
  { cwd: root, stdio: "inherit" },
);
const seconds = Math.round((Date.now() - started) / 1000);
const verdict = result.status === 0 ? "passed" : `failed (exit ${result.status})`;
process.stdout.write(
  `\n${unit ? "npm run test:unit" : "npm test"}: ${files.length} test files ${verdict} in ${Math.floor(seconds / 60)} min ${seconds % 60} s\n`,
);
process.exit(result.status ?? 1);
