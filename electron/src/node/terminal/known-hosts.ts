// OpenSSH known_hosts files, read only: plain host patterns (wildcards, negation, "[host]:port"),
// hashed entries ("|1|salt|hash", HMAC-SHA1 of the host name) and the @revoked marker. @cert-authority
// lines are skipped: the console does not verify host certificates, so they cannot vouch for a key.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface KnownHostLine {
  /** 1-based, for messages. */
  line: number;
  marker: "revoked" | undefined;
  hosts: { kind: "patterns"; patterns: string[] } | { kind: "hashed"; salt: Buffer; hash: Buffer };
  keyType: string;
  key: Buffer;
}

/** Parses a known_hosts file; lines it cannot read are skipped (as OpenSSH does), never fatal. */
export function parseKnownHosts(text: string): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === "" || fields[0]!.startsWith("#")) return;
    let marker: KnownHostLine["marker"];
    if (fields[0]!.startsWith("@")) {
      if (fields[0] === "@cert-authority") return;
      if (fields[0] !== "@revoked") return;
      marker = "revoked";
      fields.shift();
    }
    const [hostField, keyType, keyBase64] = fields;
    if (!hostField || !keyType || !keyBase64 || !/^[A-Za-z0-9+/]+=*$/.test(keyBase64)) return;
    const key = Buffer.from(keyBase64, "base64");
    // The blob names its own type; a line whose type field disagrees is corrupt.
    if (blobKeyType(key) !== keyType) return;
    let hosts: KnownHostLine["hosts"];
    if (hostField.startsWith("|1|")) {
      const [, , salt, hash] = hostField.split("|");
      if (!salt || !hash) return;
      hosts = { kind: "hashed", salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") };
      if (hosts.salt.length !== 20 || hosts.hash.length !== 20) return;
    } else {
      hosts = { kind: "patterns", patterns: hostField.split(",").filter(Boolean) };
    }
    out.push({ line: index + 1, marker, hosts, keyType, key });
  });
  return out;
}

/** How known_hosts names a host: the bare name on port 22, "[host]:port" elsewhere. */
export function hostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, text: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "i").test(text);
}

export function lineMatches(line: KnownHostLine, host: string, port: number): boolean {
  const name = hostName(host, port);
  if (line.hosts.kind === "hashed") {
    const mac = createHmac("sha1", line.hosts.salt).update(name).digest();
    return timingSafeEqual(mac, line.hosts.hash);
  }
  let matched = false;
  for (const pattern of line.hosts.patterns) {
    const negated = pattern.startsWith("!");
    if (!globMatch(negated ? pattern.slice(1) : pattern, name)) continue;
    // A matching negation excludes the host whatever else matches.
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** The key type the SSH wire blob starts with ("ssh-ed25519", ...), or undefined when malformed. */
export function blobKeyType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > blob.length) return undefined;
  return blob.subarray(4, 4 + length).toString("latin1");
}

/** OpenSSH's fingerprint: "SHA256:" and the unpadded base64 of the blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}
