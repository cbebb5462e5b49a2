import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Admission } from "../admission/setup.js";
import type { Logger } from "../common/log.js";
import type { AgentConfig } from "../config/schema.js";
import type { Store } from "../store/store.js";
import type { AuditRecorder } from "./audit.js";
import type { DrainController } from "./drain.js";
import { MISSED_HEARTBEATS_DOWN } from "./peers.js";
import type { RevocationCheck } from "./revocations.js";
import type { ServiceImplementation } from "./rpc.js";
import { type ControlServer, startControlServer } from "./server.js";
import { abuseService } from "./services/abuse.js";
import { accountService } from "./services/accounts.js";
import { alertsService } from "./services/alerts.js";
import { auditService } from "./services/audit.js";
import { certificateService } from "./services/certs.js";
import { clusterService } from "./services/cluster.js";
import { nodeService, type SnapshotSource } from "./services/node.js";
import { nodeDrainMethods } from "./services/node-drain.js";
import { noticesService } from "./services/notices.js";
import { statusPageService } from "./services/status-page.js";

export interface ControlPlaneDeps {
  config: AgentConfig;
  store: Store;
  admission: Admission;
  drain: DrainController;
  snapshots: SnapshotSource;
  recorder: AuditRecorder;
  /** The audit key (from the cluster pepper) VerifyAudit checks the chain with. */
  auditKey: Buffer;
  logger: Logger;
  /** The certificate deny list every call is checked against. */
  revocations?: RevocationCheck | undefined;
  /** Services started elsewhere (rollouts), served beside the ones made here. */
  services?: ServiceImplementation[];
}

/** Where the node's TLS files are, and whether the operator named them (then they must exist). */
export function controlTlsFiles(config: AgentConfig) {
  const tls = join(config.dataDir, "tls");
  const c = config.control;
  return {
    caFile: c.caFile ?? join(tls, "ca.pem"),
    certFile: c.certFile ?? join(tls, "node.pem"),
    keyFile: c.keyFile ?? join(tls, "node-key.pem"),
    explicit: Boolean(c.caFile || c.certFile || c.keyFile),
  };
}

/**
 * Starts the gRPC control listener (mTLS only) with every service of the contract. Returns undefined
 * when it is turned off, or when the node has no certificates at their default place yet: a fresh
 * single node serves the public API without a control plane, and says how to get one. Certificates the
 * configuration names explicitly must exist: a typo there stops the agent instead of hiding the node.
 */
export async function startControlPlane(deps: ControlPlaneDeps): Promise<ControlServer | undefined> {
  const { config, store, logger } = deps;
  if (config.control.listen === "") return undefined;
  const files = controlTlsFiles(config);
  const missing = [files.caFile, files.certFile, files.keyFile].filter((f) => !existsSync(f));
  if (missing.length > 0 && !files.explicit) {
    logger.warn(
      { missing },
      `control plane off: no node certificate yet. Create one with \`entrim-agent certs init-ca\` and \`entrim-agent certs issue-node --name ${config.node.name}\`, then restart`,
    );
    return undefined;
  }
  const node = config.node.name;
  return startControlServer({
    listen: config.control.listen,
    caFile: files.caFile,
    certFile: files.certFile,
    keyFile: files.keyFile,
    logger,
    revocations: deps.revocations,
    services: [
      nodeService({
        snapshots: deps.snapshots,
        sampleIntervalMs: config.telemetry.sampleIntervalMs,
        drain: nodeDrainMethods({
          drain: deps.drain,
          recorder: deps.recorder,
          node,
          defaultDeadlineSeconds: config.drain.deadlineSeconds,
        }),
      }),
      clusterService({ store, node, heartbeatSeconds: config.node.heartbeatSeconds }),
      abuseService({ store, suspensions: deps.admission.suspensions, recorder: deps.recorder }),
      accountService({ store, recorder: deps.recorder }),
      noticesService({ store, recorder: deps.recorder }),
      auditService({ store, key: deps.auditKey }),
      alertsService({ store, recorder: deps.recorder }),
      statusPageService({
        store,
        recorder: deps.recorder,
        downAfterSeconds: config.node.heartbeatSeconds * MISSED_HEARTBEATS_DOWN,
      }),
      certificateService({ store, recorder: deps.recorder }),
      ...(deps.services ?? []),
    ],
  });
}
