import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { freeLoopbackPort } from "../common/ports.js";
import { setEnv } from "../test-support/env.js";
import { engineEnvironment } from "./engine-env.js";
import { EngineRefused, engineUser } from "./engine-exec.js";
import { engineLaunch } from "./engine-launch.js";
import { engineLogLine, redactEngineLine } from "./engine-log.js";
import { ExternalRuntime } from "./external.js";
import { Supervisor, type SupervisorState } from "./supervisor.js";

/**
 * The agent → engine boundary: what a supervised engine is given (environment, user, key) and what of
 * its output reaches the agent's log. The engine is the stand-in, which requires the key the agent
 * hands it (ENTRIM_ENGINE_API_KEY) and dumps its environment's names when asked.
 */
const upstreamMain = fileURLToPath(new URL("../test-support/upstream-main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "entrim-engine-trust-"));
// Writable by an engine running as another user.
chmodSync(dir, 0o777);
after(() => rmSync(dir, { recursive: true, force: true }));

const NODE_ONLY = { allowedExecutables: [process.execPath], passEnv: [], env: {} };

function healthyAgain(s: Supervisor): Promise<void> {
  return new Promise((resolve) => {
    const on = (state: SupervisorState) => {
      if (state !== "healthy") return;
      s.off("state", on);
      resolve();
    };
    s.on("state", on);
  });
}

async function standIn(extra: string[] = [], launch = engineLaunch(NODE_ONLY), logger?: pino.Logger) {
  const port = await freeLoopbackPort();
  const supervisor = new Supervisor({
    ...launch,
    command: [process.execPath, upstreamMain, "--port", String(port), ...extra],
    healthUrl: `http://127.0.0.1:${port}/v1/models`,
    startTimeoutMs: 30_000,
    healthIntervalMs: 50,
    backoffInitialMs: 10,
    logger,
  });
  const runtime = new ExternalRuntime({
    modelId: "m",
    upstreamUrl: `http://127.0.0.1:${port}/v1`,
    contextLength: 4096,
    supervisor,
    logger,
  });
  return { port, supervisor, runtime };
}

const chat = (content: string) => ({
  kind: "chat" as const,
  messages: [{ role: "user" as const, content }],
  maxTokens: 4,
  temperature: 0,
  signal: new AbortController().signal,
});

describe("a supervised engine", () => {
  it("requires a fresh random key at each start; the agent's generations, tokenize and health carry it", async () => {
    const { port, supervisor, runtime } = await standIn();
    try {
      await runtime.load();
      const first = supervisor.apiKey;
      assert.match(first, /^[A-Za-z0-9_-]{43}$/, "32 random bytes, base64url");
      // Any other local process: refused without the key.
      const bare = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
      });
      assert.equal(bare.status, 401);
      assert.equal((await fetch(`http://127.0.0.1:${port}/v1/models`)).status, 401);
      assert.equal((await runtime.generate(chat("hello there"))).usage.completionTokens, 4);
      assert.equal(
        await runtime.countPromptTokens(chat("hello there")),
        6,
        "the engine's /tokenize answered",
      );
      assert.deepEqual(await runtime.health(), { ok: true, detail: "ready" });

      const restarted = healthyAgain(supervisor);
      process.kill(supervisor.pid!, "SIGKILL");
      await restarted;
      const second = supervisor.apiKey;
      assert.notEqual(second, first, "a new start, a new key");
      const stale = await fetch(`http://127.0.0.1:${port}/v1/models`, {
        headers: { authorization: `Bearer ${first}` },
      });
      assert.equal(stale.status, 401, "the previous start's key opens nothing");
      assert.equal((await runtime.generate(chat("hello again"))).usage.completionTokens, 4);
    } finally {
      await runtime.unload();
    }
  });

  it("never gets what the catalogue may not set (LD_PRELOAD, PATH) nor the agent's secrets", async () => {
    const dump = join(dir, "env.json");
    const restoreEnv = setEnv({
      ENTRIM_KEY_PEPPER: "pepper",
      DATABASE_URL: "postgres://agent:secret@db/entrim",
    });
    let launch: ReturnType<typeof engineLaunch>;
    try {
      launch = engineLaunch(NODE_ONLY, {
        // As a catalogue row written around `catalog add-version`'s checks would carry them.
        catalogueEnv: { LD_PRELOAD: "/tmp/evil.so", PATH: "/tmp/evil-bin", NCCL_DEBUG: "WARN" },
      });
    } finally {
      restoreEnv();
    }
    const { runtime } = await standIn(["--env-dump", dump], launch);
    try {
      await runtime.load();
    } finally {
      await runtime.unload();
    }
    const { names } = JSON.parse(readFileSync(dump, "utf8")) as { names: string[] };
    for (const name of ["LD_PRELOAD", "ENTRIM_KEY_PEPPER", "DATABASE_URL"])
      assert.ok(!names.includes(name), name);
    assert.ok(names.includes("NCCL_DEBUG"));
    assert.notEqual(launch.env.PATH, "/tmp/evil-bin", "PATH is the node's");
  });

  const root = process.getuid?.() === 0;
  const nobody = spawnSync("id", ["-u", "nobody"], { encoding: "utf8" });
  it("runs as the configured user when the agent is root", {
    skip: !root || nobody.status !== 0 ? "needs root and a user nobody" : false,
  }, async () => {
    const dump = join(dir, "user.json");
    const launch = engineLaunch({ ...NODE_ONLY, user: "nobody" });
    const { runtime } = await standIn(["--env-dump", dump], launch);
    try {
      await runtime.load();
      assert.equal((await runtime.generate(chat("hi"))).usage.completionTokens, 4);
    } finally {
      await runtime.unload();
    }
    const seen = JSON.parse(readFileSync(dump, "utf8")) as { uid: number; gid: number };
    assert.equal(seen.uid, Number(nobody.stdout.trim()));
    assert.notEqual(seen.gid, 0);
  });

  it("says what to do when engines.user is set but the agent is not root", () => {
    assert.throws(
      () => engineUser("nobody", undefined, false),
      (e: unknown) => {
        return (
          e instanceof EngineRefused &&
          /does not run as root.*run the agent as root, or remove engines\.user/.test(e.message)
        );
      },
    );
    assert.throws(() => engineUser("no-such-user-entrim", undefined, true), /is not a user on this machine/);
  });

  it("reaches the agent's log only at debug and without the prompts it prints", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: "debug" }, sink);
    // No word here marks the line as a request: only the serving-engine rule keeps it out.
    const canary = "canary-7f3a9c what a customer asked";
    const { supervisor, runtime } = await standIn(["--log-requests"], engineLaunch(NODE_ONLY), logger);
    const exited = once(supervisor, "exit");
    try {
      await runtime.load();
      await runtime.generate(chat(canary));
    } finally {
      await runtime.unload();
    }
    await exited;
    const log = lines.join("");
    assert.ok(!log.includes("canary-7f3a9c"), `a prompt reached the log:\n${log}`);
    assert.match(log, /listening http/, "its lines from before it served reach the log");
  });
});

describe("engine output lines", () => {
  it("of a serving engine are kept only when they report trouble, and then redacted", () => {
    assert.equal(engineLogLine("INFO request 7: what a customer asked", true), undefined);
    assert.equal(engineLogLine("INFO Loading model weights", false), "INFO Loading model weights");
    assert.equal(engineLogLine("ERROR CUDA out of memory", true), "ERROR CUDA out of memory");
    assert.match(engineLogLine("ERROR bad request: prompt 'x' too long", true) ?? "", /withheld/);
  });

  it("are withheld when they look like a request, shortened when they quote at length, cut when long", () => {
    assert.match(redactEngineLine("INFO Received request cmpl-1: prompt: 'tell me'"), /withheld/);
    assert.match(redactEngineLine('DEBUG {"messages":[{"role":"user"}]}'), /withheld/);
    assert.equal(redactEngineLine("INFO Loading weights took 3.2 s"), "INFO Loading weights took 3.2 s");
    const quoted = redactEngineLine(`WARN odd value "${"x".repeat(60)}" ignored`);
    assert.equal(quoted, "WARN odd value [quoted, 60 chars] ignored");
    assert.ok(redactEngineLine(`E ${"y ".repeat(1000)}`).length < 600);
  });
});

describe("the engine environment", () => {
  it("holds only the allowlist of the agent's variables, the node's PATH and settings, and the catalogue's allowed ones", () => {
    const { env, dropped } = engineEnvironment({
      agentEnv: {
        HOME: "/root",
        LANG: "C.UTF-8",
        LC_ALL: "C",
        CUDA_VISIBLE_DEVICES: "0",
        HF_HOME: "/hf",
        ENTRIM_KEY_PEPPER: "p",
        DATABASE_URL: "d",
        AWS_SECRET_ACCESS_KEY: "s",
        PATH: "/agent/bin",
      },
      path: "/opt/engines/bin:/usr/bin",
      nodeEnv: { LD_LIBRARY_PATH: "/usr/local/cuda/lib64" },
      catalogueEnv: {
        LD_PRELOAD: "/x.so",
        ld_audit: "/x.so",
        PYTHONSTARTUP: "/x.py",
        NODE_OPTIONS: "-r /x",
        BASH_ENV: "/x",
        VLLM_ATTENTION_BACKEND: "FLASHINFER",
      },
    });
    assert.deepEqual(env, {
      HOME: "/root",
      LANG: "C.UTF-8",
      LC_ALL: "C",
      CUDA_VISIBLE_DEVICES: "0",
      HF_HOME: "/hf",
      PATH: "/opt/engines/bin:/usr/bin",
      LD_LIBRARY_PATH: "/usr/local/cuda/lib64",
      VLLM_ATTENTION_BACKEND: "FLASHINFER",
    });
    assert.deepEqual(dropped.sort(), ["BASH_ENV", "LD_PRELOAD", "NODE_OPTIONS", "PYTHONSTARTUP", "ld_audit"]);
  });
});
