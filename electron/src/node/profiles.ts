// Cluster connection profiles in one JSON file (`{"profiles":[...]}`), editable by hand or from the UI.
// Relative certificate paths are resolved against the file's directory, so a profile directory can be
// moved or shared as a whole. Keys are referenced by path and never copied into the file.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
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
}
