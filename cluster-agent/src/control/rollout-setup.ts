/**
 * Rollouts on this agent: the node reconciler (rotates this node's models to the versions the store
 * asks for), the leader candidate (drives rollouts while it holds the cluster lock) and the
 * RolloutService for the control server. agent.ts calls startRollouts once and passes `services` on.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ArtifactCache } from "../cache/artifacts.js";
import {
  type ArtifactPeerServer,
  PeerDirectory,
  peerDispatcher,
  peerDispatchers,
  startArtifactPeerServer,
} from "../cache/peers.js";
import type { Logger } from "../common/log.js";
import type { AgentConfig } from "../config/schema.js";
import { type EmbeddingsOption, embeddingSettings } from "../domain/capabilities.js";
import { buildExternalVersion, externalMemoryPolicy } from "../rollouts/external-build.js";
import { RolloutLeader } from "../rollouts/leader.js";
import { Reconciler } from "../rollouts/reconciler.js";
import { measuredRuntime } from "../rollouts/version-health.js";
import { EmbeddedRuntime } from "../runtime/embedded.js";
import { Scheduler } from "../scheduler/scheduler.js";
import type { ModelRegistry } from "../serving/models.js";
import { ServedModel } from "../serving/models.js";
import { embeddedMemoryPolicy } from "../serving/rotation-memory.js";
import type { Store } from "../store/store.js";
import { artifactClientCheck } from "./artifact-access.js";
import type { AuditRecorder } from "./audit.js";
import type { RevocationCheck } from "./revocations.js";
import type { ServiceImplementation } from "./rpc.js";
import { rolloutService } from "./services/rollouts.js";
import { controlTlsFiles } from "./setup.js";

export interface RolloutDeps {
  config: AgentConfig;
  store: Store;
  models: ModelRegistry;
  recorder: AuditRecorder;
  /** auditCheckpointKey of the pepper: leader steps are appended to the audit chain with it. */
  auditKey: Buffer;
  logger: Logger;
  /** The certificate deny list: a revoked node or operator downloads no artifact from this node. */
  revocations?: RevocationCheck | undefined;
}

export interface Rollouts {
  services: ServiceImplementation[];
  /** Where this node shares artifacts with peers, for the registry; "" when it does not. */
  artifactUrl: string;
  reconciler: Reconciler;
  leader: RolloutLeader;
  stop(): Promise<void>;
}

const numberOr = (value: unknown, fallback: number | undefined) =>
  typeof value === "number" ? value : fallback;

export async function startRollouts(deps: RolloutDeps): Promise<Rollouts> {
  const { config, store, models, logger } = deps;
  const log = logger.child({ component: "rollouts" });
  const node = config.node.name;
  // agent://<node>/<sha256> artifacts come from that peer's share, found in the node registry.
  const tls = controlTlsFiles(config);
  const haveTls = [tls.caFile, tls.certFile, tls.keyFile].every((f) => existsSync(f));
  const peers = new PeerDirectory(store, log);
  // agent://<node> fetches talk only to a server whose certificate is that node's.
  const byNode = haveTls ? peerDispatchers(tls) : undefined;
  const cache = new ArtifactCache({
    dir: config.artifacts.dir ?? join(config.dataDir, "artifacts"),
    maxBytes: config.artifacts.maxBytes,
    logger: log,
    peerUrl: (peer) => peers.url(peer),
    dispatcher: haveTls ? peerDispatcher(tls) : undefined,
    peerDispatcher: byNode?.forNode,
  });
  await cache.open();
  await peers.start();
  let share: ArtifactPeerServer | undefined;
  if (config.artifacts.listen !== "" && haveTls) {
    share = await startArtifactPeerServer({
      listen: config.artifacts.listen,
      tls,
      cache,
      logger: log,
      authorize: artifactClientCheck(deps.revocations),
    });
  }
  const artifactUrl = share
    ? config.artifacts.advertise
      ? `https://${config.artifacts.advertise}`
      : share.url
    : "";

  const embeddedConfig = (id: string) =>
    config.models.find(
      (m): m is Extract<typeof m, { runtime: "embedded" }> => m.id === id && m.runtime === "embedded",
    );
  const externalConfig = (id: string) =>
    config.models.find(
      (m): m is Extract<typeof m, { runtime: "external" }> => m.id === id && m.runtime === "external",
    );
  const scheduling = {
    queueLimit: config.scheduler.queueLimit,
    queueTimeoutMs: config.scheduler.queueTimeoutMs,
    accountQueueShare: config.scheduler.accountQueueShare,
  };
  const reconciler = new Reconciler({
    store,
    node,
    registry: models,
    cache,
    // With no model configured the agent serves the tiny model it generated under <dataDir>/models.
    startedFrom: (id) =>
      config.models.length === 0 ? join(config.dataDir, "models", `${id}.gguf`) : embeddedConfig(id)?.path,
    configuredVersion: (id) => externalConfig(id)?.version,
    build: (version, path, tally) => {
      if (version.runtime === "external")
        return buildExternalVersion({
          version,
          artifactPath: path,
          base: externalConfig(version.model),
          engines: config.engines,
          tally,
          scheduler: scheduling,
          logger: log,
        });
      // The version's runtime options override the node's configuration of the model.
      const base = embeddedConfig(version.model);
      const o = version.runtimeOptions;
      const gpu = o.gpuLayers ?? base?.gpuLayers ?? "auto";
      const threads = numberOr(o.threads, base?.threads ?? 1);
      const runtime = new EmbeddedRuntime({
        modelPath: path,
        modelId: version.model,
        parallel: numberOr(o.parallel, base?.parallel ?? 4),
        threads: threads === 0 ? undefined : threads,
        gpuLayers: gpu === "auto" || typeof gpu === "number" ? gpu : "auto",
        contextSize: version.contextLength ?? numberOr(o.contextSize, base?.contextSize),
        promptCacheTtlMs: config.cache.promptTtlSeconds * 1000,
        // A version that says whether it embeds decides; one that does not keeps the node's setting.
        embeddings: embeddingSettings(
          o.embeddings === undefined ? base?.embeddings : (o.embeddings as EmbeddingsOption),
          "embedded",
        ),
        logger: log,
      });
      return new ServedModel({
        runtime: measuredRuntime(runtime, tally),
        scheduler: new Scheduler({ name: version.model, slots: runtime.slots, ...scheduling }),
        version: version.version,
      });
    },
    memory: (version, path) =>
      version.runtime === "external"
        ? externalMemoryPolicy(version)
        : embeddedMemoryPolicy({ modelPath: path }),
    idleTimeoutMs: config.api.requestTimeoutMs,
    logger: log,
  });
  const leader = new RolloutLeader({ store, node, auditKey: deps.auditKey, logger: log });
  try {
    await reconciler.start();
    await leader.start();
  } catch (error) {
    await reconciler.stop().catch(() => {});
    await share?.stop().catch(() => {});
    peers.stop();
    await cache.close().catch(() => {});
    await byNode?.close();
    throw error;
  }
  return {
    services: [rolloutService({ store, recorder: deps.recorder, node, onChange: () => leader.wake() })],
    artifactUrl,
    reconciler,
    leader,
    stop: async () => {
      await leader.stop();
      await reconciler.stop();
      await share?.stop();
      peers.stop();
      await cache.close();
      await byNode?.close();
    },
  };
}
