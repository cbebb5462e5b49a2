import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AdmissionGate } from "../../admission/gate.js";
import type { Logger } from "../../common/log.js";
import type { Meter } from "../../metering/meter.js";
import type { InFlightRequests } from "../../serving/in-flight.js";
import type { ModelRegistry } from "../../serving/models.js";
import type { GenerationEndpoint } from "../endpoint.js";
import { chatEndpoint } from "../endpoints/chat.js";
import { completionsEndpoint } from "../endpoints/completions.js";
import { nodeUnavailable, type RetiredModels } from "../errors.js";
import { handleGeneration } from "../generation.js";
import { responsesEndpoint } from "../responses/index.js";

export interface GenerationRoutesOptions {
  models: ModelRegistry;
  logger: Logger;
  gate: Required<AdmissionGate>;
  inFlight: InFlightRequests;
  meter?: Meter | undefined;
  accepting: () => boolean;
  writeTimeoutMs: number;
  retirements?: RetiredModels | undefined;
}

/** The generation endpoints (chat completions, completions, Responses); refused at once while the node takes no traffic. */
export function generationRoutes(app: FastifyInstance, options: GenerationRoutesOptions): void {
  const { models, logger, gate, inFlight, meter, accepting, writeTimeoutMs, retirements } = options;
  const generation =
    <Body>(endpoint: GenerationEndpoint<Body>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      if (!accepting()) throw nodeUnavailable();
      await handleGeneration(endpoint, request, reply, request.principal!, {
        models,
        logger,
        gate,
        inFlight,
        meter: meter ?? null,
        writeTimeoutMs,
        retirements,
      });
    };
  app.post("/v1/chat/completions", generation(chatEndpoint));
  app.post("/v1/completions", generation(completionsEndpoint));
  app.post("/v1/responses", generation(responsesEndpoint));
}
