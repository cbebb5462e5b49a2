// `npm test`: lint and format check, type-check (the build), then every test of every package.
// Extra arguments are test file filters: `npm test -- keys` runs only files whose path contains "keys".
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { root, run, setup } from "./setup.mjs";

const filters = process.argv.slice(2);
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

const packages = ["proto", "cluster-agent", "electron", "renderer", "test"];
const files = packages
  .flatMap((pkg) => findTests(join(root, pkg, "dist")))
  .map((file) => relative(root, file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  process.stderr.write("No test files matched.\n");
  process.exit(1);
}
run(process.execPath, ["--test", "--test-reporter=spec", ...files]);
