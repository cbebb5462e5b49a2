import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createLogger, type Logger } from "../common/log.js";
import { ModelRegistry } from "../serving/models.js";
import { until } from "../test-support/until.js";
import { type ApiServer, createApiServer } from "./server.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-request-logger-"));
const file = join(dir, "agent.log");
let logger: Logger;
let app: ApiServer;
let url: string;
/** Child loggers made from the agent's logger so far. */
let children = 0;

before(async () => {
  logger = createLogger({ level: "info", destination: file });
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<Logger["child"]>) => {
    children++;
    return child(...args);
  }) as Logger["child"];
  app = createApiServer({
    models: new ModelRegistry(),
    authenticator: { authenticate: () => ({ ok: false, reason: "unknown" }) },
    logger,
    bodyLimitBytes: 1 << 20,
    requestTimeoutMs: 30_000,
  });
  // A route that logs through request.log, as Fastify itself does when it handles an error alone.
  app.get("/test/log", async (request) => {
    const levelBefore = request.log.level;
    request.log.warn({ authorization: "Bearer sk-entrim-canary", detail: 7 }, "logged through request.log");
    return { levelBefore };
  });
  url = await app.listen({ host: "127.0.0.1", port: 0 });
});
after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = () =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("the per-request logger", () => {
  it("is not made for requests that log nothing", async () => {
    const before = children;
    for (let i = 0; i < 5; i++) {
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      const refused = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer sk-entrim-nope", "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(refused.status, 401);
    }
    assert.equal(children - before, 0);
  });

  it("writes a request's lines with its request id and the agent's redaction", async () => {
    const before = children;
    const answer = await fetch(`${url}/test/log`);
    assert.equal(answer.status, 200);
    // The level was read without making the child: it is the agent's.
    assert.deepEqual(await answer.json(), { levelBefore: "info" });
    assert.equal(children - before, 1);
    logger.flush();
    const line = await until("the request's line is on disk", () =>
      lines().find((l) => l.msg === "logged through request.log"),
    );
    assert.match(String(line.reqId), /^req_/);
    assert.equal(line.detail, 7);
    assert.equal(line.authorization, "[redacted]");
    assert.equal(line.service, "entrim-agent");
    assert.ok(!readFileSync(file, "utf8").includes("sk-entrim-canary"));
  });
});
