import type { FastifyInstance } from "fastify";
import type { Meter } from "../../metering/meter.js";
import { nodeHealth } from "../../serving/health.js";
import type { ModelRegistry } from "../../serving/models.js";
import { servedUnderPressure } from "../overload.js";

/**
 * Liveness (/healthz: the process answers) and readiness for balancers (/readyz, see nodeHealth; also
 * 503 `overloaded` while the node sheds new requests, after the node's own reasons).
 */
export function healthRoutes(
  app: FastifyInstance,
  options: {
    models: Pick<ModelRegistry, "isReady" | "anyAnswering">;
    accepting: () => boolean;
    meter?: Pick<Meter, "refusal"> | undefined;
    /** The node sheds new requests (api/overload.ts): a balancer should send them elsewhere. */
    overloaded?: (() => boolean) | undefined;
  },
): void {
  const { models, accepting, meter, overloaded } = options;
  // Both answer while other requests are shed: a liveness probe failing under load would have the
  // process restarted exactly when it is busiest, and /readyz is how the balancer learns of it.
  const config = servedUnderPressure;
  app.get("/healthz", { config }, async () => ({ status: "ok" }));
  app.get("/readyz", { config }, async (_request, reply) => {
    const { readiness } = nodeHealth({
      refusal: meter?.refusal() ?? null,
      anyModelAnswering: models.anyAnswering(),
      modelsReady: models.isReady(),
      accepting: accepting(),
    });
    if (readiness.ready && !overloaded?.()) return { status: "ready" };
    const reason = readiness.ready ? "overloaded" : readiness.reason;
    return reply
      .code(503)
      .header("retry-after", "5")
      .send(reason ? { status: "not_ready", reason } : { status: "not_ready" });
  });
}
