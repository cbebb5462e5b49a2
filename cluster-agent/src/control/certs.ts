// The cluster's private PKI for the gRPC control plane: one CA, a certificate per agent (server and
// client, for peers) and a certificate per operator whose OU names their role. mTLS is the only
// authentication the control server knows, so these files are the keys to the cluster.
// @peculiar/x509 resolves its ASN.1 classes through tsyringe, which needs the Reflect metadata API
// before the library loads; ESM evaluates imports in order, so this line must stay first.
import "reflect-metadata";
import { X509Certificate as NodeCertificate, randomBytes, webcrypto } from "node:crypto";
import { access, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { isRole, ROLES, type Role } from "../domain/roles.js";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const CA_CERT_FILE = "ca.pem";
export const CA_KEY_FILE = "ca-key.pem";
export const NODE_CERT_FILE = "node.pem";
export const NODE_KEY_FILE = "node-key.pem";
/** OU of agent certificates: it names no role, so a node certificate can never act as an operator. */
export const NODE_UNIT = "node";
export const OPERATOR_ORGANIZATION = "Entrim operators";
/** O of the CA and of agents: the cluster itself, not a person. */
export const CLUSTER_ORGANIZATION = "Entrim cluster";
export const DEFAULT_DAYS = { ca: 3650, node: 365, operator: 90 } as const;

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const DAY_MS = 86_400_000;
/** Certificates start a little in the past so a peer whose clock runs behind accepts them at once. */
const BACKDATE_MS = 5 * 60_000;

const OPERATOR_NAME = /^[A-Za-z0-9.@_-]{1,64}$/;
// The same rule as node.name in the config, so the name a node runs under is one it can be issued.
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/;
const DNS_NAME =
  /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A refusal the operator can fix; `code` lets the CLI pick its wording. */
export class CertError extends Error {
  constructor(
    readonly code: "invalid" | "exists" | "missing",
    message: string,
  ) {
    super(message);
    this.name = "CertError";
  }
}

/** What was written and what the certificate says, for the CLI's output. */
export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
  /** Copy of the CA certificate beside the issued one (the CA's own file for `initCa`). */
  caFile: string;
  subject: string;
  serialNumber: string;
  /** SHA-256 of the DER certificate, colon-separated hex (as `openssl x509 -fingerprint -sha256`). */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
}

export interface IssuedNodeCertificate extends IssuedCertificate {
  name: string;
  hosts: string[];
}

export interface IssuedOperatorCertificate extends IssuedCertificate {
  name: string;
  role: Role;
}

export async function initCa(options: {
  dir: string;
  name?: string;
  days?: number;
  force?: boolean;
}): Promise<IssuedCertificate> {
  const days = checkDays(options.days ?? DEFAULT_DAYS.ca);
  const name = options.name ?? "Entrim cluster CA";
  if (!/^[A-Za-z0-9 .@_-]{1,64}$/.test(name))
    throw new CertError("invalid", `CA name "${name}": use 1-64 letters, digits, spaces and .@_-`);
  const certFile = join(options.dir, CA_CERT_FILE);
  const keyFile = join(options.dir, CA_KEY_FILE);
  if (!options.force) {
    for (const file of [certFile, keyFile]) {
      if (await exists(file))
        throw new CertError(
          "exists",
          `${file} already exists. Every certificate issued so far depends on this CA; pass --force only to replace it deliberately.`,
        );
    }
  }
  const keys = await generateKeys();
  const { notBefore, notAfter } = validity(days);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [name] }, { O: [CLUSTER_ORGANIZATION] }],
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  // The key first: a ca.pem without its key would make the next init-ca refuse for nothing.
  await writeAtomic(keyFile, await privateKeyPem(keys.privateKey), 0o600);
  await writeAtomic(certFile, cert.toString("pem"), 0o644);
  return summary(cert, { certFile, keyFile, caFile: certFile });
}

/** An agent's certificate: it serves the control port and dials peers with it. */
export async function issueNodeCertificate(options: {
  caDir: string;
  name: string;
  hosts?: string[];
  outDir: string;
  days?: number;
}): Promise<IssuedNodeCertificate> {
  if (!NODE_NAME.test(options.name))
    throw new CertError(
      "invalid",
      `Node name "${options.name}": use the node's configured name (1-63 letters, digits, . and -, starting with a letter or digit).`,
    );
  const hosts = uniqueHosts([options.name, "localhost", "127.0.0.1", "::1", ...(options.hosts ?? [])]);
  const ca = await loadCa(options.caDir);
  const days = checkDays(options.days ?? DEFAULT_DAYS.node, ca.cert);
  const san = hosts.map((host) => ({ type: isIP(host) ? ("ip" as const) : ("dns" as const), value: host }));
  const issued = await issue(ca, {
    subject: [{ CN: [options.name] }, { OU: [NODE_UNIT] }, { O: [CLUSTER_ORGANIZATION] }],
    days,
    usages: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    extra: [new x509.SubjectAlternativeNameExtension(san)],
    outDir: options.outDir,
    certName: NODE_CERT_FILE,
    keyName: NODE_KEY_FILE,
  });
  return { ...issued, name: options.name, hosts };
}

/** An operator's client certificate; its OU is the role the control server grants. */
export async function issueOperatorCertificate(options: {
  caDir: string;
  name: string;
  role: string;
  outDir: string;
  days?: number;
}): Promise<IssuedOperatorCertificate> {
  if (!OPERATOR_NAME.test(options.name))
    throw new CertError(
      "invalid",
      `Operator name "${options.name}": use 1-64 letters, digits and .@_- (e.g. alice or alice@example.eu).`,
    );
  if (!isRole(options.role))
    throw new CertError("invalid", `Role "${options.role}" is not one of ${ROLES.join(", ")}.`);
  const role = options.role;
  const ca = await loadCa(options.caDir);
  const days = checkDays(options.days ?? DEFAULT_DAYS.operator, ca.cert);
  const issued = await issue(ca, {
    subject: [{ CN: [options.name] }, { OU: [role] }, { O: [OPERATOR_ORGANIZATION] }],
    days,
    usages: [x509.ExtendedKeyUsage.clientAuth],
    extra: [],
    outDir: options.outDir,
    certName: `${options.name}.pem`,
    keyName: `${options.name}-key.pem`,
  });
  return { ...issued, name: options.name, role };
}

interface LoadedCa {
  cert: x509.X509Certificate;
  key: webcrypto.CryptoKey;
  pem: string;
}

async function loadCa(dir: string): Promise<LoadedCa> {
  const certFile = join(dir, CA_CERT_FILE);
  const keyFile = join(dir, CA_KEY_FILE);
  let pem: string;
  let keyPem: string;
  try {
    [pem, keyPem] = await Promise.all([readFile(certFile, "utf8"), readFile(keyFile, "utf8")]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new CertError(
      "missing",
      `No CA in ${dir} (needs ${CA_CERT_FILE} and ${CA_KEY_FILE}). Create one with \`entrim-agent certs init-ca\` or pass --ca-dir.`,
    );
  }
  try {
    const cert = new x509.X509Certificate(pem);
    const der = x509.PemConverter.decode(keyPem)[0];
    if (!der) throw new Error("no PEM block");
    const key = await webcrypto.subtle.importKey("pkcs8", der, ALGORITHM, false, ["sign"]);
    return { cert, key, pem };
  } catch (error) {
    throw new CertError("invalid", `The CA in ${dir} cannot be read: ${(error as Error).message}`);
  }
}

async function issue(
  ca: LoadedCa,
  spec: {
    subject: x509.JsonName;
    days: number;
    usages: string[];
    extra: x509.Extension[];
    outDir: string;
    certName: string;
    keyName: string;
  },
): Promise<IssuedCertificate> {
  const keys = await generateKeys();
  const { notBefore, notAfter } = validity(spec.days);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: spec.subject,
    issuer: ca.cert.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(spec.usages),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      ...spec.extra,
    ],
  });
  // A ca-key.pem swapped for another key would sign certificates nobody accepts; say so now.
  if (!(await cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true })))
    throw new CertError("invalid", `${CA_KEY_FILE} does not belong to ${CA_CERT_FILE}.`);
  await mkdir(spec.outDir, { recursive: true, mode: 0o700 });
  const files = {
    certFile: join(spec.outDir, spec.certName),
    keyFile: join(spec.outDir, spec.keyName),
    caFile: join(spec.outDir, CA_CERT_FILE),
  };
  await writeAtomic(files.keyFile, await privateKeyPem(keys.privateKey), 0o600);
  await writeAtomic(files.certFile, cert.toString("pem"), 0o644);
  // Same directory as the CA (issuing into the CA dir) is fine: the content is identical.
  await writeAtomic(files.caFile, ca.pem, 0o644);
  return summary(cert, files);
}

function summary(
  cert: x509.X509Certificate,
  files: { certFile: string; keyFile: string; caFile: string },
): IssuedCertificate {
  return {
    ...files,
    subject: cert.subject,
    serialNumber: cert.serialNumber,
    fingerprint: new NodeCertificate(cert.toString("pem")).fingerprint256,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

function checkDays(days: number, ca?: x509.X509Certificate): number {
  if (!Number.isInteger(days) || days < 1 || days > 36_500)
    throw new CertError("invalid", `--days must be a whole number of days from 1 to 36500, got ${days}.`);
  // A certificate outliving its CA would stop verifying on the CA's last day anyway.
  if (ca && Date.now() + days * DAY_MS > ca.notAfter.getTime())
    throw new CertError(
      "invalid",
      `The CA expires on ${ca.notAfter.toISOString()}; issue for fewer --days or create a new CA.`,
    );
  return days;
}

function uniqueHosts(hosts: string[]): string[] {
  const seen = new Set<string>();
  for (const raw of hosts) {
    const host = raw.trim().toLowerCase();
    if (!isIP(host) && !DNS_NAME.test(host))
      throw new CertError("invalid", `--host "${raw}" is neither an IP address nor a DNS name.`);
    seen.add(host);
  }
  return [...seen];
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

/** 16 random bytes with the top bit clear: positive, as RFC 5280 requires, and never repeating. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString("hex");
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return `${x509.PemConverter.encode(der, "PRIVATE KEY")}\n`;
}

/** Write-then-rename: a reader never sees half a key, and the mode holds even when replacing a file. */
async function writeAtomic(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, content, { mode, flag: "wx" });
  await rename(temporary, path);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
