import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, type Fetch, PortalApi, withQuery } from "./api.js";

interface Call {
  path: string;
  init: RequestInit | undefined;
}

/** A fetch that answers from a queue and records what was asked: fetch is the browser's, not ours. */
function fakeFetch(...answers: (Response | Error)[]) {
  const calls: Call[] = [];
  const fetcher: Fetch = async (path, init) => {
    calls.push({ path, init });
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request ${path}`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { calls, fetcher };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** The ApiError a call fails with (and a test failure when it succeeds). */
async function failure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => assert.fail("the call succeeded"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ApiError);
  return error;
}

const header = (call: Call | undefined, name: string) =>
  ((call?.init?.headers ?? {}) as Record<string, string>)[name];

const SESSION = {
  csrfToken: "csrf-1",
  user: null,
  account: null,
  legal: { termsVersion: "3", privacyVersion: "2", termsUrl: "/t", privacyUrl: "/p" },
  branding: { productName: "Entrim", supportEmail: "s@example.com" },
};

test("changes carry the CSRF token from the session, refreshed from the login answer", async () => {
  const { calls, fetcher } = fakeFetch(
    json(200, SESSION),
    json(200, { csrfToken: "csrf-2", user: {}, account: {} }),
    json(201, { key: {}, token: "sk" }),
  );
  const api = new PortalApi(fetcher);
  await api.session();
  await api.post("/api/login", { email: "a@example.com", password: "x" });
  await api.post("/api/keys", { name: "ci" });
  assert.equal(calls[0]?.init?.method, "GET");
  assert.equal(header(calls[0], "x-csrf-token"), undefined, "a GET sends no token");
  assert.equal(header(calls[1], "x-csrf-token"), "csrf-1");
  assert.equal(header(calls[2], "x-csrf-token"), "csrf-2", "the login answer's token is used next");
  assert.equal(calls[2]?.init?.credentials, "same-origin");
  assert.equal(calls[2]?.init?.body, JSON.stringify({ name: "ci" }));
});

test("an error shows the server's own message, code and parameter", async () => {
  const { fetcher } = fakeFetch(
    json(400, {
      error: {
        message: "Choose a password of at least 12 characters.",
        type: "invalid_request_error",
        param: "password",
        code: null,
      },
    }),
  );
  const error = await new PortalApi(fetcher).post("/api/signup", {}).catch((e: unknown) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.message, "Choose a password of at least 12 characters.");
  assert.equal(error.status, 400);
  assert.equal(error.param, "password");
  assert.equal(error.type, "invalid_request_error");
});

test("an answer without a message still says what happened and what to do", async () => {
  const { fetcher } = fakeFetch(
    new Response("<html>bad gateway</html>", { status: 502 }),
    new Response("", { status: 429, headers: { "retry-after": "30" } }),
    new TypeError("Failed to fetch"),
  );
  const api = new PortalApi(fetcher);
  const gateway = await failure(api.get("/api/usage"));
  assert.match(gateway.message, /HTTP 502.*Try again/);
  const throttled = await failure(api.get("/api/usage"));
  assert.equal(throttled.retryAfter, 30);
  assert.match(throttled.message, /30 s/);
  const offline = await failure(api.get("/api/usage"));
  assert.equal(offline.status, 0);
  assert.match(offline.message, /Cannot reach the portal \(Failed to fetch\)/);
});

test("a throttled login keeps the server's message and exposes Retry-After", async () => {
  const { fetcher } = fakeFetch(
    json(
      429,
      { error: { message: "Too many attempts. Try again in 60 seconds.", code: "throttled" } },
      { "retry-after": "60" },
    ),
  );
  const error = await failure(new PortalApi(fetcher).post("/api/login", {}));
  assert.equal(error.message, "Too many attempts. Try again in 60 seconds.");
  assert.equal(error.code, "throttled");
  assert.equal(error.retryAfter, 60);
});

test("401 not_authenticated tells the app (to go to login); other 401s do not", async () => {
  const { fetcher } = fakeFetch(
    json(401, { error: { message: "Log in to continue.", code: "not_authenticated" } }),
    json(401, { error: { message: "Wrong email or password.", code: "invalid_credentials" } }),
  );
  const api = new PortalApi(fetcher);
  let told = 0;
  api.onUnauthenticated = () => told++;
  await assert.rejects(api.get("/api/keys"), { code: "not_authenticated" });
  await assert.rejects(api.post("/api/login", {}), { code: "invalid_credentials" });
  assert.equal(told, 1);
});

test("csrf_failed fetches a fresh token and retries once, then gives up with the message", async () => {
  const refused = () =>
    json(403, { error: { message: "Reload the page and try again.", code: "csrf_failed" } });
  const { calls, fetcher } = fakeFetch(
    refused(),
    json(200, { ...SESSION, csrfToken: "fresh" }),
    new Response(null, { status: 204 }),
    refused(),
    json(200, { ...SESSION, csrfToken: "fresher" }),
    refused(),
  );
  const api = new PortalApi(fetcher);
  assert.equal(await api.delete("/api/keys/k1"), undefined);
  assert.equal(header(calls[2], "x-csrf-token"), "fresh");
  await assert.rejects(api.delete("/api/keys/k2"), { message: "Reload the page and try again." });
  assert.equal(calls.length, 6, "one retry, not a loop");
});

test("query strings leave out missing values", () => {
  assert.equal(withQuery("/api/usage", { month: undefined }), "/api/usage");
  assert.equal(withQuery("/api/usage.csv", { month: "2026-11" }), "/api/usage.csv?month=2026-11");
});
