import { EventEmitter, once } from "node:events";
import type { AdmissionGate } from "../admission/gate.js";
import { type ApiServerOptions, createApiServer } from "../api/server.js";
import { createLogger } from "../common/log.js";
import type { Meter } from "../metering/meter.js";
import type { DeltaSink, GenerationRequest, GenerationResult, Runtime } from "../runtime/types.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { InFlightRequests } from "../serving/in-flight.js";
import { ModelRegistry } from "../serving/models.js";

/**
 * A runtime whose generations run until the test releases them (or they are aborted), so a test can
 * hold requests in flight and decide when they finish. "started" is emitted as each one begins.
 */
export class HeldRuntime extends EventEmitter implements Runtime {
  readonly kind = "external" as const;
  readonly model = { id: "held", contextLength: 4096, ownedBy: "test", created: 0 };
  private readonly waiting = new Set<() => void>();

  constructor(readonly slots = 4) {
    super();
  }

  async load(): Promise<void> {}
  async unload(): Promise<void> {}
  async countPromptTokens(): Promise<number> {
    return 1;
  }

  async generate(request: GenerationRequest, onDelta?: DeltaSink): Promise<GenerationResult> {
    onDelta?.("Hi");
    const aborted = await new Promise<boolean>((resolve) => {
      const finish = () => {
        this.waiting.delete(finish);
        resolve(false);
      };
      this.waiting.add(finish);
      request.signal.addEventListener("abort", () => {
        this.waiting.delete(finish);
        resolve(true);
      });
      this.emit("started");
    });
    return {
      text: "Hi",
      finishReason: "stop",
      usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0 },
      aborted,
    };
  }

  /** Resolves once `count` generations are running. */
  async whenRunning(count: number): Promise<void> {
    while (this.waiting.size < count) await once(this, "started");
  }

  /** Lets every running generation finish normally. */
  releaseAll(): void {
    for (const finish of [...this.waiting]) finish();
  }

  stats() {
    return {
      active: this.waiting.size,
      slots: this.slots,
      requestsTotal: 0,
      promptTokensTotal: 0,
      completionTokensTotal: 0,
    };
  }

  async health() {
    return { ok: true, detail: "held" };
  }
}

/**
 * A public API server on a HeldRuntime, every key accepted, with the given gates. The key names the
 * account: `Bearer test` is acct_test, `Bearer b` acct_b.
 */
export async function heldApiServer(options: {
  gates: AdmissionGate[];
  isAcceptingTraffic: () => boolean;
  meter?: Meter | undefined;
  catalogue?: ApiServerOptions["catalogue"];
  slots?: number;
  queueLimit?: number;
  accountQueueShare?: number;
  overload?: ApiServerOptions["overload"];
}) {
  const runtime = new HeldRuntime(options.slots);
  const scheduler = new Scheduler({
    name: "held",
    slots: runtime.slots,
    queueLimit: options.queueLimit ?? 16,
    queueTimeoutMs: 60_000,
    accountQueueShare: options.accountQueueShare,
  });
  const models = new ModelRegistry();
  models.add({ runtime, scheduler });
  await models.loadAll();
  const inFlight = new InFlightRequests();
  const app = createApiServer({
    models,
    authenticator: {
      authenticate: (authorization) => ({
        ok: true,
        keyId: "abcdefghijkl",
        accountId: `acct_${authorization?.slice("Bearer ".length) ?? "test"}`,
      }),
    },
    logger: createLogger({ level: "silent" }),
    bodyLimitBytes: 1024 * 1024,
    requestTimeoutMs: 30_000,
    gates: options.gates,
    isAcceptingTraffic: options.isAcceptingTraffic,
    inFlight,
    meter: options.meter,
    catalogue: options.catalogue,
    overload: options.overload,
  });
  await app.ready();
  const generate = (stream = false, key = "test") =>
    app.inject({
      method: "POST",
      url: "/v1/chat/completions",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      payload: { model: "held", messages: [{ role: "user", content: "x" }], max_tokens: 4, stream },
    });
  return { app, runtime, scheduler, models, inFlight, generate };
}
