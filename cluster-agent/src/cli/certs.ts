import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import {
  CertError,
  DEFAULT_DAYS,
  type IssuedCertificate,
  initCa,
  issueNodeCertificate,
  issueOperatorCertificate,
} from "../control/certs.js";
import { ROLES } from "../domain/roles.js";
import { loadAuditKey } from "../store/audit-log.js";
import {
  type CertificateRevocation,
  listRevocations,
  normalizeFingerprint,
  normalizeSerial,
  revokeCertificate,
} from "../store/certificate-revocations.js";
import { cliOperator, recordCliChange } from "./audit-trail.js";
import { CliError, output, table } from "./context.js";
import { dataDirOf, withStore } from "./store-context.js";

/** `certs ...`: the cluster's private PKI for the gRPC control port. */
export function registerCertCommands(program: Command): void {
  const certs = program
    .command("certs")
    .description("Create the cluster CA and issue node and operator certificates for the control port");

  certs
    .command("init-ca")
    .description(
      "Create the cluster CA (once per cluster); its key signs every node and operator certificate",
    )
    .option("--dir <dir>", "where to write ca.pem and ca-key.pem (default <data-dir>/ca)")
    .option("--name <name>", "the CA's common name", "Entrim cluster CA")
    .option("--days <n>", `validity in days (default ${DEFAULT_DAYS.ca})`)
    .option("--force", "replace an existing CA; every certificate it issued stops working")
    .action(
      async (options: { dir?: string; name: string; days?: string; force?: boolean }, command: Command) => {
        const dir = options.dir ?? join(dataDirOf(command), "ca");
        const ca = await run(() =>
          initCa({ dir, name: options.name, days: parseDays(options.days), force: options.force === true }),
        );
        output(command, json(ca), () =>
          [
            `Created the cluster CA "${options.name}" in ${dir}.`,
            ...describe(ca),
            `Keep ${ca.keyFile} secret (offline, ideally): whoever holds it can issue admin certificates.`,
            "Next: `entrim-agent certs issue-node --name <node>` for each agent, `certs issue-operator` for each person.",
          ].join("\n"),
        );
      },
    );

  certs
    .command("issue-node")
    .description(
      "Issue an agent's certificate (server and client) into <data-dir>/tls, where the agent looks by default",
    )
    .requiredOption("--name <name>", "the node's name, as node.name in its config")
    .option("--host <host>", "a DNS name or IP address peers and consoles dial (repeatable)", collect, [])
    .option("--ca-dir <dir>", "the CA's directory (default <data-dir>/ca)")
    .option("--out <dir>", "where to write ca.pem, node.pem and node-key.pem (default <data-dir>/tls)")
    .option("--days <n>", `validity in days (default ${DEFAULT_DAYS.node})`)
    .action(
      async (
        options: { name: string; host: string[]; caDir?: string; out?: string; days?: string },
        command: Command,
      ) => {
        const dataDir = dataDirOf(command);
        const issued = await run(() =>
          issueNodeCertificate({
            caDir: options.caDir ?? join(dataDir, "ca"),
            name: options.name,
            hosts: options.host.flatMap((h) => h.split(",")).filter((h) => h.trim() !== ""),
            outDir: options.out ?? join(dataDir, "tls"),
            days: parseDays(options.days),
          }),
        );
        output(command, json(issued), () =>
          [
            `Issued the node certificate for ${issued.name}.`,
            ...describe(issued),
            `  hosts        ${issued.hosts.join(", ")}`,
            "An agent started with the same --data-dir finds these files; otherwise set control.caFile, certFile and keyFile.",
          ].join("\n"),
        );
      },
    );

  certs
    .command("issue-operator")
    .description("Issue an operator's client certificate; its role decides what the operator may do")
    .requiredOption("--name <name>", "who it is for, e.g. alice or alice@example.eu")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
    .option("--ca-dir <dir>", "the CA's directory (default <data-dir>/ca)")
    .option(
      "--out <dir>",
      "where to write <name>.pem, <name>-key.pem and ca.pem (default <data-dir>/operators)",
    )
    .option("--days <n>", `validity in days (default ${DEFAULT_DAYS.operator})`)
    .action(
      async (
        options: { name: string; role: string; caDir?: string; out?: string; days?: string },
        command: Command,
      ) => {
        const dataDir = dataDirOf(command);
        const issued = await run(() =>
          issueOperatorCertificate({
            caDir: options.caDir ?? join(dataDir, "ca"),
            name: options.name,
            role: options.role,
            outDir: options.out ?? join(dataDir, "operators"),
            days: parseDays(options.days),
          }),
        );
        output(command, json(issued), () =>
          [
            `Issued a ${issued.role} certificate for ${issued.name}.`,
            ...describe(issued),
            `Hand ${issued.certFile}, ${issued.keyFile} and ${issued.caFile} to ${issued.name} over a private channel; ` +
              "the key is theirs alone.",
          ].join("\n"),
        );
      },
    );

  registerRevocationCommands(certs);
}

/** `certs revoke` and `certs revoked`: the cluster's deny list (every agent refuses within seconds). */
function registerRevocationCommands(certs: Command): void {
  certs
    .command("revoke")
    .description(
      "Revoke an operator or node certificate: every agent refuses it on its next call or download, within seconds",
    )
    .option("--cert <file>", "the certificate's PEM file (gives serial number, fingerprint and subject)")
    .option("--serial <hex>", "its serial number, as `certs revoked` or `openssl x509 -serial` prints it")
    .option("--fingerprint <sha256>", "its SHA-256 fingerprint, as `certs issue-*` printed it")
    .requiredOption("--reason <text>", "why (goes to the deny list and the audit log)")
    .action(
      async (
        options: { cert?: string; serial?: string; fingerprint?: string; reason: string },
        command: Command,
      ) => {
        const named = await certificateNamed(options);
        const reason = options.reason.trim();
        if (!reason) throw new CliError("--reason must say why the certificate is revoked.");
        const result = await withStore(command, async (store, dataDir) =>
          recordCliChange(
            store,
            await loadAuditKey({ dataDir, env: process.env }),
            { action: "certificate.revoke", target: `certificate:${named.label}`, reason },
            (db) => revokeCertificate(db, { ...named, revokedBy: cliOperator(), reason }),
          ),
        );
        const r = result.revocation;
        output(command, { ...revocationJson(r), created: result.created }, () =>
          [
            result.created
              ? `Revoked ${named.label}. Every agent refuses it within seconds.`
              : `${named.label} was already revoked; the first revocation stands.`,
            ...(r.subject ? [`  subject      ${r.subject}`] : []),
            ...(r.serialNumber ? [`  serial       ${r.serialNumber}`] : []),
            ...(r.fingerprint ? [`  fingerprint  SHA256 ${r.fingerprint}`] : []),
            `  revoked      ${r.revokedAt.toISOString()} by ${r.revokedBy}: ${r.reason}`,
          ].join("\n"),
        );
      },
    );

  certs
    .command("revoked")
    .description("List revoked certificates, newest first")
    .action(async (_options: unknown, command: Command) => {
      const rows = await withStore(command, (store) => listRevocations(store.pool));
      output(command, rows.map(revocationJson), () =>
        table(
          rows.map((r) => ({
            revoked_at: r.revokedAt.toISOString(),
            subject: r.subject,
            serial: r.serialNumber ?? "",
            fingerprint: r.fingerprint ?? "",
            by: r.revokedBy,
            reason: r.reason,
          })),
          ["revoked_at", "subject", "serial", "fingerprint", "by", "reason"],
        ),
      );
    });
}

/** The certificate a revoke command names, from its file or by serial number or fingerprint. */
async function certificateNamed(options: {
  cert?: string;
  serial?: string;
  fingerprint?: string;
}): Promise<{ serialNumber?: string; fingerprint?: string; subject: string; label: string }> {
  const given = [options.cert, options.serial, options.fingerprint].filter((v) => v !== undefined).length;
  if (given !== 1)
    throw new CliError("Name the certificate with exactly one of --cert, --serial or --fingerprint.");
  if (options.cert !== undefined) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(await readFile(options.cert));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(`Cannot read the certificate ${options.cert}: ${code ?? (error as Error).message}.`);
    }
    // Node prints the subject one attribute per line; the deny list and the log keep one line.
    const subject = certificate.subject.split("\n").join(", ");
    return {
      serialNumber: certificate.serialNumber,
      fingerprint: certificate.fingerprint256,
      subject,
      label: subject,
    };
  }
  if (options.serial !== undefined) {
    const serial = normalizeSerial(options.serial);
    if (!serial) throw new CliError(`--serial "${options.serial}" is not a serial number (hex digits).`);
    return { serialNumber: serial, subject: "", label: `serial ${serial}` };
  }
  const fingerprint = normalizeFingerprint(options.fingerprint ?? "");
  if (!fingerprint)
    throw new CliError(
      `--fingerprint "${options.fingerprint}" is not a SHA-256 fingerprint (64 hex digits).`,
    );
  return { fingerprint, subject: "", label: `fingerprint ${fingerprint}` };
}

function revocationJson(r: CertificateRevocation) {
  return { ...r, revokedAt: r.revokedAt.toISOString() };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseDays(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new CliError(`--days must be a whole number of days, got "${raw}".`);
  return Number(raw);
}

/** Library refusals and file-system errors become one-line messages the operator can act on. */
async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CertError) throw new CliError(error.message);
    const { code, path } = error as NodeJS.ErrnoException;
    if (code && ["EACCES", "EPERM", "EISDIR", "ENOTDIR", "EROFS", "EEXIST"].includes(code))
      throw new CliError(
        `Cannot write ${path ?? "the certificate files"}: ${code}. Check the directory or pass another one.`,
      );
    throw error;
  }
}

function json(issued: IssuedCertificate & { role?: string }) {
  return {
    ...issued,
    notBefore: issued.notBefore.toISOString(),
    notAfter: issued.notAfter.toISOString(),
  };
}

function describe(issued: IssuedCertificate): string[] {
  return [
    `  subject      ${issued.subject}`,
    `  certificate  ${issued.certFile}`,
    `  key          ${issued.keyFile} (mode 0600)`,
    ...(issued.caFile === issued.certFile ? [] : [`  CA           ${issued.caFile}`]),
    `  fingerprint  SHA256 ${issued.fingerprint}`,
    `  valid until  ${issued.notAfter.toISOString()}`,
  ];
}
