import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

/**
 * Code is placed by where it runs, and imports only point inward: common (shared with the renderer)
 * imports no Node, node/ (handlers) imports no Electron, nothing imports the agent package. Checked on
 * the TypeScript sources, so a wrong import fails here before it fails in a bundle or at runtime.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (/\.(c?ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import|require)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);
}

const rules: { under: string; forbidden: RegExp; why: string }[] = [
  {
    under: "electron/src/common",
    forbidden: /^(node:|electron$|@grpc|ws$|ssh2$)|\/(node|web|electron-main)\//,
    why: "common is bundled into the renderer",
  },
  {
    under: "electron/src/node",
    forbidden: /^electron$|\/(web|electron-main)\//,
    why: "handlers run in browser mode too",
  },
  {
    under: "electron/src/web",
    forbidden: /^electron$|\/electron-main\//,
    why: "browser mode runs without Electron",
  },
  {
    under: "electron/src",
    forbidden: /^@entrim\/cluster-agent/,
    why: "the console talks to agents only over gRPC",
  },
  {
    under: "renderer/src",
    forbidden: /^(node:|electron$|@grpc|ws$|ssh2$|@entrim\/cluster-agent)|^@entrim\/electron\/(?!common$)/,
    why: "the renderer reaches the Node side only through the contract",
  },
];

test("imports point only where the code's runtime allows", () => {
  const problems: string[] = [];
  for (const rule of rules) {
    for (const file of sources(join(root, rule.under))) {
      // Tests of the renderer run in Node and may use node: modules.
      const isTest = /\.test\.tsx?$/.test(file);
      for (const spec of imports(file)) {
        if (isTest && spec.startsWith("node:")) continue;
        if (rule.forbidden.test(spec)) problems.push(`${relative(root, file)} imports ${spec} (${rule.why})`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

/**
 * Globals are imports too: the Node side must not see the DOM (`window`, `document`, `localStorage`
 * do not exist there, and a handler that touches them fails only at runtime, in browser mode or in
 * Electron). The package compiles without the DOM lib, so such a use fails the build; this holds that
 * configuration. The preload, the one file that runs in the renderer's world, declares the little DOM
 * it uses itself.
 */
test("the console's Node side compiles without the DOM lib", () => {
  const libs: string[] = [];
  for (const config of ["tsconfig.base.json", "electron/tsconfig.json"]) {
    const options = JSON.parse(readFileSync(join(root, config), "utf8")).compilerOptions ?? {};
    for (const lib of options.lib ?? []) libs.push(`${config}: ${lib}`);
  }
  assert.deepEqual(
    libs.filter((lib) => /: dom/i.test(lib)),
    [],
  );
  // A triple-slash lib reference in any one file would bring the DOM back for the whole package.
  const references = sources(join(root, "electron/src")).filter((file) =>
    /\/\/\/\s*<reference\s+lib=["']dom/i.test(readFileSync(file, "utf8")),
  );
  assert.deepEqual(
    references.map((file) => relative(root, file)),
    [],
  );
});
