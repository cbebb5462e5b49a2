// A reference for the capacity target, not a product: the least work a gateway must do per request to
// offer the agent's features, written by hand on node:http with nothing general in the way, so that
// its CPU per request is about the least an implementation of those features spends on Node.js here.
// Where even this floor costs more than 1/0.7 of the bare proxy's CPU per request, the 0.7 target is
// out of reach with every feature on; where it costs less, the difference between it and the agent
// is about what a leaner agent could win.
//
// Per request, each feature's essential work, as the agent's production settings do it:
// - the body read and parsed as JSON, checked by hand (model, messages, max_tokens, stream);
// - the API key: the bearer's id looked up in memory, the secret's SHA-256 compared with the one last
//   verified (the agent's key memo), the account's state and IP and account suspensions checked;
// - rate limits: requests and tokens per minute reserved on an estimate of the prompt, a concurrency
//   place taken, all settled with the real usage; their six response headers;
// - a scheduler slot taken and given back, the request registered as in flight;
// - the upstream call (undici, JSON body made from the checked fields), its answer parsed, its usage
//   read, and the client's answer rendered with the gateway's own id and model;
// - metering: the usage event encoded as the agent's spool record (its own codec), the
//   records of one tick written with one synchronous write before their answers leave, a group
//   fdatasync every 20 ms, and every 250 ms the new records decoded again (checksum and JSON) as a
//   shipper must before it inserts them;
// - the security events' per-account request count, and the traffic telemetry's counters and
//   latency histogram (the agent writes a log line for refusals only, none for an answered request).
// Not done here, so the floor is if anything too low: the shipper's PostgreSQL insert (about 2 µs of
// client CPU per event in the agent's profile) and the store's notifications.
//
//   node bench/feature-floor.mjs <upstream origin> [port]   prints "listening <url>" and a bearer token
import { hash, randomBytes } from "node:crypto";
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { decodeRecords, encodeRecord } from "../cluster-agent/dist/metering/record.js";

const [upstreamOrigin, portArg] = process.argv.slice(2);
const pool = new Pool(upstreamOrigin, { connections: 256, keepAliveTimeout: 60_000 });

// One account and key, as the benchmark's agent has; limits far above the load.
const KEY_ID = "k0000001";
const SECRET = "s3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3";
const TOKEN = `sk-floor-${KEY_ID}_${SECRET}`;
const keys = new Map([[KEY_ID, { keyId: KEY_ID, accountId: "acct_0001", verified: "", revoked: false }]]);
const accounts = new Map([["acct_0001", { active: true }]]);
const suspendedIps = new Set();
const suspendedAccounts = new Set();
const LIMITS = { rpm: 100_000_000, tpm: 100_000_000_000, concurrency: 100_000 };
const usageWindows = new Map();
const securityCounts = new Map();
/** Scheduler slots free: taken and given back per request, never the limit at this load. */
let slotsFree = 1_000_000;
const inFlight = new Set();
let requestCounter = 0;
const ID_PREFIX = randomBytes(8).toString("hex");

const spoolDir = mkdtempSync(join(tmpdir(), "entrim-floor-"));
const spoolFd = openSync(join(spoolDir, "spool"), "a");
let pendingRecords = [];
let pendingWaiters = [];
/** Traffic telemetry: counters and a latency histogram of 16 buckets per doubling from 0.1 ms. */
const traffic = { requests: 0, serverErrors: 0, promptTokens: 0, completionTokens: 0 };
const latencyBuckets = new Float64Array(384);
let tickScheduled = false;
let shipQueue = [];
let unsynced = false;

function fail(res, status, type, message) {
  const body = JSON.stringify({ error: { message, type, param: null, code: null } });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function authenticate(header) {
  if (typeof header !== "string" || !header.startsWith("Bearer sk-floor-")) return null;
  const token = header.slice(16);
  const cut = token.indexOf("_");
  if (cut <= 0) return null;
  const entry = keys.get(token.slice(0, cut));
  if (!entry || entry.revoked || !accounts.get(entry.accountId)?.active) return null;
  const digest = hash("sha256", token.slice(cut + 1));
  if (entry.verified !== digest) {
    if (token.slice(cut + 1) !== SECRET) return null; // the agent's HMAC check on a first sight
    entry.verified = digest;
  }
  return entry;
}

function valid(body) {
  if (body === null || typeof body !== "object" || typeof body.model !== "string") return false;
  const { messages, max_tokens: maxTokens } = body;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const m of messages) {
    if (m === null || typeof m !== "object" || typeof m.role !== "string" || typeof m.content !== "string")
      return false;
  }
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1)) return false;
  return body.stream === undefined || typeof body.stream === "boolean";
}

/** Reserves a request, an estimate of its tokens and a concurrency place; null when over a limit. */
function reserve(accountId, tokens, now) {
  const minute = Math.floor(now / 60_000);
  let w = usageWindows.get(accountId);
  if (w === undefined) {
    w = { minute, requests: 0, tokens: 0, concurrent: 0 };
    usageWindows.set(accountId, w);
  } else if (w.minute !== minute) {
    w.minute = minute;
    w.requests = 0;
    w.tokens = 0;
  }
  if (w.requests + 1 > LIMITS.rpm || w.tokens + tokens > LIMITS.tpm || w.concurrent + 1 > LIMITS.concurrency)
    return null;
  w.requests++;
  w.tokens += tokens;
  w.concurrent++;
  return w;
}

function rateHeaders(w, now) {
  const reset = `${Math.ceil((60_000 - (now % 60_000)) / 1000)}s`;
  return {
    "x-ratelimit-limit-requests": String(LIMITS.rpm),
    "x-ratelimit-remaining-requests": String(LIMITS.rpm - w.requests),
    "x-ratelimit-reset-requests": reset,
    "x-ratelimit-limit-tokens": String(LIMITS.tpm),
    "x-ratelimit-remaining-tokens": String(LIMITS.tpm - w.tokens),
    "x-ratelimit-reset-tokens": reset,
  };
}

/** The usage records of one tick: one write, then their answers may leave. */
function writeTick() {
  tickScheduled = false;
  const records = pendingRecords;
  const waiters = pendingWaiters;
  pendingRecords = [];
  pendingWaiters = [];
  if (records.length > 0) {
    const buf = records.length === 1 ? records[0] : Buffer.concat(records);
    writeSync(spoolFd, buf);
    unsynced = true;
    shipQueue.push(buf);
  }
  for (const resolve of waiters) resolve();
}

function schedule() {
  if (!tickScheduled) {
    tickScheduled = true;
    setImmediate(writeTick);
  }
}

setInterval(() => {
  if (unsynced) {
    unsynced = false;
    fdatasyncSync(spoolFd);
  }
}, 20).unref();

/** What a shipper must do before its insert: read each record back, check it, decode it. */
setInterval(() => {
  const bufs = shipQueue;
  shipQueue = [];
  let events = 0;
  for (const buf of bufs) {
    const { events: decoded, skipped } = decodeRecords(buf, true);
    if (skipped > 0) throw new Error("damaged record");
    events += decoded.length;
  }
  return events;
}, 250).unref();

async function handle(req, res, raw) {
  const receivedAt = Date.now();
  const started = performance.now();
  // The agent's ids: a per-process random prefix and a counter.
  const requestId = `${ID_PREFIX}${(++requestCounter).toString(36).padStart(8, "0")}`;
  const ip = req.socket.remoteAddress ?? "";
  if (suspendedIps.has(ip)) return fail(res, 403, "permission_error", "suspended");
  const principal = authenticate(req.headers.authorization);
  if (principal === null) return fail(res, 401, "invalid_request_error", "Incorrect API key provided.");
  if (suspendedAccounts.has(principal.accountId)) return fail(res, 403, "permission_error", "suspended");
  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    return fail(res, 400, "invalid_request_error", "invalid JSON");
  }
  if (!valid(body)) return fail(res, 400, "invalid_request_error", "invalid request");
  const maxTokens = body.max_tokens ?? 256;
  let promptChars = 0;
  for (const m of body.messages) promptChars += m.content.length;
  const estimate = Math.ceil(promptChars / 4) + maxTokens;
  if (slotsFree <= 0) return fail(res, 429, "rate_limit_error", "No slot free.");
  const window = reserve(principal.accountId, estimate, receivedAt);
  if (window === null) return fail(res, 429, "rate_limit_error", "Rate limit reached.");
  securityCounts.set(principal.accountId, (securityCounts.get(principal.accountId) ?? 0) + 1);
  slotsFree--;
  const flight = { principal, ip, model: body.model };
  inFlight.add(flight);
  let usage = null;
  let status = 200;
  res.once("finish", () => {
    const ms = performance.now() - started;
    traffic.requests++;
    if (status >= 500) traffic.serverErrors++;
    traffic.promptTokens += usage?.prompt ?? 0;
    traffic.completionTokens += usage?.completion ?? 0;
    latencyBuckets[Math.min(383, Math.max(0, Math.floor(16 * Math.log2(ms / 0.1))))]++;
  });
  try {
    const upstream = await pool.request({
      path: "/v1/chat/completions",
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "bench", messages: body.messages, max_tokens: maxTokens }),
    });
    const answer = JSON.parse(await upstream.body.text());
    if (upstream.statusCode !== 200) throw new Error(`upstream ${upstream.statusCode}`);
    const choice = answer.choices?.[0];
    const u = answer.usage;
    if (typeof choice?.message?.content !== "string" || typeof u?.completion_tokens !== "number")
      throw new Error("upstream answer without text or usage");
    usage = { prompt: u.prompt_tokens, completion: u.completion_tokens };
    const finishedAt = Date.now();
    pendingRecords.push(
      encodeRecord({
        requestId: `req_${requestId}`,
        receivedAt,
        firstTokenAt: finishedAt,
        finishedAt,
        accountId: principal.accountId,
        keyId: principal.keyId,
        model: body.model,
        modelVersion: "",
        node: "node-a",
        status: "completed",
        httpStatus: 200,
        promptTokens: usage.prompt,
        cachedTokens: 0,
        completionTokens: usage.completion,
        costPicoEur: BigInt(usage.prompt) * 150n + BigInt(usage.completion) * 600n,
        priceVersion: 1,
        userAgent: req.headers["user-agent"],
        clientIp: ip,
        endpoint: "chat.completions",
      }),
    );
    const written = new Promise((resolve) => pendingWaiters.push(resolve));
    schedule();
    await written;
    const out = JSON.stringify({
      id: `chatcmpl-${requestId}`,
      object: "chat.completion",
      created: Math.floor(receivedAt / 1000),
      model: body.model,
      system_fingerprint: "fp_floor",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: choice.message.content, refusal: null },
          logprobs: null,
          finish_reason: choice.finish_reason === "length" ? "length" : "stop",
        },
      ],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(out),
      "x-request-id": `req_${requestId}`,
      ...rateHeaders(window, receivedAt),
    });
    res.end(out);
  } catch {
    status = 502;
    fail(res, 502, "server_error", "upstream failed");
  } finally {
    inFlight.delete(flight);
    slotsFree++;
    window.concurrent--;
    window.tokens -= estimate - (usage === null ? 0 : usage.prompt + usage.completion);
  }
}

const server = http.createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/v1/chat/completions")
    return fail(res, 404, "invalid_request_error", "not found");
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const raw = chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString();
    handle(req, res, raw).catch(() => {
      if (!res.headersSent) fail(res, 500, "server_error", "internal error");
    });
  });
});
server.keepAliveTimeout = 60_000;

process.on("SIGTERM", () => {
  closeSync(spoolFd);
  rmSync(spoolDir, { recursive: true, force: true });
  process.exit(0);
});
server.listen(Number(portArg ?? 0), "127.0.0.1", () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port} ${TOKEN}\n`);
});
