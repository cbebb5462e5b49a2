import { isIPv4, isIPv6 } from "node:net";

/** An address or a network, as numbers: IPv4 in 32 bits, IPv6 in 128, both as bigint. */
export interface Cidr {
  readonly version: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;
const MAPPED_V4 = 0xffffn << 32n;

function parseV4(text: string): bigint {
  let value = 0n;
  for (const part of text.split(".")) value = (value << 8n) | BigInt(Number(part));
  return value;
}

function parseV6(text: string): bigint {
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two hex groups written differently.
  const lastColon = text.lastIndexOf(":");
  let hex = text;
  if (text.includes(".", lastColon)) {
    const v4 = parseV4(text.slice(lastColon + 1));
    hex = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [left = "", right] = hex.split("::");
  const leftGroups = left ? left.split(":") : [];
  const rightGroups = right ? right.split(":") : [];
  const zeros: string[] = Array(8 - leftGroups.length - rightGroups.length).fill("0");
  let value = 0n;
  for (const group of [...leftGroups, ...zeros, ...rightGroups]) {
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

/**
 * Parses an address as a client presents it (Node's `request.ip`). IPv4-mapped IPv6 addresses
 * (::ffff:a.b.c.d, what a dual-stack socket reports for IPv4 clients) become the IPv4 address, so a
 * rule for 1.2.3.4 matches however the client reached us. Undefined when it is not an address.
 */
export function parseIp(text: string): { version: 4 | 6; value: bigint } | undefined {
  const address = text.includes("%") ? text.slice(0, text.indexOf("%")) : text;
  if (isIPv4(address)) return { version: 4, value: parseV4(address) };
  if (!isIPv6(address)) return undefined;
  const value = parseV6(address.toLowerCase());
  if (value >> 32n === 0xffffn) return { version: 4, value: value & 0xffffffffn };
  return { version: 6, value };
}

/** Thrown for operator input that is not a network; the message says how to write one. */
export class CidrError extends Error {
  override name = "CidrError";
}

/**
 * Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128). Host bits right of the
 * mask are refused, as PostgreSQL's cidr type does, with the network the operator probably meant.
 */
export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  const addressText = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const address = parseIp(addressText);
  if (!address || addressText.includes("%")) {
    throw new CidrError(
      `"${text}" is not an IP address or network; write e.g. 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32.`,
    );
  }
  // A mapped address written as such stays IPv6 for its prefix length to make sense.
  const version = slash >= 0 && isIPv6(addressText) ? 6 : address.version;
  const value = version === 6 && address.version === 4 ? address.value | MAPPED_V4 : address.value;
  const bits = BITS[version];
  const prefixText = slash < 0 ? String(bits) : trimmed.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > bits) {
    throw new CidrError(`"${text}" has an invalid prefix length; IPv${version} allows /0 to /${bits}.`);
  }
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const network = value & ~hostMask;
  if (network !== value) {
    const meant = formatCidr({ version, network, prefix });
    throw new CidrError(`"${text}" has bits set right of its /${prefix} mask; did you mean ${meant}?`);
  }
  return { version, network, prefix };
}

export function isSingleAddress(cidr: Cidr): boolean {
  return cidr.prefix === BITS[cidr.version];
}

/** Whether an address parsed with parseIp lies in the network. */
export function cidrContains(cidr: Cidr, ip: { version: 4 | 6; value: bigint }): boolean {
  if (cidr.version !== ip.version) return false;
  return (
    ip.value >> BigInt(BITS[cidr.version] - cidr.prefix) ===
    cidr.network >> BigInt(BITS[cidr.version] - cidr.prefix)
  );
}

/** The canonical key of an address (version and value), for exact lookups in a Map. */
export function ipKey(ip: { version: 4 | 6; value: bigint }): string {
  return `${ip.version}:${ip.value.toString(16)}`;
}

export function formatIp(version: 4 | 6, value: bigint): string {
  if (version === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
  }
  const groups = Array.from({ length: 8 }, (_, i) => (value >> BigInt(112 - 16 * i)) & 0xffffn);
  // RFC 5952: the longest run (of two or more) of zero groups becomes "::".
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0n) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

/** Always with its prefix length, as PostgreSQL prints a cidr. */
export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.version, cidr.network)}/${cidr.prefix}`;
}

/** The prefix one client is held to: an IPv6 end site gets a whole /64 (RFC 6177), IPv4 one address. */
const CLIENT_PREFIX = { 4: 32, 6: 64 } as const;

/**
 * The network that stands for one client when counting and blocking: the address itself for IPv4,
 * its /64 for IPv6, since one IPv6 customer picks freely among 2^64 addresses of their /64 and would
 * otherwise dodge any per-address count.
 */
export function clientNetwork(ip: { version: 4 | 6; value: bigint }): Cidr {
  const prefix = CLIENT_PREFIX[ip.version];
  const hostBits = BigInt(BITS[ip.version] - prefix);
  return { version: ip.version, network: (ip.value >> hostBits) << hostBits, prefix };
}
