// Bundles the customer portal into dist/app: one script, one stylesheet (plus uPlot's), one page.
// Every agent serves this folder on portal.listen under a strict CSP (script-src 'self'; style-src
// 'self'), so the page has no inline script or style; React style props set element.style, which the CSP
// allows. esbuild ships its binary as an optional dependency, so this needs no install script.
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
  target: "es2022",
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
copyFileSync(join(here, "static", "favicon.svg"), join(out, "favicon.svg"));
copyFileSync(join(here, "..", "node_modules", "uplot", "dist", "uPlot.min.css"), join(out, "uplot.css"));
