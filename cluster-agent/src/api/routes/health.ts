import type { FastifyInstance } from "fastify";
import type { Meter } from "../../metering/meter.js";
import { nodeHealth } from "../../serving/health.js";
import type { ModelRegistry } from "../../serving/models.js";

/** Liveness (/healthz: the process answers) and readiness for balancers (/readyz, see nodeHealth). */
export function healthRoutes(
  app: FastifyInstance,
  options: {
    models: Pick<ModelRegistry, "isReady" | "anyAnswering">;
    accepting: () => boolean;
    meter?: Pick<Meter, "refusal"> | undefined;
  },
): void {
  const { models, accepting, meter } = options;
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const { readiness } = nodeHealth({
      refusal: meter?.refusal() ?? null,
      anyModelAnswering: models.anyAnswering(),
      modelsReady: models.isReady(),
      accepting: accepting(),
    });
    if (readiness.ready) return { status: "ready" };
    const reason = readiness.reason;
    return reply
      .code(503)
      .header("retry-after", "5")
      .send(reason ? { status: "not_ready", reason } : { status: "not_ready" });
  });
}
