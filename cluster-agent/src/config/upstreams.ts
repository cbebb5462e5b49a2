/**
 * Where an external model's requests may go. Prompts are sent to the upstream in clear: the privacy
 * policy promises that no third party receives them and that inference stays in the EU, so an
 * upstream must be this machine (loopback) or the provider's private network, unless the node's
 * configuration names it in engines.allowedUpstreams. Hostnames other than localhost are not resolved
 * (an answer can change after the check): they need an allowlist entry of their own.
 */
import { cidrContains, parseCidr, parseIp } from "../domain/cidr.js";

/** Loopback and private networks (RFC 1918, IPv6 unique local). Link-local is not: it holds cloud metadata services. */
const PRIVATE_NETWORKS = [
  "127.0.0.0/8",
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "::1/128",
  "fc00::/7",
].map(parseCidr);

/** Whether an allowlist entry is well formed: a hostname, host:port, an address or a network. */
export function upstreamEntryError(entry: string): string | undefined {
  if (entry.includes("/")) {
    try {
      parseCidr(entry);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+|[0-9a-fA-F:]+)(:\d{1,5})?$/.test(entry)
    ? undefined
    : `"${entry}" is not a host, host:port or network (e.g. vllm.internal:8000, 10.1.0.0/16)`;
}

function entryAllows(entry: string, host: string, port: string): boolean {
  const ip = parseIp(host);
  if (entry.includes("/")) return ip !== undefined && cidrContains(parseCidr(entry), ip);
  const lower = entry.toLowerCase();
  const entryIp = parseIp(lower.replace(/^\[|\]$/g, ""));
  if (entryIp !== undefined && ip !== undefined)
    return entryIp.version === ip.version && entryIp.value === ip.value;
  return lower === host || lower === `${host}:${port}` || lower === `[${host}]:${port}`;
}

/** Undefined when `url` may receive prompts, else why not and what to do. */
export function upstreamUrlRefusal(url: string, allowed: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url} is not a URL`;
  }
  const host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  if (allowed.some((entry) => entryAllows(entry, host, port))) return undefined;
  if (host === "localhost") return undefined;
  const ip = parseIp(host);
  if (ip !== undefined && PRIVATE_NETWORKS.some((net) => cidrContains(net, ip))) return undefined;
  return (
    `${parsed.host} is ${ip === undefined ? "a hostname" : "a public address"}: prompts may only go to this ` +
    "machine or the private network. Add it to engines.allowedUpstreams if it is an engine of your own in the EU."
  );
}
