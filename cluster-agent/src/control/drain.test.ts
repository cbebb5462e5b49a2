import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { after, before, describe, it, mock } from "node:test";
import { heldApiServer } from "../test-support/held-runtime.js";
import { makeTempDataDir } from "../test-support/postgres.js";
import { DrainController, type DrainControllerOptions, type DrainState, NotDrainingError } from "./drain.js";
import { drainFilePath } from "./drain-file.js";

let dataDir: string;
before(async () => {
  dataDir = await makeTempDataDir();
});
after(() => rm(dataDir, { recursive: true, force: true }));

let dirs = 0;
const freshDir = () => `${dataDir}/node-${++dirs}`;

function options(over: Partial<DrainControllerOptions> = {}): DrainControllerOptions {
  return {
    dataDir: freshDir(),
    load: () => ({ inFlight: 0, queued: 0 }),
    inFlight: { cutWhere: () => 0 },
    retryAfterSeconds: 30,
    defaultDeadlineMs: 60_000,
    pollMs: 5,
    ...over,
  };
}

/** Resolves when the controller is (or becomes) in `state`: the event, not a sleep. */
function reach(drain: DrainController, state: DrainState): Promise<void> {
  if (drain.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const on = (s: DrainState) => {
      if (s !== state) return;
      drain.off("state", on);
      resolve();
    };
    drain.on("state", on);
  });
}

describe("drain over the public API", () => {
  it("refuses new requests with 503 and Retry-After, lets in-flight ones finish, then is drained", async () => {
    let api: Awaited<ReturnType<typeof heldApiServer>> | undefined;
    const drain = await DrainController.open(
      options({ load: () => ({ inFlight: api!.inFlight.size, queued: api!.scheduler.stats().queued }) }),
    );
    api = await heldApiServer({ gates: [drain.gate], isAcceptingTraffic: drain.isAccepting });
    const first = api.generate();
    await api.runtime.whenRunning(1);

    const status = await drain.drain({ by: "alice", reason: "kernel update", deadlineMs: 60_000 });
    assert.equal(status.draining, true);
    assert.equal(drain.isAccepting(), false);
    assert.equal((await api.app.inject({ method: "GET", url: "/readyz" })).statusCode, 503);
    const refused = await api.generate();
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.headers["retry-after"], "30");
    const error = refused.json().error;
    assert.equal(error.code, "node_draining");
    assert.equal(error.type, "server_error");
    assert.match(error.message, /retry/i);
    assert.equal(drain.progressNow().requestsInFlight, 1);

    const drained = reach(drain, "drained");
    api.runtime.releaseAll();
    assert.equal((await first).statusCode, 200, "the request in flight completes");
    await drained;
    const last = drain.progressNow();
    assert.deepEqual([last.state, last.done, last.requestsCutOff], ["NODE_STATE_DRAINED", true, 0]);
    await drain.settled();
    await api.app.close();
  });

  it("ends requests still running at the deadline with an error chunk, and counts them", async () => {
    let api: Awaited<ReturnType<typeof heldApiServer>> | undefined;
    const drain = await DrainController.open(
      options({
        load: () => ({ inFlight: api!.inFlight.size, queued: api!.scheduler.stats().queued }),
        inFlight: { cutWhere: (m, e) => api!.inFlight.cutWhere(m, e) },
      }),
    );
    api = await heldApiServer({ gates: [drain.gate], isAcceptingTraffic: drain.isAccepting });
    const straggler = api.generate(true);
    await api.runtime.whenRunning(1);
    const drained = reach(drain, "drained");
    await drain.drain({ by: "alice", reason: "reboot", deadlineMs: 20 });
    const response = await straggler;
    assert.equal(response.statusCode, 200, "the stream had begun");
    assert.match(response.body, /"code":"node_draining"/);
    await drained;
    assert.equal(drain.progressNow().requestsCutOff, 1);
    await drain.settled();
    await api.app.close();
  });
});

describe("drain controller", () => {
  it("streams progress until done; a second drain joins the first", async () => {
    let load = { inFlight: 2, queued: 1 };
    const drain = await DrainController.open(options({ load: () => load }));
    const first = await drain.drain({ by: "alice", reason: "r1", deadlineMs: 60_000 });
    const joined = await drain.drain({ by: "bob", reason: "r2", deadlineMs: 1 });
    assert.deepEqual(joined, first, "the running drain, its deadline unchanged");
    const seen: string[] = [];
    for await (const p of drain.progress()) {
      seen.push(`${p.state}:${p.requestsInFlight}/${p.requestsQueued}:${p.done}`);
      if (p.requestsInFlight === 2) load = { inFlight: 1, queued: 0 };
      else if (p.requestsInFlight === 1) load = { inFlight: 0, queued: 0 };
    }
    assert.deepEqual(seen, [
      "NODE_STATE_DRAINING:2/1:false",
      "NODE_STATE_DRAINING:1/0:false",
      "NODE_STATE_DRAINED:0/0:true",
    ]);
    await drain.settled();
  });

  it("is saved in the data dir and comes back drained after a restart, without any store", async () => {
    const opts = options({ load: () => ({ inFlight: 1, queued: 0 }) });
    const before = await DrainController.open(opts);
    await drain_(before, "disk swap");
    const saved = JSON.parse(await readFile(drainFilePath(opts.dataDir), "utf8"));
    assert.equal(saved.state, "draining");
    before.close(); // the process dies while draining

    const after = await DrainController.open(opts);
    assert.equal(after.state, "drained", "maintenance mode until undrained");
    assert.equal(after.isAccepting(), false);
    assert.equal(after.status().requestedBy, "alice");
    assert.equal(after.status().reason, "disk swap");
    assert.equal(after.progressNow().done, true);
  });

  it("writes the registry after the file and keeps the drain when the registry write fails", async () => {
    const calls: string[] = [];
    const opts = options({
      registry: async () => {
        calls.push(drain.state);
        throw new Error("store unreachable");
      },
    });
    const drain = await DrainController.open(opts);
    await drain_(drain, "rack move");
    await drain.settled();
    assert.ok(calls.length >= 1);
    assert.equal(drain.state, "drained", "idle at once");
    assert.equal((await DrainController.open(opts)).state, "drained", "the file decides");
  });

  it("undrain returns to serving, removes the file and cancels the deadline", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
    const cut = mock.fn(() => 0);
    const opts = options({ load: () => ({ inFlight: 1, queued: 0 }), inFlight: { cutWhere: cut } });
    const drain = await DrainController.open(opts);
    await assert.rejects(drain.undrain({ by: "alice", reason: "x" }), NotDrainingError);
    await drain.drain({ by: "alice", reason: "r", deadlineMs: 1000 });
    const stream = drain.progress();
    assert.equal((await stream.next()).value?.state, "NODE_STATE_DRAINING");
    await drain.undrain({ by: "alice", reason: "done" });
    assert.equal((await stream.next()).value?.state, "NODE_STATE_SERVING");
    assert.equal((await stream.next()).done, true, "an undrain ends progress streams");
    t.mock.timers.tick(5000);
    assert.equal(cut.mock.callCount(), 0, "no deadline after undrain");
    assert.equal(drain.isAccepting(), true);
    assert.equal(existsSync(drainFilePath(opts.dataDir)), false);
    assert.equal((await DrainController.open(opts)).state, "serving");
  });

  it("fails closed on an unreadable drain file", async () => {
    const opts = options();
    await DrainController.open(opts);
    await writeFile(drainFilePath(opts.dataDir), "{torn");
    const drain = await DrainController.open(opts);
    assert.equal(drain.state, "drained");
    assert.match(drain.stateReason(), /could not be read/);
  });
});

async function drain_(drain: DrainController, reason: string) {
  await drain.drain({ by: "alice", reason, deadlineMs: 60_000 });
}
