import { createPrivateKey as createKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Server as HttpsServer, ServerOptions } from "node:https";
import type { Logger } from "../common/log.js";

export interface ApiTlsFiles {
  /** PEM certificate chain (leaf first). */
  certFile: string;
  keyFile: string;
}

/** What a certificate is, in the words an operator checks: the subject and when it expires. */
export interface ServedCertificate {
  subject: string;
  notAfter: string;
  fingerprint256: string;
}

/**
 * TLS 1.2 at least (1.3 preferred by the handshake itself), and for 1.2 only forward-secret AEAD
 * suites: what Mozilla's "intermediate" profile allows. Every maintained OpenAI SDK and curl meets it.
 */
const CIPHERS = [
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

function secureOptions(cert: Buffer, key: Buffer) {
  return { cert, key, minVersion: "TLSv1.2" as const, ciphers: CIPHERS, honorCipherOrder: true };
}

/** Thrown when the files cannot serve: the message names the file and what to do. */
export class TlsFilesError extends Error {
  override name = "TlsFilesError";
}

/** Reads and checks the pair; throws TlsFilesError rather than serving something half-loaded. */
export function loadTlsFiles(files: ApiTlsFiles): { cert: Buffer; key: Buffer; served: ServedCertificate } {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new TlsFilesError(
        `cannot read the API's TLS ${what} ${path}: ${(error as Error).message}; check api.tls.${what === "certificate" ? "certFile" : "keyFile"}`,
      );
    }
  };
  const cert = read(files.certFile, "certificate");
  const key = read(files.keyFile, "key");
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    throw new TlsFilesError(`${files.certFile} is not a PEM certificate: ${(error as Error).message}`);
  }
  try {
    if (!x509.checkPrivateKey(createKey(key))) {
      throw new TlsFilesError(
        `${files.keyFile} is not the private key of the certificate in ${files.certFile}; install the matching pair`,
      );
    }
  } catch (error) {
    if (error instanceof TlsFilesError) throw error;
    throw new TlsFilesError(`${files.keyFile} is not a PEM private key: ${(error as Error).message}`);
  }
  return {
    cert,
    key,
    served: {
      subject: x509.subject.replace(/\n/g, ", "),
      notAfter: x509.validTo,
      fingerprint256: x509.fingerprint256,
    },
  };
}

/** Options for Node's https server: the loaded pair and the protocol floor. */
export function httpsOptions(files: ApiTlsFiles): { options: ServerOptions; served: ServedCertificate } {
  const { cert, key, served } = loadTlsFiles(files);
  return {
    served,
    options: secureOptions(cert, key),
  };
}

/**
 * Serves the certificate now in the files, for new handshakes; connections already open keep the
 * one they negotiated (nothing is dropped). Files that do not load leave the old certificate served
 * and throw, so a botched renewal is an error in the log, not an outage.
 */
export function reloadTls(server: HttpsServer, files: ApiTlsFiles, logger: Logger): ServedCertificate {
  let loaded: ReturnType<typeof loadTlsFiles>;
  try {
    loaded = loadTlsFiles(files);
  } catch (error) {
    logger.error(
      { err: { message: (error as Error).message } },
      "API certificate reload failed; still serving the previous certificate",
    );
    throw error;
  }
  server.setSecureContext(secureOptions(loaded.cert, loaded.key));
  logger.info({ ...loaded.served, certFile: files.certFile }, "API certificate reloaded: now serving it");
  return loaded.served;
}
