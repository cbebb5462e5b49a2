// Test support: a real SSH server on loopback (ssh2's Server) with a generated host key, public-key
// auth for one client key, and a real /bin/sh behind each shell request. Used by the terminal's unit
// tests and the console's terminal e2e, so neither needs Debian's openssh-server.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { type AddressInfo, connect } from "node:net";
import type { ParsedKey } from "ssh2";
import ssh2 from "ssh2";

// ssh2 is CommonJS without named exports Node can see.
const { Server, utils } = ssh2;

export interface KeyPair {
  /** OpenSSH private key (PEM-ish text). */
  private: string;
  /** "ssh-ed25519 AAAA..." */
  public: string;
  /** The SSH wire blob of the public key (what known_hosts stores, base64). */
  blob: Buffer;
}

/**
 * ssh2's generateKeyPairSync writes an ed25519 public key whose first byte is zero as 31 bytes (about
 * one key in 600), which its own parseKey then refuses as malformed; such a pair is drawn again.
 */
export function generateKeyPair(passphrase?: string): KeyPair {
  for (let attempt = 0; ; attempt++) {
    const pair = utils.generateKeyPairSync(
      "ed25519",
      passphrase ? { passphrase, cipher: "aes256-ctr", rounds: 2 } : {},
    );
    const parsed = utils.parseKey(pair.public);
    if (!(parsed instanceof Error))
      return { private: pair.private, public: pair.public, blob: (parsed as ParsedKey).getPublicSSH() };
    if (attempt >= 10) throw parsed;
  }
}

export interface TestSshd {
  port: number;
  /** Shells started so far. */
  shells: number;
  close(): Promise<void>;
}

export async function startTestSshd(options: {
  hostKey: KeyPair;
  clientPublicKey: string;
  port?: number;
  /** The command each shell runs; default an interactive /bin/sh. */
  shell?: string[];
  /** Called with each pty size the client asks for (pty request and window changes). */
  onWindow?: (size: { cols: number; rows: number }) => void;
}): Promise<TestSshd> {
  const allowed = utils.parseKey(options.clientPublicKey) as ParsedKey;
  const children = new Set<ReturnType<typeof spawn>>();
  const state = { shells: 0 };
  const connections = new Set<{ end(): void }>();
  const server = new Server({ hostKeys: [options.hostKey.private] }, (client) => {
    connections.add(client);
    client.on("close", () => connections.delete(client));
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      if (
        ctx.method === "publickey" &&
        ctx.key.algo === allowed.type &&
        ctx.key.data.equals(allowed.getPublicSSH())
      ) {
        // Without a signature this is the "would you take this key?" probe.
        if (!ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)) return ctx.accept();
      }
      ctx.reject(["publickey"]);
    });
    client.on("ready", () => {
      // direct-tcpip, so this server can be a jump host (ProxyJump) in tests.
      client.on("tcpip", (accept, reject, info) => {
        const socket = connect(info.destPort, info.destIP);
        socket.once("connect", () => {
          const stream = accept();
          stream.pipe(socket).pipe(stream);
          stream.on("close", () => socket.destroy());
        });
        socket.once("error", () => reject?.());
      });
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("pty", (accept, _reject, info) => {
          options.onWindow?.({ cols: info.cols, rows: info.rows });
          accept?.();
        });
        session.on("window-change", (accept, _reject, info) => {
          options.onWindow?.({ cols: info.cols, rows: info.rows });
          accept?.();
        });
        session.on("env", (accept) => accept?.());
        session.on("shell", (accept) => {
          const stream = accept();
          state.shells++;
          // util-linux's `script` gives the shell a real pty (echo, Enter's CR as end of line), as sshd
          // would; without it, CRs are turned into newlines here so typed commands still run.
          const pty = existsSync("/usr/bin/script");
          const [command, ...args] =
            options.shell ??
            (pty ? ["/usr/bin/script", "-qfec", "/bin/sh -i", "/dev/null"] : ["/bin/sh", "-i"]);
          const child = spawn(command!, args, { env: { PATH: process.env.PATH, PS1: "$ " } });
          children.add(child);
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          child.stdin.on("error", () => undefined);
          stream.on("data", (data: Buffer) =>
            child.stdin.write(
              pty ? data : Buffer.from(data.toString("latin1").replace(/\r/g, "\n"), "latin1"),
            ),
          );
          child.on("exit", (code) => {
            children.delete(child);
            stream.exit(code ?? 0);
            stream.end();
          });
          stream.on("close", () => child.kill());
        });
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    get shells() {
      return state.shells;
    },
    close: async () => {
      for (const child of children) child.kill();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open connections keep close() waiting; end them.
        for (const connection of connections) connection.end();
      });
    },
  };
}
