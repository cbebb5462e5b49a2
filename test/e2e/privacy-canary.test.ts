import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@entrim/cluster-agent/dist/common/ports.js";
import { startEmbeddedPostgres } from "@entrim/cluster-agent/dist/store/embedded.js";
import { PortalClient } from "@entrim/cluster-agent/test-support/portal.js";
import { startTestSmtp, type TestSmtp } from "@entrim/cluster-agent/test-support/smtp.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import OpenAI from "openai";
import pg from "pg";
import { type AgentProcess, cli, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The first promise, checked the hard way: a unique canary rides in every prompt of a full run (chat,
 * completions, streams, JSON mode, cached prefixes, tool names, schemas, calls and results, embedding
 * inputs, failures,
 * an abort), then every byte the agent left
 * behind (data dir, PostgreSQL's files and WAL, a dump of every table, the spool, all logs) is searched
 * for it. Prompts may live in memory only; finding the canary anywhere is a leak. A second model is
 * served by a supervised engine (the stand-in) that prints every prompt it receives, as vLLM does at
 * its default log level: the agent must not carry that into its own log either. The customer comes
 * through the portal (sign-up, verification email, login, key), so the portal's paths are in the run,
 * its answers are checked for the prompt, and the customer's password is searched for on disk too.
 */

const CANARY = `CANARY-${randomBytes(12).toString("hex")}`;
/** A portal user's password: stored only as an argon2id hash, so it too must be found nowhere. */
const PASSWORD = `PASSWORD-${randomBytes(12).toString("hex")}`;
const MODEL = "tiny";
const ENGINE_MODEL = "engine";
const STAND_IN = fileURLToPath(import.meta.resolve("@entrim/cluster-agent/test-support/upstream-main.js"));

let dataDir: string;
let dumpDir: string;
let agent: AgentProcess;
let stdout = "";
let smtp: TestSmtp;

before(async () => {
  dataDir = tempDir("canary");
  dumpDir = tempDir("canary-dump");
  const modelPath = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", modelPath);
  const port = await freeLoopbackPort();
  smtp = await startTestSmtp();
  agent = await startAgent(dataDir, ["--log-level", "debug", "--portal-listen", "127.0.0.1:0"], {
    api: { bodyLimitBytes: 64 * 1024 },
    mail: { smtp: { host: "127.0.0.1", port: smtp.port }, from: "noreply@canary.test", retryBaseMs: 100 },
    models: [
      { id: MODEL, runtime: "embedded", path: modelPath, parallel: 2, threads: 1, embeddings: true },
      {
        id: ENGINE_MODEL,
        runtime: "external",
        url: `http://127.0.0.1:${port}/v1`,
        command: [process.execPath, STAND_IN, "--port", String(port), "--log-requests"],
        startTimeoutMs: 30_000,
      },
    ],
  });
  agent.process.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
});

after(async () => {
  await agent?.stop();
  await smtp?.close();
  removeDir(dataDir);
  removeDir(dumpDir);
});

/** Every needle a leaked canary could take in bytes: UTF-8 and UTF-16LE, as sent and lower-cased. */
const needles = [CANARY, CANARY.toLowerCase(), PASSWORD, PASSWORD.toLowerCase()].flatMap((text) => [
  Buffer.from(text, "utf8"),
  Buffer.from(text, "utf16le"),
]);

/** Paths of regular files under `dir` (links and sockets are not followed) that contain a needle. */
function scan(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...scan(path));
    else if (entry.isFile() && lstatSync(path).isFile()) {
      const bytes = readFileSync(path);
      if (needles.some((needle) => bytes.includes(needle))) found.push(path);
    }
  }
  return found;
}

const system = `You keep secrets. The secret is ${CANARY}.`;
const chatMessages = (question: string) => [
  { role: "system" as const, content: system },
  { role: "user" as const, content: `${question} ${CANARY}` },
];

function post(path: string, body: string, token: string) {
  return fetch(`${agent.baseURL}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });
}

/**
 * A customer of the portal: signs up with the password canary, verifies by the emailed link, logs in
 * and makes the API key the canary prompts are sent with, so that the portal's own paths (sign-up,
 * sessions, key creation) are part of the run the disk is searched after.
 */
async function portalCustomer(): Promise<{ portal: PortalClient; token: string; keyId: string }> {
  const portal = new PortalClient(agent.portal!);
  const email = "canary-owner@example.eu";
  const signup = await portal.post("/api/signup", {
    name: "Canary Owner",
    email,
    password: PASSWORD,
    acceptTerms: true,
    acceptPrivacy: true,
    termsVersion: (await portal.session()).body.legal.termsVersion,
    privacyVersion: (await portal.session()).body.legal.privacyVersion,
    ageConfirmed: true,
  });
  assert.equal(signup.status, 201, JSON.stringify(signup.body));
  await until("the verification email arrived", () => smtp.received.some((m) => m.to.includes(email)));
  const body = smtp.received.find((m) => m.to.includes(email))!.body.replace(/=\r?\n/g, "");
  const verifyToken = /token=3D([A-Za-z0-9_-]+)|token=([A-Za-z0-9_-]+)/.exec(body);
  assert.ok(verifyToken, "the email holds the verification link");
  const verified = await portal.post("/api/verify-email", { token: verifyToken[1] ?? verifyToken[2] });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
  const login = await portal.post("/api/login", { email, password: PASSWORD });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const created = await portal.post("/api/keys", { name: "canary key" });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { portal, token: created.body.token, keyId: created.body.key.id };
}

test("a full run leaves the canary nowhere: data dir, PostgreSQL files, dump, spool, logs", async () => {
  const { portal, token, keyId } = await portalCustomer();
  const client = new OpenAI({ baseURL: agent.baseURL, apiKey: token, maxRetries: 0 });

  // Successful requests of every kind.
  await client.chat.completions.create({
    model: MODEL,
    messages: chatMessages("Plain chat."),
    max_tokens: 8,
  });
  for await (const _ of await client.chat.completions.create({
    model: MODEL,
    messages: chatMessages("Streamed chat."),
    max_tokens: 8,
    stream: true,
    stream_options: { include_usage: true },
    stop: [CANARY],
  }));
  await client.completions.create({ model: MODEL, prompt: `Complete this: ${CANARY}`, max_tokens: 8 });
  for await (const _ of await client.completions.create({
    model: MODEL,
    prompt: `Stream this: ${CANARY}`,
    max_tokens: 8,
    stream: true,
  }));
  await client.chat.completions.create({
    model: MODEL,
    messages: chatMessages("Answer in JSON."),
    max_tokens: 8,
    response_format: { type: "json_object" },
  });
  // The same long prefix twice: the second is served from the account's cached prompt state.
  const cachedPrefix = chatMessages("Cached prefix, same question.");
  await client.chat.completions.create({
    model: MODEL,
    messages: cachedPrefix,
    max_tokens: 8,
    temperature: 0,
  });
  const cached = await client.chat.completions.create({
    model: MODEL,
    messages: cachedPrefix,
    max_tokens: 8,
    temperature: 0,
  });
  assert.ok((cached.usage?.prompt_tokens_details?.cached_tokens ?? 0) > 0, "the cached path was exercised");

  // Through the supervised engine, which prints each prompt on its stdout.
  await client.chat.completions.create({
    model: ENGINE_MODEL,
    messages: chatMessages("Through the engine."),
    max_tokens: 8,
  });
  for await (const _ of await client.completions.create({
    model: ENGINE_MODEL,
    prompt: `Stream through the engine: ${CANARY}`,
    max_tokens: 8,
    stream: true,
  }));

  // Tools are content too: names, descriptions, schemas, the calls' arguments and the results.
  const tools = [
    {
      type: "function" as const,
      function: {
        name: CANARY,
        description: `Looks up ${CANARY}.`,
        parameters: {
          type: "object",
          properties: { [CANARY]: { type: "string", enum: [CANARY] } },
          required: [CANARY],
        },
      },
    },
  ];
  const history = [
    ...chatMessages("Call the tool."),
    {
      role: "assistant" as const,
      content: null,
      tool_calls: [
        {
          id: "call_canary",
          type: "function" as const,
          function: { name: CANARY, arguments: JSON.stringify({ [CANARY]: CANARY }) },
        },
      ],
    },
    { role: "tool" as const, tool_call_id: "call_canary", content: `The result is ${CANARY}.` },
  ];
  for (const model of [MODEL, ENGINE_MODEL]) {
    const called = await client.chat.completions.create({
      model,
      messages: chatMessages("Call the tool."),
      tools,
      tool_choice: "required",
      max_tokens: 400,
      temperature: 0,
      logprobs: true,
      top_logprobs: 2,
    });
    assert.equal(called.choices[0]?.finish_reason, "tool_calls", `${model} called the tool`);
    for await (const _ of await client.chat.completions.create({
      model,
      messages: chatMessages("Call it, streamed."),
      tools,
      tool_choice: { type: "function", function: { name: CANARY } },
      max_tokens: 400,
      temperature: 0,
      stream: true,
    }));
    await client.chat.completions.create({ model, messages: history, tools, max_tokens: 8, n: 2 });
  }

  // Embedding inputs are content as much as prompts are.
  await client.embeddings.create({ model: MODEL, input: [`Embed ${CANARY}`, CANARY] });
  await client.embeddings.create({
    model: MODEL,
    input: `Embed this too: ${CANARY}`,
    encoding_format: "float",
  });

  // Requests that fail, each carrying the canary.
  const failures: [string, Response][] = [
    [
      "bad parameter",
      await post(
        "/chat/completions",
        JSON.stringify({ model: MODEL, messages: chatMessages("Too hot."), temperature: 5 }),
        token,
      ),
    ],
    [
      "bad role",
      await post(
        "/chat/completions",
        JSON.stringify({ model: MODEL, messages: [{ role: CANARY, content: CANARY }] }),
        token,
      ),
    ],
    [
      "oversized body",
      await post("/completions", JSON.stringify({ model: MODEL, prompt: `${CANARY} `.repeat(4000) }), token),
    ],
    [
      "malformed JSON",
      await post("/chat/completions", `{"model": "${MODEL}", "messages": [${CANARY}]}`, token),
    ],
    [
      "unknown model",
      await post(
        "/chat/completions",
        JSON.stringify({ model: "nope", messages: chatMessages("Who?") }),
        token,
      ),
    ],
    [
      "embeddings from a model that does not embed",
      await post("/embeddings", JSON.stringify({ model: ENGINE_MODEL, input: CANARY }), token),
    ],
    [
      "embeddings with a bad encoding",
      await post(
        "/embeddings",
        JSON.stringify({ model: MODEL, input: CANARY, encoding_format: CANARY }),
        token,
      ),
    ],
    [
      "bad tool schema",
      await post(
        "/chat/completions",
        JSON.stringify({
          model: MODEL,
          messages: chatMessages("Bad tool."),
          tools: [{ type: "function", function: { name: CANARY, parameters: { type: CANARY } } }],
        }),
        token,
      ),
    ],
    [
      "tool result without a call",
      await post(
        "/chat/completions",
        JSON.stringify({
          model: MODEL,
          messages: [...chatMessages("Orphan."), { role: "tool", tool_call_id: CANARY, content: CANARY }],
        }),
        token,
      ),
    ],
    [
      "context exceeded",
      await post("/completions", JSON.stringify({ model: MODEL, prompt: `${CANARY} `.repeat(600) }), token),
    ],
  ];
  for (const [what, response] of failures) {
    assert.ok(response.status >= 400 && response.status < 500, `${what}: ${response.status}`);
    await response.text();
  }

  // A client that disconnects mid-stream.
  const abort = new AbortController();
  const streaming = await fetch(`${agent.baseURL}/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, prompt: `Abort me: ${CANARY}`, max_tokens: 1500, stream: true }),
    signal: abort.signal,
  });
  const reader = streaming.body!.getReader();
  await reader.read();
  abort.abort();
  await reader.read().catch(() => {});

  // What the portal shows the customer about the run: usage, keys, the export. Metadata only.
  await until("the run's usage reached the store", async () => {
    const usage = await portal.get("/api/usage");
    return usage.status === 200 && usage.body.totals.requests > 0;
  });
  for (const path of ["/api/usage", "/api/usage.csv", "/api/keys", "/api/notices", "/api/data/export"]) {
    const answer = await portal.get(path);
    assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
    const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    assert.ok(!text.toLowerCase().includes(CANARY.toLowerCase()), `the portal's ${path} holds a prompt`);
    assert.ok(!text.includes(PASSWORD), `the portal's ${path} holds the password`);
  }

  // A key revoked in the portal: the agent learns of it by NOTIFY, so ask until it refuses.
  assert.equal((await portal.delete(`/api/keys/${keyId}`)).status, 200);
  let status = 0;
  for (let attempt = 0; attempt < 200 && status !== 401; attempt++) {
    const response = await post(
      "/chat/completions",
      JSON.stringify({ model: MODEL, messages: chatMessages("Revoked."), max_tokens: 1 }),
      token,
    );
    status = response.status;
    await response.text();
  }
  assert.equal(status, 401, "the revoked key is refused");

  // Stop cleanly (flushing whatever buffers the agent holds), then open its database to dump it.
  await agent.stop();
  const server = await startEmbeddedPostgres({ dir: join(dataDir, "postgres") });
  const db = new pg.Client({ connectionString: server.url });
  await db.connect();
  const dump: string[] = [];
  try {
    const tables = await db.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
       WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'
       ORDER BY 1, 2`,
    );
    assert.ok(tables.rows.length > 0);
    for (const { schema, name } of tables.rows) {
      const table = `${db.escapeIdentifier(schema)}.${db.escapeIdentifier(name)}`;
      const rows = await db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${table} t`);
      dump.push(`-- ${table}`, ...rows.rows.map((r) => r.row));
    }
    // Everything PostgreSQL holds goes to its files: data pages, and a fresh WAL segment.
    await db.query("CHECKPOINT");
    await db.query("SELECT pg_switch_wal()");
  } finally {
    await db.end();
    await server.stop();
  }
  assert.ok(
    dump.some((line) => line.includes(keyId)),
    "the dump holds the run's metadata (the key), so it is a real dump",
  );
  writeFileSync(join(dumpDir, "dump.sql"), dump.join("\n"));

  // The scanner must be able to find a leak before its silence means anything.
  const probeDir = join(dataDir, "postgres", "pgdata", "canary-probe");
  mkdirSync(probeDir);
  writeFileSync(join(probeDir, "utf8.bin"), Buffer.concat([randomBytes(64), Buffer.from(CANARY)]));
  writeFileSync(join(probeDir, "utf16.bin"), Buffer.from(`x${CANARY}x`, "utf16le"));
  assert.deepEqual(scan(probeDir).sort(), [join(probeDir, "utf16.bin"), join(probeDir, "utf8.bin")]);
  assert.equal(scan(dataDir).length, 2, "the scan of the data dir reaches the probe");
  rmSync(probeDir, { recursive: true });

  assert.deepEqual(scan(dataDir), [], "the data dir (PostgreSQL files, WAL, spool, logs) holds no prompt");
  assert.deepEqual(scan(dumpDir), [], "no table row holds a prompt");
  assert.ok(agent.log().length > 0, "the log was captured");
  for (const [name, text] of [
    ["stderr", agent.log()],
    ["stdout", stdout],
  ] as const) {
    assert.ok(!text.toLowerCase().includes(CANARY.toLowerCase()), `the agent's ${name} holds no prompt`);
    assert.ok(!text.includes(PASSWORD), `the agent's ${name} holds the portal password`);
  }
  assert.match(agent.log(), /"level":20/, "debug lines were written, so every log level was exercised");
});
