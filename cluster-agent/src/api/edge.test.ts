import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { initCa, issueNodeCertificate } from "../control/certs.js";
import { dial, dialTls, edgeServer, GOOD_KEY, readResponse, untilClosed } from "../test-support/edge.js";
import { encodeProxyV2, PROXY_V2_SIGNATURE, parseProxyV2 } from "./proxy-protocol.js";
import { TlsFilesError } from "./tls.js";

const get = (target: string, headers: Record<string, string> = {}, connection = "close") =>
  [
    `GET ${target} HTTP/1.1`,
    "Host: agent",
    `Connection: ${connection}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    "",
    "",
  ].join("\r\n");

const status = (raw: string) => Number(raw.split(" ")[1]);

describe("request targets: authentication follows the matched route", () => {
  it("refuses absolute-form and * targets with a 400 instead of serving them unauthenticated", async () => {
    const server = await edgeServer();
    try {
      for (const request of [
        get("http://x/v1/models"),
        get("http://x/v1/models", { authorization: GOOD_KEY }),
        "POST http://x/v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
        "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      ]) {
        const socket = await dial(server.port);
        const answer = untilClosed(socket);
        socket.write(request);
        const raw = await answer;
        assert.equal(status(raw), 400, `${request.split("\r\n")[0]} → ${raw.split("\r\n")[0]}`);
        const body = JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)) as {
          error: { code: string; type: string };
        };
        assert.equal(body.error.code, "invalid_request_target");
        assert.equal(body.error.type, "invalid_request_error");
      }
      // The origin form is served as before, and still needs a key.
      const anonymous = await dial(server.port);
      const refused = untilClosed(anonymous);
      anonymous.write(get("/v1/models"));
      assert.equal(status(await refused), 401);
      const keyed = await dial(server.port);
      const served = untilClosed(keyed);
      keyed.write(get("/v1/models", { authorization: GOOD_KEY }));
      assert.equal(status(await served), 200);
    } finally {
      await server.close();
    }
  });

  it("asks for a key before saying whether a /v1 path exists, and echoes no query", async () => {
    const server = await edgeServer();
    try {
      const anonymous = await server.app.inject({ method: "GET", url: "/v1/nope?secret=1" });
      assert.equal(anonymous.statusCode, 401);
      const keyed = await server.app.inject({
        method: "GET",
        url: "/v1/nope?secret=1",
        headers: { authorization: GOOD_KEY },
      });
      assert.equal(keyed.statusCode, 404);
      assert.doesNotMatch(keyed.body, /secret/);
      // The router decodes "%76" to "v": the gate must see the route it matched, not the raw text.
      assert.equal((await server.app.inject({ method: "GET", url: "/%761/models" })).statusCode, 401);
      assert.equal((await server.app.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
    } finally {
      await server.close();
    }
  });
});

describe("client address from trusted balancers", () => {
  it("takes X-Forwarded-For from a trusted peer only", async () => {
    const server = await edgeServer({ trustedProxies: ["127.0.0.2"] });
    try {
      for (const from of ["127.0.0.2", "127.0.0.3"]) {
        const socket = await dial(server.port, from);
        const answer = untilClosed(socket);
        socket.write(
          get("/v1/models", { authorization: "Bearer wrong", "x-forwarded-for": "1.1.1.1, 203.0.113.9" }),
        );
        assert.equal(status(await answer), 401);
      }
      assert.deepEqual(server.seen, ["203.0.113.9", "127.0.0.3"]);
      assert.deepEqual(server.failures, ["203.0.113.9", "127.0.0.3"]);
    } finally {
      await server.close();
    }
  });

  it("reads a PROXY v2 header (IPv4, IPv6, LOCAL) before HTTP, from trusted peers only", async () => {
    const server = await edgeServer({ trustedProxies: ["127.0.0.2"], proxyProtocol: true });
    try {
      const send = async (
        from: string,
        header: Buffer,
        request = get("/v1/models", { authorization: GOOD_KEY }),
      ) => {
        const socket = await dial(server.port, from);
        const answer = untilClosed(socket);
        socket.write(Buffer.concat([header, Buffer.from(request)]));
        return answer;
      };
      const v4 = encodeProxyV2({
        command: "proxy",
        source: "203.0.113.20",
        sourcePort: 40000,
        destination: "10.0.0.1",
        destinationPort: 8080,
      });
      const v6 = encodeProxyV2({
        command: "proxy",
        source: "2001:db8:1:2::99",
        sourcePort: 40000,
        destination: "2001:db8::1",
        destinationPort: 8080,
      });
      assert.equal(status(await send("127.0.0.2", v4)), 200);
      assert.equal(status(await send("127.0.0.2", v6)), 200);
      // LOCAL: the balancer's own health check, answered as from the balancer.
      assert.equal(status(await send("127.0.0.2", encodeProxyV2({ command: "local" }))), 200);
      // The header and the request may arrive in pieces.
      const socket = await dial(server.port, "127.0.0.2");
      const answer = untilClosed(socket);
      const whole = Buffer.concat([v4, Buffer.from(get("/v1/models", { authorization: GOOD_KEY }))]);
      let sent = 0;
      for (const cut of [5, 14, 20, whole.length]) {
        socket.write(whole.subarray(sent, cut));
        sent = cut;
        // Separate writes, so the reader sees the header in pieces (not a wait for anything).
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(status(await answer), 200);
      assert.deepEqual(server.seen, ["203.0.113.20", "2001:db8:1:2::99", "127.0.0.2", "203.0.113.20"]);

      // An untrusted peer is closed unread, header or not; so is a trusted one without a header.
      assert.equal(await send("127.0.0.3", v4), "");
      assert.equal(await send("127.0.0.3", Buffer.alloc(0)), "");
      assert.equal(await send("127.0.0.2", Buffer.alloc(0)), "");
      assert.equal(await send("127.0.0.2", Buffer.from("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n")), "");
      assert.equal(server.seen.length, 4, "no refused connection reached HTTP");
    } finally {
      await server.close();
    }
  });
});

describe("PROXY protocol v2 parsing", () => {
  const v4 = encodeProxyV2({
    command: "proxy",
    source: "192.0.2.1",
    sourcePort: 1234,
    destination: "192.0.2.2",
    destinationPort: 443,
  });

  it("reads IPv4, IPv6 and LOCAL headers and their length", () => {
    assert.deepEqual(parseProxyV2(v4), {
      kind: "proxy",
      length: 28,
      family: 4,
      source: "192.0.2.1",
      sourcePort: 1234,
      destination: "192.0.2.2",
      destinationPort: 443,
    });
    const v6 = parseProxyV2(
      encodeProxyV2({
        command: "proxy",
        source: "2001:db8::1",
        sourcePort: 1,
        destination: "2001:db8::2",
        destinationPort: 2,
      }),
    );
    assert.equal(v6.kind === "proxy" && `${v6.source} ${v6.length}`, "2001:db8::1 52");
    assert.deepEqual(parseProxyV2(encodeProxyV2({ command: "local" })), { kind: "local", length: 16 });
  });

  it("waits for truncated headers and skips TLVs", () => {
    for (let cut = 0; cut < v4.length; cut++) {
      assert.deepEqual(parseProxyV2(v4.subarray(0, cut)), { kind: "incomplete" }, `cut at ${cut}`);
    }
    // Same header with a 5-byte TLV after the addresses: its length covers it.
    const withTlv = Buffer.concat([v4, Buffer.from([0x04, 0x00, 0x02, 0x61, 0x62])]);
    withTlv.writeUInt16BE(12 + 5, 14);
    const parsed = parseProxyV2(withTlv);
    assert.equal(parsed.kind === "proxy" && parsed.length, 33);
    assert.deepEqual(parseProxyV2(withTlv.subarray(0, 30)), { kind: "incomplete" });
  });

  it("refuses wrong signatures, versions, commands and short address blocks", () => {
    assert.equal(parseProxyV2(Buffer.from("GET / HTTP/1.1\r\n")).kind, "invalid");
    assert.match(
      (parseProxyV2(Buffer.from("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n")) as { reason: string }).reason,
      /v1.*send-proxy-v2/,
    );
    const wrong = Buffer.from(v4);
    wrong[12] = 0x11; // version 1 in the binary form
    assert.equal(parseProxyV2(wrong).kind, "invalid");
    wrong[12] = 0x22; // command 2
    assert.equal(parseProxyV2(wrong).kind, "invalid");
    const short = Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x21, 0x11, 0x00, 0x04, 1, 2, 3, 4])]);
    assert.equal(parseProxyV2(short).kind, "invalid");
    // UNSPEC family with PROXY: addresses unknown, the peer stands.
    const unspec = Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x21, 0x00, 0x00, 0x00])]);
    assert.deepEqual(parseProxyV2(unspec), { kind: "unknown", length: 16 });
  });
});

describe("HTTPS in the agent", () => {
  let dir: string;
  let ca: Buffer;
  const files = () => ({ certFile: join(dir, "api.pem"), keyFile: join(dir, "api-key.pem") });
  const install = (name: "a" | "b") => {
    copyFileSync(join(dir, name, "node.pem"), files().certFile);
    copyFileSync(join(dir, name, "node-key.pem"), files().keyFile);
  };
  const cn = (socket: import("node:tls").TLSSocket) => socket.getPeerCertificate().subject.CN;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "entrim-api-tls-"));
    await initCa({ dir: join(dir, "ca") });
    await issueNodeCertificate({ caDir: join(dir, "ca"), name: "edge-a", outDir: join(dir, "a") });
    await issueNodeCertificate({ caDir: join(dir, "ca"), name: "edge-b", outDir: join(dir, "b") });
    ca = readFileSync(join(dir, "ca", "ca.pem"));
    install("a");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("serves HTTPS, swaps the certificate on reload without dropping an open connection, keeps the old one on bad files", async () => {
    install("a");
    const server = await edgeServer({ tls: files() });
    try {
      const first = await dialTls(server.port, { ca });
      assert.equal(cn(first), "edge-a");
      first.write(get("/v1/models", { authorization: GOOD_KEY }, "keep-alive"));
      assert.equal((await readResponse(first)).status, 200);

      install("b");
      const served = server.app.reloadTls();
      assert.match(served?.subject ?? "", /CN=edge-b/);
      assert.ok(served?.notAfter);

      // The connection opened before the reload goes on, with the certificate it negotiated.
      first.write(get("/v1/models", { authorization: GOOD_KEY }, "keep-alive"));
      assert.equal((await readResponse(first)).status, 200);
      assert.equal(cn(first), "edge-a");
      const second = await dialTls(server.port, { ca });
      assert.equal(cn(second), "edge-b");
      second.destroy();

      // A botched renewal: the error says which file, and the last good certificate is still served.
      writeFileSync(files().certFile, "not a certificate\n");
      assert.throws(
        () => server.app.reloadTls(),
        (e: Error) => e instanceof TlsFilesError && e.message.includes("api.pem"),
      );
      copyFileSync(join(dir, "a", "node.pem"), files().certFile); // a's certificate, b's key
      assert.throws(() => server.app.reloadTls(), /not the private key/);
      const third = await dialTls(server.port, { ca });
      assert.equal(cn(third), "edge-b");
      third.destroy();
      first.destroy();
    } finally {
      install("a");
      await server.close();
    }
  });

  it("refuses TLS 1.1 and offers TLS 1.3", async () => {
    install("a");
    const server = await edgeServer({ tls: files() });
    try {
      // The client is allowed 1.1 (security level 0), so only the server's floor can refuse it.
      await assert.rejects(
        dialTls(server.port, {
          ca,
          minVersion: "TLSv1",
          maxVersion: "TLSv1.1",
          ciphers: "DEFAULT:@SECLEVEL=0",
        }),
        (e: NodeJS.ErrnoException) => /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/.test(e.code ?? e.message),
      );
      const modern = await dialTls(server.port, { ca });
      assert.equal(modern.getProtocol(), "TLSv1.3");
      modern.destroy();
    } finally {
      await server.close();
    }
  });

  it("reads a PROXY v2 header before the TLS handshake", async () => {
    install("a");
    const server = await edgeServer({ tls: files(), trustedProxies: ["127.0.0.1"], proxyProtocol: true });
    try {
      const raw = await dial(server.port);
      raw.write(
        encodeProxyV2({
          command: "proxy",
          source: "198.51.100.77",
          sourcePort: 5000,
          destination: "127.0.0.1",
          destinationPort: server.port,
        }),
      );
      const secure = await dialTls(server.port, { ca, socket: raw });
      secure.write(get("/v1/models", { authorization: GOOD_KEY }, "keep-alive"));
      assert.equal((await readResponse(secure)).status, 200);
      assert.deepEqual(server.seen, ["198.51.100.77"]);
      secure.destroy();
    } finally {
      await server.close();
    }
  });
});
