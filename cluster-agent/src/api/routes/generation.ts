import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AdmissionGate } from "../../admission/gate.js";
import { ApiError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import { capabilitiesOfModel } from "../../domain/capabilities.js";
import type { Meter } from "../../metering/meter.js";
import type { InFlightRequests } from "../../serving/in-flight.js";
import type { ModelRegistry } from "../../serving/models.js";
import { handleGeneration } from "../generation.js";

export interface GenerationRoutesOptions {
  models: ModelRegistry;
  logger: Logger;
  gate: Required<AdmissionGate>;
  inFlight: InFlightRequests;
  meter?: Meter | undefined;
  accepting: () => boolean;
  writeTimeoutMs: number;
}

/**
 * A served model that does not generate (an engine that only embeds) is refused before anything is
 * parsed or queued, naming it; an unknown or malformed model is left to the generation's own checks.
 */
function refuseNonGenerating(models: ModelRegistry, kind: "chat" | "completion", body: unknown): void {
  const name = (body as { model?: unknown } | null)?.model;
  const served = typeof name === "string" ? models.get(name) : undefined;
  if (!served) return;
  const capabilities = capabilitiesOfModel(served.runtime.model);
  if (kind === "chat" ? capabilities.chat : capabilities.completions) return;
  throw new ApiError(
    400,
    "invalid_request_error",
    `The model \`${name}\` does not support ${kind === "chat" ? "chat completions" : "completions"}${capabilities.embeddings ? "; it serves POST /v1/embeddings" : ""}.`,
    "model",
    "model_not_supported",
  );
}

/** POST /v1/chat/completions and /v1/completions; refused at once while the node takes no traffic. */
export function generationRoutes(app: FastifyInstance, options: GenerationRoutesOptions): void {
  const { models, logger, gate, inFlight, meter, accepting, writeTimeoutMs } = options;
  const generation =
    (kind: "chat" | "completion") => async (request: FastifyRequest, reply: FastifyReply) => {
      if (!accepting()) {
        throw new ApiError(
          503,
          "server_error",
          "This node is not accepting requests right now; retry shortly.",
          null,
          "node_unavailable",
          {
            "retry-after": "5",
          },
        );
      }
      refuseNonGenerating(models, kind, request.body);
      await handleGeneration(kind, request, reply, request.principal!, {
        models,
        logger,
        gate,
        inFlight,
        meter: meter ?? null,
        writeTimeoutMs,
      });
    };
  app.post("/v1/chat/completions", generation("chat"));
  app.post("/v1/completions", generation("completion"));
}
