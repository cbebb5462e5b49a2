import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Gauge, type Registry } from "prom-client";

/** A certificate file the agent serves with, by the name its metric label carries. */
export interface WatchedCertificate {
  /** "api" (public HTTPS), "control" (the node's mTLS certificate), "control-ca". */
  name: string;
  file: string;
}

/**
 * `entrim_certificate_not_after_seconds{certificate}`: when each certificate the agent serves with
 * expires, read from its file at scrape time, so a renewed file (SIGHUP reload, rotated node
 * certificate) shows without a restart. A missing or unreadable file is simply absent: the agent
 * would not have started with a broken configured one, and a node without a control plane has none.
 */
export function addCertificateMetrics(registry: Registry, certificates: WatchedCertificate[]): void {
  new Gauge({
    name: "entrim_certificate_not_after_seconds",
    help: "When a certificate the agent serves with expires (leaf of the file), Unix seconds.",
    labelNames: ["certificate"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { name, file } of certificates) {
        const pem = await readFile(file).catch(() => undefined);
        if (!pem) continue;
        try {
          const leaf = new X509Certificate(pem);
          this.set({ certificate: name }, Date.parse(leaf.validTo) / 1000);
        } catch {
          // Not a certificate (a key file named by mistake): nothing to say about its expiry.
        }
      }
    },
  });
}
