import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AdmissionGate } from "../../admission/gate.js";
import { Cancellation } from "../../common/cancellation.js";
import { ApiError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import { capabilitiesOfModel } from "../../domain/capabilities.js";
import type { TokenUsage } from "../../domain/token-usage.js";
import type { Meter } from "../../metering/meter.js";
import { ClientGoneError } from "../../scheduler/scheduler.js";
import type { InFlightRequests } from "../../serving/in-flight.js";
import type { ModelRegistry, ServedModel } from "../../serving/models.js";
import {
  type EmbeddingsBody,
  embeddingsResponse,
  inputTokenBound,
  parseEmbeddingsBody,
} from "../embeddings.js";
import { modelNotFound, nodeUnavailable, type RetiredModels, refuseIfRetired } from "../errors.js";
import { recordCompleted, recordUsageQuietly, type UsageSubject } from "../usage-record.js";

export interface EmbeddingsRouteOptions {
  models: ModelRegistry;
  logger: Logger;
  gate: Required<AdmissionGate>;
  inFlight: InFlightRequests;
  meter?: Meter | undefined;
  accepting: () => boolean;
  /** Models retired from the catalogue are refused, as their deprecation notice promised. */
  retirements?: RetiredModels | undefined;
}

/** One admitted embeddings request, as the stages below share it. */
interface Call extends UsageSubject {
  reply: FastifyReply;
  options: EmbeddingsRouteOptions;
}

const EMBEDDINGS = { name: "embeddings" } as const;

/** A served model that does not embed: the customer learns which ones do. */
function checkEmbeds(models: ModelRegistry, served: ServedModel): void {
  if (capabilitiesOfModel(served.runtime.model).embeddings) return;
  const embedding = models
    .list()
    .filter((m) => capabilitiesOfModel(m.runtime.model).embeddings)
    .map((m) => m.runtime.model.id);
  const which =
    embedding.length === 0
      ? "No model on this server embeds."
      : `Models that embed: ${embedding.join(", ")}.`;
  throw new ApiError(
    400,
    "invalid_request_error",
    `The model \`${served.runtime.model.id}\` does not support embeddings. ${which}`,
    "model",
    "model_not_supported",
  );
}

async function handleEmbeddings(
  request: FastifyRequest,
  reply: FastifyReply,
  options: EmbeddingsRouteOptions,
): Promise<void> {
  // Before anything runs: a request whose usage could not be recorded must not be served.
  options.meter?.ensureCapacity();
  const body = parseEmbeddingsBody(request.body);
  refuseIfRetired(options.retirements, body.model);
  const known = options.models.get(body.model);
  if (!known) throw modelNotFound(body.model);
  checkEmbeds(options.models, known);
  const abort = new Cancellation();
  const raw = reply.raw;
  raw.once("close", () => {
    if (!raw.writableFinished) abort.abort();
  });
  const call: Call = {
    request,
    reply,
    principal: request.principal!,
    options,
    deps: { meter: options.meter ?? null, logger: options.logger },
    endpoint: EMBEDDINGS,
    model: body.model,
    firstTokenAt: null,
  };
  // Held until the answer is sent, so a rotation never unloads the version mid-request.
  const entered = options.models.enter(body.model, abort.signal);
  if (!entered) throw modelNotFound(body.model);
  let served: ServedModel;
  try {
    served = await entered;
  } catch (error) {
    if (!(error instanceof ClientGoneError)) throw error;
    reply.hijack();
    void recordUsageQuietly(call, "cut", 499, null);
    return;
  }
  try {
    await embedOn(served, body, call, abort);
  } finally {
    served.leave();
  }
}

async function embedOn(
  served: ServedModel,
  body: EmbeddingsBody,
  call: Call,
  abort: Cancellation,
): Promise<void> {
  const { options, reply, principal, request } = call;
  const model = served.runtime.model.id;
  call.model = model;
  served.scheduler.checkRoom(principal.accountId);
  // Rate limits hold an upper bound until the exact count is known; settle() takes the exact one.
  const reservation = options.gate.reserve({
    principal,
    ip: request.clientIp,
    model,
    promptTokens: inputTokenBound(body.inputs),
    maxTokens: 0,
  });
  let usage: TokenUsage | null = null;
  try {
    if (reservation) reply.headers(reservation.headers);
    let release: () => void;
    try {
      release = await served.scheduler.acquire(principal.accountId, abort.signal);
    } catch (error) {
      if (!(error instanceof ClientGoneError)) throw error;
      reply.hijack();
      void recordUsageQuietly(call, "cut", 499, null);
      return;
    }
    request.ran = true;
    let cutBy: ApiError | null = null;
    const unregister = options.inFlight.add({
      principal,
      ip: request.clientIp,
      model,
      cut: (error) => {
        cutBy = error;
        abort.abort();
      },
    });
    try {
      const embed = served.runtime.embed;
      if (!embed) throw new Error(`model ${model} has no embeddings`);
      let result: Awaited<ReturnType<typeof embed>>;
      try {
        result = await embed.call(served.runtime, {
          inputs: body.inputs,
          dimensions: body.dimensions,
          signal: abort.signal,
        });
      } catch (error) {
        // An engine call torn down by the cut or by the client leaving fails; that is not its fault.
        if (cutBy) throw cutBy;
        if (!abort.aborted) throw error;
        reply.hijack();
        void recordUsageQuietly(call, "cut", 499, null);
        return;
      }
      usage = { promptTokens: result.promptTokens, cachedTokens: 0, completionTokens: 0 };
      if (reservation?.reconcile) {
        // The exact count is only known once embedded (normally far below the byte bound); the
        // headers then tell the client what the request really used.
        try {
          reservation.reconcile(result.promptTokens, 0);
        } catch {
          // Over by more than the bound allowed: the work is done and settle() charges it in full.
        }
        reply.headers(reservation.headers);
      }
      if (cutBy) {
        void recordUsageQuietly(call, "cut", (cutBy as ApiError).status, usage);
        throw cutBy;
      }
      if (abort.aborted) {
        // The client left: what was evaluated is billed, as for a generation whose client left.
        reply.hijack();
        void recordUsageQuietly(call, "cut", 499, usage);
        return;
      }
      await recordCompleted(call, usage);
      await reply.send(embeddingsResponse(model, result.vectors, result.promptTokens, body.encodingFormat));
    } finally {
      unregister();
      release();
    }
  } finally {
    reservation?.settle(usage);
  }
}

/** POST /v1/embeddings; refused at once while the node takes no traffic, like the generation routes. */
export function embeddingsRoutes(app: FastifyInstance, options: EmbeddingsRouteOptions): void {
  app.post("/v1/embeddings", async (request, reply) => {
    if (!options.accepting()) throw nodeUnavailable();
    await handleEmbeddings(request, reply, options);
  });
}
