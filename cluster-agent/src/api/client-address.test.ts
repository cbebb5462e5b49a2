import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientNetwork, formatCidr, parseIp } from "../domain/cidr.js";
import {
  forwardedChain,
  parseTrustedProxies,
  resolveClientAddress,
  xForwardedForChain,
} from "./client-address.js";

const balancers = parseTrustedProxies(["10.0.0.0/8", "2001:db8:ffff::/48"]);
const xff = (peer: string, header: string | undefined) =>
  resolveClientAddress(
    peer,
    header === undefined ? {} : { "x-forwarded-for": header },
    balancers,
    "x-forwarded-for",
  );
const fwd = (peer: string, header: string) =>
  resolveClientAddress(peer, { forwarded: header }, balancers, "forwarded");

describe("client address behind trusted balancers", () => {
  it("believes X-Forwarded-For only from a trusted peer", () => {
    assert.equal(xff("10.0.0.5", "203.0.113.7"), "203.0.113.7");
    // A client talking to the agent directly cannot pick its address.
    assert.equal(xff("198.51.100.9", "203.0.113.7"), "198.51.100.9");
    // No header from the balancer (its own health checks): the balancer it is.
    assert.equal(xff("10.0.0.5", undefined), "10.0.0.5");
    // Nothing is trusted without configuration.
    assert.equal(
      resolveClientAddress("10.0.0.5", { "x-forwarded-for": "1.2.3.4" }, [], "x-forwarded-for"),
      "10.0.0.5",
    );
  });

  it("walks the chain right to left, skipping trusted hops: what the client wrote on the left is ignored", () => {
    // The client forged "1.1.1.1"; the balancer appended the address it saw.
    assert.equal(xff("10.0.0.5", "1.1.1.1, 203.0.113.7"), "203.0.113.7");
    // Two balancer tiers: both are skipped.
    assert.equal(xff("10.0.0.5", "1.1.1.1, 203.0.113.7, 10.9.9.9"), "203.0.113.7");
    // Repeated headers arrive as an array.
    assert.equal(
      resolveClientAddress(
        "10.0.0.5",
        { "x-forwarded-for": ["1.1.1.1", "203.0.113.7"] } as never,
        balancers,
        "x-forwarded-for",
      ),
      "203.0.113.7",
    );
    // Only trusted hops: the furthest one is the client.
    assert.equal(xff("10.0.0.5", "10.1.1.1, 10.2.2.2"), "10.1.1.1");
    // Garbage where the client should be: the balancer that wrote it, never a spoofable value.
    assert.equal(xff("10.0.0.5", "1.1.1.1, not-an-ip"), "10.0.0.5");
  });

  it("reads ports, brackets, IPv6 and IPv4-mapped peers", () => {
    assert.equal(xff("10.0.0.5", "203.0.113.7:51234"), "203.0.113.7");
    assert.equal(xff("10.0.0.5", "[2001:db8::7]:443"), "2001:db8::7");
    assert.equal(xff("10.0.0.5", "2001:db8::7"), "2001:db8::7");
    // A dual-stack socket reports IPv4 balancers as ::ffff:a.b.c.d.
    assert.equal(xff("::ffff:10.0.0.5", "203.0.113.7"), "203.0.113.7");
    assert.equal(xff("::ffff:198.51.100.9", "203.0.113.7"), "198.51.100.9");
    // However the mapped address is written, the client is the IPv4 address.
    assert.equal(xff("::FFFF:198.51.100.9", "203.0.113.7"), "198.51.100.9");
    assert.equal(xff("::ffff:c633:6409", "203.0.113.7"), "198.51.100.9");
    assert.equal(xff("0:0:0:0:0:ffff:198.51.100.9", "203.0.113.7"), "198.51.100.9");
    assert.equal(xff("2001:db8:ffff:1::2", "2001:db8:1::9"), "2001:db8:1::9");
  });

  it("reads RFC 7239 Forwarded, quoted IPv6 and ports included, when configured for it", () => {
    assert.deepEqual(
      forwardedChain('for=192.0.2.43, for="[2001:db8:cafe::17]:4711";proto=https, for=unknown'),
      ["192.0.2.43", "2001:db8:cafe::17", "unknown"],
    );
    assert.deepEqual(forwardedChain('by=10.0.0.1;for="1.2.3.4, 5.6.7.8";host=x'), ["1.2.3.4, 5.6.7.8"]);
    assert.equal(fwd("10.0.0.5", 'for=1.1.1.1, for="203.0.113.7:1234";proto=https'), "203.0.113.7");
    assert.equal(fwd("10.0.0.5", 'for="[2001:db8:cafe::17]"'), "2001:db8:cafe::17");
    assert.equal(fwd("10.0.0.5", "for=_hidden"), "10.0.0.5");
    assert.equal(fwd("198.51.100.9", "for=203.0.113.7"), "198.51.100.9");
    // The header the balancer does not write is the client's to forge: ignored.
    assert.equal(
      resolveClientAddress(
        "10.0.0.5",
        { forwarded: "for=1.1.1.1", "x-forwarded-for": "203.0.113.7" },
        balancers,
        "x-forwarded-for",
      ),
      "203.0.113.7",
    );
    assert.equal(
      resolveClientAddress(
        "10.0.0.5",
        { forwarded: "for=203.0.113.7", "x-forwarded-for": "1.1.1.1" },
        balancers,
        "forwarded",
      ),
      "203.0.113.7",
    );
    assert.deepEqual(xForwardedForChain(" 1.2.3.4 ,, 5.6.7.8 "), ["1.2.3.4", "5.6.7.8"]);
  });

  it("groups IPv6 clients by /64 and IPv4 by address", () => {
    assert.equal(formatCidr(clientNetwork(parseIp("2001:db8:1:2:3:4:5:6")!)), "2001:db8:1:2::/64");
    assert.equal(formatCidr(clientNetwork(parseIp("203.0.113.7")!)), "203.0.113.7/32");
    assert.equal(formatCidr(clientNetwork(parseIp("::ffff:203.0.113.7")!)), "203.0.113.7/32");
  });
});

describe("every use of the client address goes through resolveClientAddress", () => {
  it("no file of the public API reads Fastify's request.ip (the balancer's address behind one)", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    // Compiled tests run from dist/api; the sources they came from sit in src/api.
    const src = new URL("../../src/api/", import.meta.url);
    const offenders: string[] = [];
    for (const entry of readdirSync(src) as string[]) {
      if (!entry.endsWith(".ts") || entry.endsWith(".test.ts") || entry === "client-address.ts") continue;
      const text = readFileSync(new URL(entry, src), "utf8");
      if (/\brequest\.ip\b|\.raw\.socket\.remoteAddress/.test(text)) offenders.push(entry);
    }
    assert.deepEqual(offenders, [], "use request.clientIp");
  });
});
