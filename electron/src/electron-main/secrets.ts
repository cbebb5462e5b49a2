// Secrets (a client key moved out of the file system) are kept encrypted with the OS keychain through
// Electron's safeStorage. Where only its plaintext fallback exists (Linux without a keyring: backend
// "basic_text") nothing is stored: a file that looks encrypted but is not would be worse than none.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConsoleError } from "../common/index.js";

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** Profiles name a stored key as `safe-storage:<name>` instead of a path. */
export const SECRET_PREFIX = "safe-storage:";

export class SecretStore {
  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly dir: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** Why secrets cannot be stored here, or undefined when they can. */
  refusal(): string | undefined {
    if (!this.safeStorage.isEncryptionAvailable()) return "The OS offers no encryption for secrets.";
    if (this.platform === "linux" && this.safeStorage.getSelectedStorageBackend?.() === "basic_text") {
      return "No keyring (gnome-libsecret or kwallet) is running: secrets would be stored in plaintext.";
    }
    return undefined;
  }

  private path(name: string): string {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new ConsoleError(`Bad secret name "${name}".`);
    return join(this.dir, `${name}.secret`);
  }

  put(name: string, value: string): void {
    const refusal = this.refusal();
    if (refusal) throw new ConsoleError(`Not storing the secret: ${refusal}`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(this.path(name), this.safeStorage.encryptString(value), { mode: 0o600 });
  }

  get(name: string): string {
    const path = this.path(name);
    if (!existsSync(path)) throw new ConsoleError(`No stored secret "${name}".`);
    return this.safeStorage.decryptString(readFileSync(path));
  }

  /** A readPem for the handlers: `safe-storage:<name>` from here, anything else from disk. */
  readPem = (path: string): Buffer =>
    path.startsWith(SECRET_PREFIX)
      ? Buffer.from(this.get(path.slice(SECRET_PREFIX.length)))
      : readFileSync(path);
}

/**
 * ssh key passphrases for the terminal: kept through safeStorage (so the next start does not ask
 * again); where the OS offers no real encryption, in memory only, as in browser mode.
 */
export class SafePassphrases {
  private readonly memory = new Map<string, string>();

  constructor(private readonly secrets: SecretStore) {}

  private name(keyFile: string): string {
    return `ssh-passphrase-${createHash("sha256").update(keyFile).digest("hex").slice(0, 32)}`;
  }

  get(keyFile: string): string | undefined {
    const cached = this.memory.get(keyFile);
    if (cached !== undefined || this.secrets.refusal()) return cached;
    try {
      return this.secrets.get(this.name(keyFile));
    } catch {
      return undefined;
    }
  }

  put(keyFile: string, passphrase: string): void {
    this.memory.set(keyFile, passphrase);
    if (!this.secrets.refusal()) this.secrets.put(this.name(keyFile), passphrase);
  }
}
