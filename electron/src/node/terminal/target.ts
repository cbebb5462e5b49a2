// Where a terminal connects and with which key: the node's host from the profile's ssh.hosts override,
// else the host of its control address (else of its first API address); user, port, key and jump host
// from the profile's "ssh" settings.
import ssh2 from "ssh2";

// ssh2 is CommonJS without named exports Node can see.
const { utils } = ssh2;

import { ConsoleError, type Peer, type Profile } from "../../common/index.js";
import type { SshAuth, SshHop } from "./sessions.js";

function hostOfAddress(address: string): string | undefined {
  const match = /^\[?([^\]]+?)\]?:\d+$/.exec(address);
  return match?.[1];
}

export function peerHost(peer: Peer): string | undefined {
  if (peer.controlAddress) return hostOfAddress(peer.controlAddress);
  for (const url of peer.apiAddresses) {
    try {
      return new URL(url).hostname.replace(/^\[|\]$/g, "");
    } catch {
      // not a URL; try the next
    }
  }
  return undefined;
}

export function sshTarget(
  profile: Profile,
  peers: Peer[],
  node: string,
): { target: SshHop; jump?: SshHop; keyFile?: string } {
  const ssh = profile.ssh;
  if (!ssh)
    throw new ConsoleError(
      `Profile "${profile.name}" has no ssh settings: add "ssh": {"user": "...", "keyFile": "..."} to it.`,
    );
  const peer = peers.find((p) => p.name === node);
  if (!peer) throw new ConsoleError(`No node "${node}" in the cluster.`);
  const host = ssh.hosts[node] ?? peerHost(peer);
  if (!host || host === "0.0.0.0" || host === "::")
    throw new ConsoleError(
      `No ssh host for ${node}: set "ssh": {"hosts": {"${node}": "..."}} in the profile.`,
    );
  return {
    target: { host, port: ssh.port, user: ssh.user },
    ...(ssh.jumpHost && {
      jump: { host: ssh.jumpHost.host, port: ssh.jumpHost.port, user: ssh.jumpHost.user ?? ssh.user },
    }),
    ...(ssh.keyFile && { keyFile: ssh.keyFile }),
  };
}

/** The renderer recognises this phrase and asks for the passphrase. */
export const NEEDS_PASSPHRASE = "needs its passphrase";

/** Checks the key opens (with the passphrase when encrypted) before any connection is made. */
export function unlockKey(keyFile: string, privateKey: Buffer, passphrase: string | undefined): SshAuth {
  const parsed = utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    if (/passphrase|encrypted|decrypt/i.test(parsed.message))
      throw new ConsoleError(
        passphrase
          ? `The passphrase for ${keyFile} is wrong.`
          : `The ssh key ${keyFile} is encrypted: the terminal ${NEEDS_PASSPHRASE}.`,
      );
    throw new ConsoleError(`The ssh key ${keyFile} cannot be read: ${parsed.message}`);
  }
  return { privateKey, ...(passphrase && { passphrase }) };
}

/** Passphrases of ssh keys, by key file. */
export interface Passphrases {
  get(keyFile: string): string | undefined;
  put(keyFile: string, passphrase: string): void;
}

/** Browser mode: memory only, gone when the console stops. */
export class MemoryPassphrases implements Passphrases {
  private readonly map = new Map<string, string>();
  get(keyFile: string) {
    return this.map.get(keyFile);
  }
  put(keyFile: string, passphrase: string) {
    this.map.set(keyFile, passphrase);
  }
}
