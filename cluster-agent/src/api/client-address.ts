import type { IncomingHttpHeaders } from "node:http";
import { isIPv4, type Socket } from "node:net";
import { type Cidr, cidrContains, formatIp, parseCidr, parseIp } from "../domain/cidr.js";

/** Which header a trusted balancer writes the client chain into. */
export type ForwardedHeader = "x-forwarded-for" | "forwarded";

/**
 * The client a PROXY protocol header named, set on the accepted socket by the PROXY listener. A
 * symbol, so nothing a client sends can set it.
 */
export const PROXIED_CLIENT = Symbol("entrim.proxiedClient");

type ProxiedSocket = Socket & { [PROXIED_CLIENT]?: string; _parent?: ProxiedSocket };

/**
 * The address that sent the connection: the PROXY header's source when the balancer sent one, else
 * the socket's peer. An HTTPS request's socket is the TLS socket wrapped around the accepted one
 * (`_parent`), which is where the PROXY listener left the address.
 */
export function connectionPeer(socket: Socket): string {
  const s = socket as ProxiedSocket;
  return s[PROXIED_CLIENT] ?? s._parent?.[PROXIED_CLIENT] ?? socket.remoteAddress ?? "";
}

/** Strips a port and brackets: "1.2.3.4:80", "[2001:db8::1]:443", "\"[::1]\"" → the address. */
function addressOf(text: string): string {
  let value = text.trim();
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    return end < 0 ? "" : value.slice(1, end);
  }
  // One colon: IPv4 with a port. More than one: a bare IPv6 address, whose colons are its own.
  const colon = value.indexOf(":");
  return colon >= 0 && colon === value.lastIndexOf(":") ? value.slice(0, colon) : value;
}

/** X-Forwarded-For: addresses, nearest hop last; repeated headers arrive joined with ", " by Node. */
export function xForwardedForChain(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(",") : header;
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(addressOf);
}

/**
 * RFC 7239 Forwarded: the `for=` of each element, nearest hop last. Values are tokens or quoted
 * strings (quoted ones may hold commas and semicolons), so it is read character by character. An
 * element without `for=` or with an obfuscated/"unknown" node yields "" (not an address).
 */
export function forwardedChain(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(",") : header;
  const chain: string[] = [];
  let forValue: string | undefined;
  let sawElement = false;
  let i = 0;
  const endElement = () => {
    if (sawElement) chain.push(forValue === undefined ? "" : addressOf(forValue));
    forValue = undefined;
    sawElement = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === "," || c === ";" || c === " " || c === "\t") {
      if (c === ",") endElement();
      i++;
      continue;
    }
    const eq = text.indexOf("=", i);
    if (eq < 0) break;
    const name = text.slice(i, eq).trim().toLowerCase();
    let value = "";
    i = eq + 1;
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      i++; // closing quote
    } else {
      while (i < text.length && !",; \t".includes(text[i]!)) value += text[i++];
    }
    sawElement = true;
    if (name === "for") forValue = value;
  }
  endElement();
  return chain;
}

/** Trusted proxy networks, parsed once; a bad entry throws with the text the operator wrote. */
export function parseTrustedProxies(networks: readonly string[]): Cidr[] {
  return networks.map((network) => parseCidr(network));
}

export function isTrustedPeer(trusted: readonly Cidr[], address: string): boolean {
  if (trusted.length === 0) return false;
  const ip = parseIp(address);
  return ip !== undefined && trusted.some((cidr) => cidrContains(cidr, ip));
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d, what a dual-stack socket reports) as the IPv4 address. */
function canonical(address: string): string {
  // The common cases need no BigInt round trip: a dotted IPv4 address as Node's parser accepts it (no
  // leading zeros, no spaces) is already canonical, and so is the one a dual-stack socket maps.
  if (isIPv4(address)) return address;
  if (address.startsWith("::ffff:") && isIPv4(address.slice(7))) return address.slice(7);
  const ip = parseIp(address);
  return ip ? formatIp(ip.version, ip.value) : address;
}

/**
 * The real client of a request. Forwarded headers are believed only from a trusted peer (a
 * balancer), and only as far as trusted hops reach: the chain is walked right to left (nearest hop
 * first), skipping trusted proxies, and the first untrusted address is the client. Everything left of
 * it was written by the client itself and could say anything. A chain of trusted hops only ends at
 * its leftmost address; an unreadable entry where the client should be leaves the last trusted hop
 * as the answer, never a spoofable value.
 */
export function resolveClientAddress(
  peer: string,
  headers: IncomingHttpHeaders,
  trusted: readonly Cidr[],
  header: ForwardedHeader,
): string {
  let client = canonical(peer);
  if (!isTrustedPeer(trusted, client)) return client;
  const chain =
    header === "forwarded"
      ? forwardedChain(headers.forwarded)
      : xForwardedForChain(headers["x-forwarded-for"]);
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i]!;
    if (parseIp(hop) === undefined) return client;
    client = canonical(hop);
    if (!isTrustedPeer(trusted, client)) return client;
  }
  return client;
}
