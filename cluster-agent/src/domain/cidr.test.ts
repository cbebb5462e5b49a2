import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CidrError,
  cidrContains,
  formatCidr,
  formatIp,
  ipKey,
  isSingleAddress,
  parseCidr,
  parseIp,
} from "./cidr.js";

const contains = (cidr: string, ip: string) => cidrContains(parseCidr(cidr), parseIp(ip)!);

describe("CIDR parsing and matching", () => {
  it("reads bare addresses as single-address networks", () => {
    assert.equal(formatCidr(parseCidr("203.0.113.7")), "203.0.113.7/32");
    assert.equal(formatCidr(parseCidr("2001:DB8::1")), "2001:db8::1/128");
    assert.ok(isSingleAddress(parseCidr("127.0.0.1")));
    assert.ok(!isSingleAddress(parseCidr("10.0.0.0/8")));
  });

  it("matches IPv4 and IPv6 ranges, and only their own family", () => {
    assert.ok(contains("10.0.0.0/8", "10.255.3.4"));
    assert.ok(!contains("10.0.0.0/8", "11.0.0.1"));
    assert.ok(contains("0.0.0.0/0", "198.51.100.1"));
    assert.ok(contains("192.168.1.128/25", "192.168.1.200"));
    assert.ok(!contains("192.168.1.128/25", "192.168.1.127"));
    assert.ok(contains("2001:db8::/32", "2001:db8:ffff::1"));
    assert.ok(!contains("2001:db8::/32", "2001:db9::1"));
    assert.ok(!contains("0.0.0.0/0", "::1"));
    assert.ok(contains("127.0.0.1", "127.0.0.1"));
    assert.ok(!contains("127.0.0.1", "127.0.0.2"));
  });

  it("treats an IPv4-mapped client address as the IPv4 address", () => {
    assert.ok(contains("127.0.0.0/8", "::ffff:127.0.0.1"));
    assert.equal(ipKey(parseIp("::ffff:10.1.2.3")!), ipKey(parseIp("10.1.2.3")!));
    assert.equal(ipKey(parseIp("fe80::1%eth0")!), ipKey(parseIp("fe80::1")!));
  });

  it("writes IPv6 the RFC 5952 way", () => {
    assert.equal(formatIp(6, parseIp("2001:0db8:0000:0000:0001:0000:0000:0001")!.value), "2001:db8::1:0:0:1");
    assert.equal(formatIp(6, parseIp("::")!.value), "::");
    assert.equal(formatIp(6, parseIp("1:0:2:3:4:5:6:7")!.value), "1:0:2:3:4:5:6:7");
    assert.equal(formatIp(6, parseIp("::1.2.3.4")!.value), "::102:304");
  });

  it("refuses what is not a network and says what to write", () => {
    assert.throws(
      () => parseCidr("10.0.0.1/8"),
      (e: Error) => e instanceof CidrError && /10\.0\.0\.0\/8/.test(e.message),
    );
    assert.throws(() => parseCidr("10.0.0.0/33"), /IPv4 allows \/0 to \/32/);
    assert.throws(() => parseCidr("2001:db8::/129"), /IPv6 allows \/0 to \/128/);
    assert.throws(() => parseCidr("example.com"), /not an IP address or network/);
    assert.throws(() => parseCidr("10.0.0.0/"), /invalid prefix/);
    assert.throws(() => parseCidr("1.2.3.4/-1"), /invalid prefix/);
    assert.equal(parseIp("300.1.1.1"), undefined);
  });
});
