// Cluster connection profiles in one JSON file (`{"profiles":[...]}`), editable by hand or from the UI.
// Relative certificate paths are resolved against the file's directory, so a profile directory can be
// moved or shared as a whole. Keys are referenced by path and never copied into the file.
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ConsoleError, type Profile, type ProfileSummary, profilesFileSchema } from "../common/index.js";
import { operatorFromCertificate } from "./identity.js";

export class ProfileStore {
  constructor(readonly file: string) {}

  private read(): Profile[] {
    if (!existsSync(this.file)) return [];
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, "utf8"));
    } catch (error) {
      throw new ConsoleError(`${this.file} is not JSON: ${(error as Error).message}`);
    }
    const parsed = profilesFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConsoleError(`${this.file}: ${issue?.path.join(".")}: ${issue?.message}`);
    }
    return parsed.data.profiles;
  }

  private write(profiles: Profile[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    // Write then rename: a crash mid-write must not lose every profile.
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ profiles }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
  }

  /** A path from the file, made absolute; a reference to a stored secret ("name:...") stays as is. */
  resolvePath(path: string): string {
    if (/^[a-z-]{2,}:/.test(path)) return path;
    // "~/.ssh/id_ed25519" as in an ssh config.
    if (path.startsWith("~/")) return join(homedir(), path.slice(2));
    return resolve(dirname(this.file), path);
  }

  get(name: string): Profile {
    const profile = this.read().find((p) => p.name === name);
    if (!profile) throw new ConsoleError(`No profile "${name}" in ${this.file}.`);
    return {
      ...profile,
      caFile: this.resolvePath(profile.caFile),
      certFile: this.resolvePath(profile.certFile),
      keyFile: this.resolvePath(profile.keyFile),
      ...(profile.ssh && {
        ssh: {
          ...profile.ssh,
          ...(profile.ssh.keyFile && { keyFile: this.resolvePath(profile.ssh.keyFile) }),
        },
      }),
    };
  }

  list(): ProfileSummary[] {
    return this.read().map((p) => this.summary(p.name));
  }

  summary(name: string): ProfileSummary {
    const profile = this.get(name);
    try {
      return { ...profile, operator: operatorFromCertificate(readFileSync(profile.certFile)) };
    } catch (error) {
      return { ...profile, problem: (error as Error).message };
    }
  }

  save(profile: Profile): ProfileSummary {
    const others = this.read().filter((p) => p.name !== profile.name);
    this.write([...others, profile]);
    return this.summary(profile.name);
  }

  delete(name: string): void {
    this.write(this.read().filter((p) => p.name !== name));
  }

  /**
   * A save the renderer asks for. The page is untrusted, so: a read-only profile stays read-only (only
   * editing the file clears the flag), a client key that a read-only profile uses cannot be saved in a
   * writable one (that would be the same flag cleared under another name), and every path is either the
   * one the file already has or a plain relative path inside the profiles folder.
   */
  saveFromWindow(profile: Profile): ProfileSummary {
    const profiles = this.read();
    const stored = profiles.find((p) => p.name === profile.name);
    if (stored?.readOnly && !profile.readOnly)
      throw new ConsoleError(
        `Profile "${profile.name}" is read-only and stays so from the console's window; to make it writable, set "readOnly": false in ${this.file}.`,
      );
    const fields: [string, string | undefined, string | undefined][] = [
      ["caFile", profile.caFile, stored?.caFile],
      ["certFile", profile.certFile, stored?.certFile],
      ["keyFile", profile.keyFile, stored?.keyFile],
      ["ssh.keyFile", profile.ssh?.keyFile, stored?.ssh?.keyFile],
    ];
    for (const [field, value, before] of fields) {
      if (value !== undefined) this.checkWindowPath(field, value, before);
    }
    if (!profile.readOnly) {
      const sharing = profiles.find(
        (p) => p.readOnly && p.name !== profile.name && this.sameClientKey(p, profile),
      );
      if (sharing)
        throw new ConsoleError(
          `Profile "${profile.name}" uses the client key of read-only profile "${sharing.name}", so it must be read-only too; edit ${this.file} to change that.`,
        );
    }
    return this.save(profile);
  }

  /** A delete the renderer asks for: a read-only profile is not removed (it could come back writable). */
  deleteFromWindow(name: string): void {
    if (this.read().find((p) => p.name === name)?.readOnly)
      throw new ConsoleError(`Profile "${name}" is read-only; remove it from ${this.file} if it should go.`);
    this.delete(name);
  }

  private checkWindowPath(field: string, value: string, before: string | undefined): void {
    if (before !== undefined && this.resolvePath(value) === this.resolvePath(before)) return;
    const folder = dirname(this.file);
    const segments = value.split("/");
    const plain =
      !isAbsolute(value) &&
      !/^[a-z-]{2,}:/.test(value) &&
      !value.startsWith("~") &&
      !/[\\\0]/.test(value) &&
      segments.every((s) => s !== "" && s !== "." && s !== "..");
    const inside = relative(folder, resolve(folder, value));
    if (!plain || inside.startsWith("..") || isAbsolute(inside))
      throw new ConsoleError(
        `${field} "${value}": from the console's window a file can only be named relative to ${folder} (put it there, e.g. "certs/ada.pem"), or the profile edited in ${this.file}.`,
      );
  }

  /** The same key file, or certificates for the same public key (a copy of the key signs the same). */
  private sameClientKey(a: Profile, b: Profile): boolean {
    const real = (path: string) => {
      const resolved = this.resolvePath(path);
      try {
        return realpathSync(resolved);
      } catch {
        return resolved;
      }
    };
    if (real(a.keyFile) === real(b.keyFile)) return true;
    const publicKey = (certFile: string) => {
      try {
        return new X509Certificate(readFileSync(this.resolvePath(certFile))).publicKey.export({
          type: "spki",
          format: "der",
        });
      } catch {
        return undefined;
      }
    };
    const [ka, kb] = [publicKey(a.certFile), publicKey(b.certFile)];
    return ka !== undefined && kb !== undefined && ka.equals(kb);
  }
}
