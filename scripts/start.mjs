// `npm start`: one local agent on the embedded defaults (a private PostgreSQL and the tiny generated
// model in ./.entrim), a demo account with a fresh API key, and a curl line to try it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { startConsoleFor } from "./console-start.mjs";
import { startMailCatcher } from "./mail-catcher.mjs";
import { root, setup } from "./setup.mjs";

setup();
const bin = join(root, "cluster-agent", "bin", "entrim-agent.js");
const dataDir = process.env.ENTRIM_DATA_DIR ?? join(root, ".entrim");
// The customer portal is on for `npm start` (the agent's default is off). Its emails go to a local
// mail catcher that prints them here, unless a config of your own is given (ENTRIM_CONFIG / --config).
const env = {
  ...process.env,
  ENTRIM_DATA_DIR: dataDir,
  ENTRIM_PORTAL_LISTEN: process.env.ENTRIM_PORTAL_LISTEN ?? "127.0.0.1:8088",
};
const ownConfig = Boolean(process.env.ENTRIM_CONFIG) || process.argv.includes("--config");
const catcher = ownConfig
  ? undefined
  : await startMailCatcher(({ to, subject, links }) => {
      process.stdout.write(
        [`Mail to ${to.join(", ")}: ${subject}`, ...links.map((link) => `  ${link}`), ""].join("\n"),
      );
    });
if (catcher) {
  const file = join(dataDir, "npm-start-config.json");
  const mail = {
    smtp: { host: "127.0.0.1", port: catcher.port },
    from: "Entrim <noreply@localhost.localdomain>",
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ mail }, null, 2)}\n`);
  env.ENTRIM_CONFIG = file;
}

function cli(...args) {
  const result = spawnSync(process.execPath, [bin, "--json", ...args], { cwd: root, env, encoding: "utf8" });
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    throw new Error(`entrim-agent ${args.join(" ")} failed`);
  }
  return JSON.parse(result.stdout);
}

// The control plane takes mutual TLS only: a local CA, this node's certificate and an admin
// certificate for the operator at this desk, made once and reused.
const nodeName = process.env.ENTRIM_NODE_NAME ?? hostname().split(".")[0];
const operators = join(dataDir, "operators");
if (!existsSync(join(dataDir, "tls", "node.pem"))) {
  if (!existsSync(join(dataDir, "ca", "ca.pem"))) cli("certs", "init-ca", "--name", "Entrim local CA");
  cli("certs", "issue-node", "--name", nodeName);
}
if (!existsSync(join(operators, "admin.pem")))
  cli("certs", "issue-operator", "--name", "admin", "--role", "admin");

// The same Node.js flags as the systemd unit (built by setup() above).
const { AGENT_NODE_FLAGS } = await import(
  pathToFileURL(join(root, "cluster-agent", "dist", "common", "node-flags.js")).href
);
const agent = spawn(process.execPath, [...AGENT_NODE_FLAGS, bin, "serve", ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: ["ignore", "pipe", "inherit"],
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => agent.kill(signal));
// The terminal was closed: nobody is left to read this output or press Ctrl+C, so the agent stops
// too. (To the agent itself SIGHUP means "reload the API certificate", so it is not forwarded as is;
// without this the agent and its PostgreSQL went on running, holding their ports, after this
// process had died of the SIGHUP.)
process.on("SIGHUP", () => agent.kill("SIGTERM"));
agent.on("exit", (code) => process.exit(code ?? 0));

const lines = createInterface({ input: agent.stdout });
lines.on("line", async (line) => {
  let event;
  try {
    event = JSON.parse(line);
  } catch {
    process.stdout.write(`${line}\n`);
    return;
  }
  if (event.event !== "ready") return;
  try {
    const accounts = cli("accounts", "list");
    const demo =
      accounts.find((a) => a.email === "demo@example.com") ??
      cli(
        "accounts",
        "create",
        "--name",
        "Demo customer",
        "--email",
        "demo@example.com",
        "--company",
        "Demo GmbH",
      );
    const key = cli("keys", "create", "--account", demo.id, "--name", `demo ${new Date().toISOString()}`);
    const response = await fetch(`${event.api}/v1/models`, {
      headers: { authorization: `Bearer ${key.token}` },
    });
    const model = (await response.json()).data?.[0]?.id ?? "entrim-tiny";
    const body = JSON.stringify({ model, messages: [{ role: "user", content: "Hello!" }], max_tokens: 32 });
    // The operations console, connected to this agent as the admin (ENTRIM_CONSOLE=off skips it).
    const ops =
      event.control && process.env.ENTRIM_CONSOLE !== "off"
        ? await startConsoleFor({ dataDir, control: event.control, operators }).catch((error) => ({ error }))
        : undefined;
    process.stdout.write(
      [
        "",
        `Entrim agent "${event.node}" is serving the OpenAI-compatible API at ${event.api}/v1`,
        `Public status page: ${event.api}/status`,
        `Data directory: ${dataDir}`,
        event.control
          ? `Control plane (gRPC, mTLS): ${event.control}; admin certificate ${join(operators, "admin.pem")} (key admin-key.pem, CA ca.pem)`
          : "Control plane: off",
        event.metrics ? `Prometheus metrics: ${event.metrics}/metrics` : "Prometheus metrics: off",
        event.portal ? `Customer portal: ${event.portal}` : "Customer portal: off",
        ...(event.portal && catcher
          ? ["  (its emails, such as sign-up verification links, are printed here by a local mail catcher)"]
          : []),
        ...(ops?.url ? [`Operations console (browser mode; the URL is a password): ${ops.url}`] : []),
        ...(ops?.electron ? ["Operations console (desktop): opened in Electron"] : []),
        ...(ops?.error ? [`Operations console failed to start: ${ops.error.message}`] : []),
        "",
        `Demo API key (shown once): ${key.token}`,
        "",
        "Try it:",
        `  curl ${event.api}/v1/chat/completions -H "Authorization: Bearer ${key.token}" -H "Content-Type: application/json" -d '${body}'`,
        "",
        "Press Ctrl+C to stop.",
        "",
      ].join("\n"),
    );
  } catch (error) {
    process.stderr.write(`Could not create the demo key: ${error.message}\n`);
    agent.kill("SIGTERM");
  }
});
