// Host key decisions for the terminal: a key is trusted when OpenSSH's known_hosts or the console's own
// store has it for this host and port; unknown keys are asked about once (then remembered in the
// console's store); a different key than the one on record is refused, never asked about, because
// that is exactly what a man in the middle looks like.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { blobKeyType, fingerprint, hostName, lineMatches, parseKnownHosts } from "./known-hosts.js";

export interface KnownKey {
  key: Buffer;
  /** Where it is recorded, for the refusal message ("~/.ssh/known_hosts:12"). */
  source: string;
}

export type HostKeyDecision =
  | { kind: "known"; source: string }
  | { kind: "unknown"; keyType: string; fingerprint: string }
  | {
      kind: "changed";
      presented: string;
      expected: { fingerprint: string; keyType: string; source: string }[];
    }
  | { kind: "revoked"; presented: string; source: string };

export function decideHostKey(presented: Buffer, known: KnownKey[], revoked: KnownKey[]): HostKeyDecision {
  const presentedFp = fingerprint(presented);
  const isRevoked = revoked.find((r) => r.key.equals(presented));
  if (isRevoked) return { kind: "revoked", presented: presentedFp, source: isRevoked.source };
  const match = known.find((k) => k.key.equals(presented));
  if (match) return { kind: "known", source: match.source };
  // Any key on record for this host that is not the presented one is a change, whatever its type:
  // a downgrade to another algorithm must not turn a refusal into a question.
  if (known.length > 0)
    return {
      kind: "changed",
      presented: presentedFp,
      expected: known.map((k) => ({
        fingerprint: fingerprint(k.key),
        keyType: blobKeyType(k.key) ?? "?",
        source: k.source,
      })),
    };
  return { kind: "unknown", keyType: blobKeyType(presented) ?? "?", fingerprint: presentedFp };
}

/** The message an operator reads when a key changed: both fingerprints and where the old one is kept. */
export function changedMessage(target: string, decision: HostKeyDecision): string {
  if (decision.kind === "revoked")
    return `Refusing ${target}: its host key ${decision.presented} is marked @revoked (${decision.source}).`;
  if (decision.kind !== "changed") return "";
  const expected = decision.expected.map((e) => `${e.fingerprint} (${e.keyType}, ${e.source})`).join(", ");
  return (
    `Host key changed for ${target}: expected ${expected}, presented ${decision.presented}. ` +
    "Refusing to connect (possible man in the middle). If the host was reinstalled, remove the old key " +
    "from that file and connect again."
  );
}

const storeFile = z.object({
  hosts: z.array(
    z.object({
      host: z.string(),
      port: z.number(),
      keyType: z.string(),
      key: z.string(),
      addedAtMs: z.number(),
    }),
  ),
});

/** The console's own known hosts: a JSON file in its data directory, written only when a key is accepted. */
export class ConsoleKnownHosts {
  constructor(readonly file: string) {}

  private read(): z.infer<typeof storeFile>["hosts"] {
    if (!existsSync(this.file)) return [];
    // A corrupt store must not silently become "nothing known" (that would turn changes into questions).
    return storeFile.parse(JSON.parse(readFileSync(this.file, "utf8"))).hosts;
  }

  keys(host: string, port: number): KnownKey[] {
    return this.read()
      .filter((h) => h.host.toLowerCase() === host.toLowerCase() && h.port === port)
      .map((h) => ({ key: Buffer.from(h.key, "base64"), source: this.file }));
  }

  add(host: string, port: number, key: Buffer): void {
    const hosts = this.read();
    hosts.push({
      host,
      port,
      keyType: blobKeyType(key) ?? "?",
      key: key.toString("base64"),
      addedAtMs: Date.now(),
    });
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ hosts }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
  }
}

/** Both sources together: OpenSSH's files (read only) and the console's store. */
export class HostKeyChecker {
  constructor(
    readonly store: ConsoleKnownHosts,
    readonly opensshFiles: string[],
  ) {}

  decide(host: string, port: number, presented: Buffer): HostKeyDecision {
    const known: KnownKey[] = [];
    const revoked: KnownKey[] = [];
    for (const file of this.opensshFiles) {
      if (!existsSync(file)) continue;
      for (const line of parseKnownHosts(readFileSync(file, "utf8"))) {
        // Revocations apply to every host; other lines only to theirs.
        const entry = { key: line.key, source: `${file}:${line.line}` };
        if (line.marker === "revoked") revoked.push(entry);
        else if (lineMatches(line, host, port)) known.push(entry);
      }
    }
    known.push(...this.store.keys(host, port));
    return decideHostKey(presented, known, revoked);
  }

  accept(host: string, port: number, key: Buffer): void {
    this.store.add(host, port, key);
  }

  static label(host: string, port: number): string {
    return hostName(host, port);
  }
}
