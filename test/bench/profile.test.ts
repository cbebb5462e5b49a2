// The benchmark's CPU-profile summary (bench/profile.mjs) on a real profile written by `node --cpu-prof`:
// busy time lands on the functions and components that spent it, idle time is left out.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const bench = (file: string) => new URL(`../../../bench/${file}`, import.meta.url).href;
const { componentOf, componentsPerRequest, summarise } = await import(bench("profile.mjs"));

interface Summary {
  busyMs: number;
  components: { name: string; share: number }[];
  functions: { name: string; where: string; share: number }[];
}

test("a real profile: the function that burned the CPU leads, and idle time is not counted", () => {
  const dir = mkdtempSync(join(tmpdir(), "entrim-profile-"));
  try {
    // 300 ms of JSON round trips in a named function, then 300 ms asleep (idle).
    const script = `
      function burnJson() {
        const end = Date.now() + 300;
        const doc = { a: [1, 2, 3], b: "x".repeat(200), c: { d: true } };
        while (Date.now() < end) JSON.parse(JSON.stringify(doc));
      }
      burnJson();
      setTimeout(() => {}, 300);`;
    const before = Number(process.hrtime.bigint() / 1000n);
    const run = spawnSync(
      process.execPath,
      ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=200", "-e", script],
      { encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
    assert.ok(file, "node wrote a profile");
    const after = Number(process.hrtime.bigint() / 1000n);
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
    // Its timestamps are on the clock process.hrtime reads, so a benchmark can cut out its load's span.
    assert.ok(
      profile.startTime >= before && profile.endTime <= after,
      "the profile is on the monotonic clock",
    );
    const summary: Summary = summarise(profile);
    const none: Summary = summarise(profile, { fromUs: before - 2_000_000, toUs: before });
    assert.equal(none.busyMs, 0, "nothing before the process started");
    const lastTenth: Summary = summarise(profile, {
      fromUs: profile.endTime - (profile.endTime - profile.startTime) / 10,
      toUs: profile.endTime,
    });
    assert.ok(lastTenth.busyMs < summary.busyMs / 2, "the asleep end of the run is nearly all idle");
    assert.ok(
      summary.busyMs > 250 && summary.busyMs < 550,
      `busy ${summary.busyMs} ms: the sleep is not in it`,
    );
    assert.ok(!summary.components.some((c) => c.name === "idle"));
    const total = summary.components.reduce((sum, c) => sum + c.share, 0);
    assert.ok(Math.abs(total - 1) < 1e-9, "the shares add up to the busy time");
    // The JSON built-ins it called are charged to it.
    const [first] = summary.functions;
    assert.equal(first?.name, "burnJson", JSON.stringify(summary.functions));
    assert.ok(first.share > 0.5, `its share: ${first.share}`);
    assert.match(first.where, /^\[eval\]:\d+$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("code is put in the component it belongs to, from its script's URL", () => {
  const at = (url: string, functionName = "f") => componentOf({ functionName, url });
  assert.equal(
    at("file:///srv/x/node_modules/fastify/lib/route.js"),
    "Fastify (request cycle, routing, hooks)",
  );
  assert.equal(
    at("file:///srv/x/node_modules/@fastify/under-pressure/index.js"),
    "Fastify (request cycle, routing, hooks)",
  );
  assert.equal(
    at("file:///srv/x/node_modules/undici/lib/dispatcher/client-h1.js"),
    "undici (upstream client)",
  );
  assert.equal(at("file:///srv/x/node_modules/pg-protocol/dist/parser.js"), "PostgreSQL client");
  assert.equal(at("file:///srv/x/node_modules/left-pad/index.js"), "other libraries (left-pad)");
  assert.equal(at("node:_http_server"), "Node HTTP (parser, server, responses)");
  assert.equal(at("node:internal/streams/writable"), "Node streams");
  assert.equal(at("file:///srv/x/cluster-agent/dist/metering/spool.js"), "agent: metering/");
  assert.equal(at("", "(garbage collector)"), "garbage collection");
  assert.equal(at("", "(idle)"), "idle");
  assert.equal(at("", "(program)"), "V8 and native code (unattributed)");
  assert.equal(at("", "writev"), "system calls (socket writes, file I/O)");
  assert.equal(at("", "parse"), "V8 built-ins and other native bindings");
});

test("busy time per request beside a reference, the components the subject spends most on beyond it first", () => {
  const summary = (busyMs: number, requests: number, shares: Record<string, number>) => ({
    busyMs,
    requests,
    components: Object.entries(shares).map(([name, share]) => ({ name, share })),
  });
  // 400 ms busy over 8,000 requests is 50 µs per request; 1,000 ms over 10,000 is 100.
  const reference = summary(400, 8000, {
    "undici (upstream client)": 0.5,
    "Fastify (request cycle, routing, hooks)": 0.5,
  });
  const subject = summary(1000, 10_000, {
    "undici (upstream client)": 0.3,
    "agent: admission/": 0.2,
    "Fastify (request cycle, routing, hooks)": 0.5,
  });
  const rows: { name: string; referenceUs: number; subjectUs: number }[] = componentsPerRequest(
    reference,
    subject,
  );
  const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  assert.deepEqual(
    rows.map((r) => r.name),
    ["Fastify (request cycle, routing, hooks)", "agent: admission/", "undici (upstream client)"],
  );
  const [fastify, admission, undici] = rows;
  assert.ok(close(fastify!.referenceUs, 25) && close(fastify!.subjectUs, 50), JSON.stringify(fastify));
  assert.ok(
    close(admission!.referenceUs, 0) && close(admission!.subjectUs, 20),
    "only in the subject: 0 in the reference",
  );
  assert.ok(close(undici!.referenceUs, 25) && close(undici!.subjectUs, 30));
  // A component only the reference has still gets its row.
  const reversed = componentsPerRequest(subject, reference);
  assert.ok(
    reversed.some(
      (r: { name: string; subjectUs: number }) => r.name === "agent: admission/" && r.subjectUs === 0,
    ),
  );
});
