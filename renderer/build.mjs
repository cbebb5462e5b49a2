// Bundles the renderer for Electron and browser mode into dist/app: one script, one stylesheet, one page.
// esbuild ships its binary as an optional dependency, so this needs no install script.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist", "app");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, "src", "main.tsx")],
  bundle: true,
  format: "esm",
  target: "chrome120",
  platform: "browser",
  outfile: join(out, "app.js"),
  sourcemap: true,
  minify: true,
  jsx: "automatic",
  define: { "process.env.NODE_ENV": JSON.stringify(process.env.NODE_ENV ?? "production") },
  logLevel: "warning",
});
copyFileSync(join(here, "static", "index.html"), join(out, "index.html"));
copyFileSync(join(here, "static", "styles.css"), join(out, "styles.css"));
copyFileSync(join(here, "..", "node_modules", "uplot", "dist", "uPlot.min.css"), join(out, "uplot.css"));
copyFileSync(join(here, "..", "node_modules", "@xterm", "xterm", "css", "xterm.css"), join(out, "xterm.css"));
