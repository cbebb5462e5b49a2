import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { KeyCache } from "./admission/key-cache.js";
import { type Admission, startAdmission } from "./admission/setup.js";
import { startAgentAlerting } from "./alerting/setup.js";
import { type ApiServer, createApiServer } from "./api/server.js";
import { ApiError } from "./common/errors.js";
import { createLogger } from "./common/log.js";
import { VERSION } from "./common/version.js";
import { parseListenAddress } from "./config/listen-address.js";
import { loadPepper } from "./config/pepper.js";
import type { AgentConfig } from "./config/schema.js";
import { DrainController } from "./control/drain.js";
import { gateHealth, nodeControlState } from "./control/node-state.js";
import { MISSED_HEARTBEATS_DOWN } from "./control/peers.js";
import { RegionGate } from "./control/region.js";
import { RegistryWrites } from "./control/registry-writes.js";
import { RevocationList } from "./control/revocations.js";
import { startRollouts } from "./control/rollout-setup.js";
import { controlTlsFiles, startControlPlane } from "./control/setup.js";
import type { PriceBook } from "./domain/pricing.js";
import { Mailer } from "./mail/mailer.js";
import { Meter } from "./metering/meter.js";
import { CatalogueNames } from "./metering/model-names.js";
import { StorePriceBook } from "./metering/price-book.js";
import { UnshippedSpend } from "./metering/unshipped-spend.js";
import { startPortal } from "./portal/setup.js";
import { dropCachedPromptsOnSanctions } from "./runtime/cache-drops.js";
import { createRuntime, defaultModels } from "./runtime/factory.js";
import { StoreAuditRecorder } from "./store/audit-recorder.js";
import { stripeClient, stripePayments } from "./store/stripe-client.js";

export { DEFAULT_MODEL_ID } from "./runtime/factory.js";

import { INVOICE_PAID_CHANNEL, startDunning } from "./billing/dunning.js";
import { startInvoiceSchedule } from "./billing/schedule.js";
import { portalBaseUrl } from "./config/portal.js";
import { Scheduler } from "./scheduler/scheduler.js";
import { nodeHealth } from "./serving/health.js";
import { InFlightRequests } from "./serving/in-flight.js";
import { ModelRegistry } from "./serving/models.js";
import { StatusPage } from "./status/page.js";
import { auditCheckpointKey } from "./store/audit-hash.js";
import { startAuditMaintenance } from "./store/audit-maintenance.js";
import { heartbeat, type NodeRegistration, upsertNode } from "./store/nodes.js";
import { agentApplicationName, openStore, type Store } from "./store/store.js";
import { startUsageMaintenance } from "./store/usage-maintenance.js";
import { HostSampler } from "./telemetry/host.js";
import { KernelLog } from "./telemetry/kernel-log.js";
import { startMetricsServer } from "./telemetry/metrics.js";
import { GpuSampler } from "./telemetry/nvidia-smi.js";
import { Telemetry } from "./telemetry/snapshot.js";
import { StoreProbe } from "./telemetry/store-probe.js";
import { TrafficWindow } from "./telemetry/traffic.js";

const shutdownCut = new ApiError(
  503,
  "server_error",
  "This node is shutting down and ended the request at its shutdown deadline. Retry the request: another node will serve it.",
  null,
  "node_draining",
);

export interface RunningAgent {
  config: AgentConfig;
  /** Base URL of the public API, e.g. http://127.0.0.1:8080 (https:// with api.tls) */
  apiUrl: string;
  /** `server.reloadTls()` re-reads api.tls's files (what SIGHUP does). */
  server: ApiServer;
  store: Store;
  models: ModelRegistry;
  inFlight: InFlightRequests;
  admission: Admission;
  /** Price versions from the store, for pricing each request (the meter takes it). */
  priceBook: StorePriceBook;
  meter: Meter;
  /** Snapshots of the node (GPUs, traffic, store, spool) shared by every watcher and /metrics. */
  telemetry: Telemetry;
  /** Prometheus /metrics address (host:port), "" when off. */
  metricsAddress: string;
  /** gRPC control address (host:port), "" when off or without certificates. */
  controlAddress: string;
  /** Base URL of the customer portal's listener (e.g. http://127.0.0.1:8088), "" when off. */
  portalUrl: string;
  drain: DrainController;
  stop(): Promise<void>;
}

/** Starts one agent: store, key cache, runtimes, public API, node registry. */
export async function startAgent(
  config: AgentConfig,
  logger = createLogger({ level: config.logLevel }),
  options: { priceBook?: PriceBook } = {},
): Promise<RunningAgent> {
  const startedAt = Date.now();
  mkdirSync(config.dataDir, { recursive: true });
  // Before anything else: a node outside the allowed regions says so at once, and never serves.
  const region = new RegionGate({
    region: config.node.region,
    allowedRegions: config.node.allowedRegions,
    logger,
  });
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger,
    applicationName: agentApplicationName(config.node.name),
  });
  const cleanup: (() => Promise<unknown>)[] = [() => store.close()];
  const undo = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };
  try {
    const usageMaintenance = startUsageMaintenance({
      pool: store.pool,
      retention: config.retention,
      intervalMs: config.retention.maintenanceIntervalMinutes * 60_000,
      logger,
    });
    // Today's partition exists before the first request is served, so no event waits in DEFAULT.
    await usageMaintenance.runNow();
    cleanup.push(() => usageMaintenance.stop());

    const pepper = await loadPepper({ dataDir: config.dataDir, env: process.env });
    const auditKey = auditCheckpointKey(pepper);
    const recorder = new StoreAuditRecorder(store, config.node.name, auditKey);
    const invoiceSchedule = startInvoiceSchedule({
      pool: store.pool,
      billing: config.billing,
      taxYears: config.retention.taxYears,
      node: config.node.name,
      intervalMs: config.retention.maintenanceIntervalMinutes * 60_000,
      // Links only where a customer can follow them: a portal with a public address, and Stripe on.
      payBase: config.stripe && config.portal?.publicUrl ? config.portal.publicUrl : undefined,
      stripe: config.stripe ? stripeClient(config.stripe, process.env) : undefined,
      logger,
      // Each issued invoice and retention batch is audited in its own transaction.
      recorder,
    });
    // Once at start, like the other leader jobs: a month boundary crossed while the cluster was down is
    // caught up now, not an interval later. Not awaited: issuing must not hold up serving.
    void invoiceSchedule.runNow();
    cleanup.push(() => invoiceSchedule.stop());
    const auditMaintenance = startAuditMaintenance({
      pool: store.pool,
      retentionDays: config.audit.retentionDays,
      intervalMs: config.retention.maintenanceIntervalMinutes * 60_000,
      key: auditKey,
      node: config.node.name,
      logger,
    });
    // Once at start as well, like the other retention jobs: a cluster whose agents restart more often
    // than the interval (deploys, crashes) would otherwise never prune the audit log. Not awaited: a
    // long prune must not hold up serving.
    void auditMaintenance.runNow();
    cleanup.push(() => auditMaintenance.stop());
    // Dunning: reminders, warnings, suspension for non-payment and its lifting, on the leader only.
    const dunning = startDunning({
      pool: store.pool,
      config: config.dunning,
      recorder,
      by: `agent:${config.node.name}`,
      payUrl: (id) => `${portalBaseUrl(config.portal)}/invoices/${id}`,
      intervalMs: config.dunning.intervalMinutes * 60_000,
      logger,
    });
    void dunning.runNow();
    cleanup.push(() => dunning.stop());
    // A payment lifts its non-payment suspension at once: the invoices trigger's NOTIFY wakes the job
    // (the holder of its lock acts; other agents return at once). A pass already running may have read
    // the invoice before it was paid, so one more follows it.
    const unlistenPaid = await store.listen(INVOICE_PAID_CHANNEL, () => {
      void dunning.runNow().then(() => dunning.runNow());
    });
    cleanup.push(unlistenPaid);
    const keys = new KeyCache({ store, pepper, logger, resyncIntervalMs: config.keys.resyncSeconds * 1000 });
    await keys.start();
    cleanup.push(() => keys.stop());
    const priceBook = new StorePriceBook({ store, logger });
    await priceBook.start();
    cleanup.push(() => priceBook.stop());
    // The public status page, cached per agent and dropped on every notice change (entrim_status).
    const statusPage = new StatusPage({
      store,
      downAfterSeconds: config.node.heartbeatSeconds * MISSED_HEARTBEATS_DOWN,
      logger,
    });
    await statusPage.start();
    cleanup.push(() => statusPage.stop());
    const catalogue = new CatalogueNames({ store, logger });
    await catalogue.start();
    cleanup.push(() => catalogue.stop());
    if (config.mail) {
      // Every agent with mail configured sends from the shared queue; the claims keep each message to one.
      const mailer = new Mailer({ store, config: config.mail, logger });
      await mailer.start();
      cleanup.push(() => mailer.stop());
    }

    const models = new ModelRegistry();
    for (const model of await defaultModels(config, logger)) {
      const runtime = createRuntime(model, config, logger);
      models.add({
        version: model.runtime === "external" ? model.version : undefined,
        runtime,
        scheduler: new Scheduler({
          name: model.id,
          slots: runtime.slots,
          queueLimit: config.scheduler.queueLimit,
          queueTimeoutMs: config.scheduler.queueTimeoutMs,
          accountQueueShare: config.scheduler.accountQueueShare,
        }),
      });
    }
    cleanup.push(() => models.unloadAll());
    await models.loadAll();

    const m = config.metering;
    // Prepaid accounts' spend waiting in the spool counts against their balance on this agent at once.
    let admission: Awaited<ReturnType<typeof startAdmission>> | undefined;
    const unshipped = new UnshippedSpend((accountId) => admission?.prepaid.isPrepaid(accountId) === true);
    const meter = await Meter.start({
      dir: m.spoolDir ?? join(config.dataDir, "spool"),
      db: store.pool,
      node: config.node.name,
      logger,
      priceBook: options.priceBook ?? priceBook,
      maxBytes: m.maxBytes,
      segmentBytes: m.segmentBytes,
      fsyncIntervalMs: m.fsyncIntervalMs,
      durability: m.durability,
      batchSize: m.batchSize,
      shipIntervalMs: m.shipIntervalMs,
      shipMinIntervalMs: m.shipMinIntervalMs,
      backoffInitialMs: m.backoffInitialMs,
      backoffMaxMs: m.backoffMaxMs,
      alarmAfterMs: m.alarmAfterSeconds * 1000,
      alarmDepthFraction: m.alarmDepthFraction,
      unshipped,
    });
    // Pushed before the server's close: on shutdown the server stops first, then the spool is flushed.
    cleanup.push(() => meter.stop());

    const inFlight = new InFlightRequests();
    const traffic = new TrafficWindow();
    admission = await startAdmission(config, store, inFlight, logger, unshipped);
    cleanup.push(() => admission.stop());
    const registryWrites = new RegistryWrites();
    const drain: DrainController = await DrainController.open({
      dataDir: config.dataDir,
      load: () => ({
        inFlight: inFlight.size,
        queued: models.list().reduce((sum, m) => sum + m.scheduler.stats().queued, 0),
      }),
      inFlight,
      retryAfterSeconds: config.drain.retryAfterSeconds,
      defaultDeadlineMs: config.drain.deadlineSeconds * 1000,
      registry: () =>
        registryWrites.run(() => heartbeat(store.pool, config.node.name, nodeControlState(region, drain))),
      logger,
    });
    cleanup.push(async () => drain.close());
    // suspension → region and drain gates → validation, as the design orders admission.
    const gates = [...admission.gates];
    gates.splice(gates.indexOf(admission.suspensions) + 1, 0, region, drain.gate);
    dropCachedPromptsOnSanctions({
      runtimes: () => models.all().map((m) => m.runtime),
      suspensions: admission.suspensions,
      keys,
      logger,
    });
    const server = createApiServer({
      models,
      authenticator: keys,
      gates,
      isAcceptingTraffic: () => region.isAccepting() && drain.isAccepting(),
      inFlight,
      meter,
      prices: options.priceBook ?? priceBook,
      logger,
      bodyLimitBytes: config.api.bodyLimitBytes,
      requestTimeoutMs: config.api.requestTimeoutMs,
      writeTimeoutMs: config.api.writeTimeoutMs,
      traffic,
      catalogue,
      statusPage: () => statusPage.current(),
      trustedProxies: config.api.trustedProxies,
      forwardedHeader: config.api.forwardedHeader,
      proxyProtocol: config.api.proxyProtocol,
      tls: config.api.tls,
      overload: config.api.overload,
    });
    const address = await server.listen(parseListenAddress(config.api.listen));
    // Stopping (SIGTERM) waits for requests already running, as a drain does, and like a drain ends
    // the stragglers at the drain deadline with an error chunk (billed for what they generated), so a
    // process manager's stop timeout never kills a stream unbilled.
    cleanup.push(async () => {
      const deadline = setTimeout(() => {
        const cut = inFlight.cutWhere(() => true, shutdownCut);
        if (cut > 0) logger.warn({ cut }, "shutdown deadline passed: ended requests in flight");
      }, config.drain.deadlineSeconds * 1000);
      try {
        await server.close();
      } finally {
        clearTimeout(deadline);
      }
    });

    // The customer portal, on its own listener: the same store, the audit recorder, the pepper (TOTP
    // sealing, CSRF keys) and the IP blocker, so a failed portal login counts like a wrong API key.
    const portal = config.portal.listen
      ? await startPortal(
          config,
          {
            store,
            recorder,
            pepper,
            logger,
            node: config.node.name,
            now: () => new Date(),
            payments: config.stripe ? stripePayments(config.stripe, process.env) : undefined,
            billing: config.billing,
          },
          admission,
        )
      : undefined;
    if (portal) cleanup.push(() => portal.stop());

    const storeProbe = new StoreProbe({ store });
    const gpuSampler = new GpuSampler({ binary: config.telemetry.nvidiaSmi });
    const kernelLog = new KernelLog({ path: config.telemetry.kernelLog, logger });
    cleanup.push(() => kernelLog.close());
    const host = new HostSampler({
      paths: [
        { role: "data", path: config.dataDir },
        { role: "spool", path: m.spoolDir ?? join(config.dataDir, "spool") },
        { role: "cache", path: config.artifacts.dir ?? join(config.dataDir, "artifacts") },
      ],
      driverVersion: () => gpuSampler.driverVersion(),
    });
    const telemetry = new Telemetry({
      node: config.node.name,
      region: config.node.region,
      version: VERSION,
      startedAt,
      sampleIntervalMs: config.telemetry.sampleIntervalMs,
      gpus: gpuSampler,
      host,
      kernelLog,
      traffic,
      models,
      store: storeProbe,
      spool: meter,
      state: (runtimes) => {
        const spool = meter.status();
        const { control } = nodeHealth({
          ...gateHealth(region, drain),
          storeConnected: storeProbe.status().connected,
          spoolWriteError: spool.writeError,
          // The alarm matters only without a write error, which says more; not read otherwise.
          spoolAlarm: !spool.writeError && meter.spoolStatus().alarm,
          modelsReady: models.isReady(),
          runtimes,
        });
        return { ...control, drain: drain.status() };
      },
      logger,
    });
    await telemetry.start();
    cleanup.push(async () => telemetry.stop());
    const controlTls = controlTlsFiles(config);
    const metrics = await startMetricsServer({
      listen: config.metrics.listen,
      telemetry,
      shedding: server.shedding,
      certificates: [
        ...(config.api.tls ? [{ name: "api", file: config.api.tls.certFile }] : []),
        { name: "control", file: controlTls.certFile },
        { name: "control-ca", file: controlTls.caFile },
      ],
      logger,
    });
    cleanup.push(() => metrics.stop());
    // The certificate deny list, before anything that accepts a certificate.
    const revocations = new RevocationList({ store, logger });
    await revocations.start();
    cleanup.push(() => revocations.stop());
    const rollouts = await startRollouts({ config, store, models, recorder, auditKey, logger, revocations });
    cleanup.push(() => rollouts.stop());
    const control = await startControlPlane({
      revocations,
      services: rollouts.services,
      config,
      store,
      admission,
      drain,
      snapshots: telemetry,
      recorder,
      auditKey,
      logger,
    });
    // Stopped first on shutdown (cleanup runs in reverse): watchers get UNAVAILABLE, not a hang.
    if (control) cleanup.push(() => control.stop());

    const node: NodeRegistration = {
      name: config.node.name,
      region: config.node.region,
      addresses: [address],
      version: VERSION,
      models: models.list().map((m) => ({ id: m.runtime.model.id, runtime: m.runtime.kind })),
      controlAddress: control ? (config.control.advertise ?? control.address) : "",
      metricsAddress: metrics.address,
      artifactUrl: rollouts.artifactUrl,
      ...nodeControlState(region, drain),
    };
    await upsertNode(store.pool, node);
    // Alerting: this node's health summary beside each heartbeat, its turn at the leader's evaluation,
    // and its own page when it cannot reach the store (docs/alerting.md).
    const tlsFiles = controlTlsFiles(config);
    const alerting = startAgentAlerting({
      config: config.alerting,
      node: node.name,
      heartbeatSeconds: config.node.heartbeatSeconds,
      missedBeats: MISSED_HEARTBEATS_DOWN,
      store,
      telemetry,
      diskPath: m.spoolDir ?? join(config.dataDir, "spool"),
      certificates: [
        { name: "node", path: tlsFiles.certFile },
        { name: "ca", path: tlsFiles.caFile },
      ],
      env: process.env,
      logger,
    });
    cleanup.push(() => alerting.stop());
    await alerting.writeHealth().catch(() => {});
    const beat = setInterval(() => {
      registryWrites
        .run(() => heartbeat(store.pool, node.name, nodeControlState(region, drain)))
        .then(
          (beaten) =>
            beaten &&
            alerting
              .writeHealth()
              .catch((error: Error) =>
                logger.warn({ err: { message: error.message } }, "node health summary not written"),
              ),
          (error: Error) =>
            logger.warn({ err: { message: error.message } }, "node heartbeat failed; serving from memory"),
        );
    }, config.node.heartbeatSeconds * 1000);
    beat.unref();
    cleanup.push(async () => {
      clearInterval(beat);
      // Nothing of this process may land after the stop (see RegistryWrites).
      await registryWrites.close();
      // The drain as it is now, not as it was at start: a stopped node must come back as it left.
      await upsertNode(store.pool, { ...node, ...nodeControlState(region, drain), state: "stopped" }).catch(
        () => {},
      );
    });

    logger.info(
      {
        api: address,
        control: node.controlAddress,
        metrics: metrics.address,
        portal: portal?.url,
        node: node.name,
        region: node.region,
        models: node.models,
        version: VERSION,
      },
      "agent ready",
    );
    let stopping: Promise<void> | undefined;
    return {
      config,
      apiUrl: address,
      server,
      store,
      models,
      inFlight,
      admission,
      priceBook,
      meter,
      telemetry,
      metricsAddress: metrics.address,
      controlAddress: control?.address ?? "",
      portalUrl: portal?.url ?? "",
      drain,
      stop: () => {
        stopping ??= undo().then(() => logger.info("agent stopped"));
        return stopping;
      },
    };
  } catch (error) {
    await undo();
    throw error;
  }
}
