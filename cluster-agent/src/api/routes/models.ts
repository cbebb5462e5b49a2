import type { FastifyInstance } from "fastify";
import { ApiError } from "../../common/errors.js";
import { capabilitiesOfModel } from "../../domain/capabilities.js";
import type { PriceBook } from "../../domain/pricing.js";
import type { ModelRegistry, ServedModel } from "../../serving/models.js";
import { formatMicroEur } from "../../store/prices.js";
import { type RetiredModels, refuseIfRetired } from "../errors.js";

// Exact decimal strings of euros ("0.150000"): prices are never floats.
const euros = formatMicroEur;

/** The price version in force now, in euros per million tokens; null when the model is unpriced. */
function pricing(prices: PriceBook | undefined, model: string) {
  const price = prices?.priceAt(model, Date.now());
  if (!price) return null;
  return {
    currency: "EUR",
    unit: "1M tokens",
    input: euros(price.inputMicroEurPerM),
    cached_input: euros(price.cachedMicroEurPerM),
    output: euros(price.outputMicroEurPerM),
    // Versions without an embedding price bill embedding tokens at the input price.
    embedding: euros(price.embeddingMicroEurPerM ?? price.inputMicroEurPerM),
  };
}

// Beyond OpenAI's four fields (clients ignore unknown ones): `version` so operators see what a name
// serves, and what a customer needs to pick a model: what it does, its context and its price.
const modelObject = (
  { runtime: { model }, version }: ServedModel,
  prices: PriceBook | undefined,
  retirements: RetiredModels | undefined,
) => ({
  id: model.id,
  object: "model",
  created: model.created,
  owned_by: model.ownedBy,
  ...(version === null ? {} : { version }),
  capabilities: capabilitiesOfModel(model),
  context_length: model.contextLength,
  pricing: pricing(prices, model.id),
  ...retiring(retirements, model.id),
});

/** A scheduled retirement: the date (unix seconds) and what to use instead. */
function retiring(retirements: RetiredModels | undefined, id: string) {
  const retirement = retirements?.retirement(id);
  if (!retirement) return {};
  return { retires_at: Math.floor(retirement.atMs / 1000), replacement: retirement.replacement };
}

/** GET /v1/models and /v1/models/{id}: the models this node serves. */
export function modelRoutes(
  app: FastifyInstance,
  options: {
    models: Pick<ModelRegistry, "list" | "get">;
    prices?: PriceBook | undefined;
    retirements?: RetiredModels | undefined;
  },
): void {
  const { models, prices, retirements } = options;
  // A retired model is no longer offered, even while a node still has it loaded.
  app.get("/v1/models", async () => ({
    object: "list",
    data: models
      .list()
      .filter((served) => !retirements?.retired(served.runtime.model.id, Date.now()))
      .map((served) => modelObject(served, prices, retirements)),
  }));
  app.get<{ Params: { "*": string } }>("/v1/models/*", async (request) => {
    const id = request.params["*"];
    refuseIfRetired(retirements, id);
    const served = models.get(id);
    if (!served) {
      throw new ApiError(
        404,
        "invalid_request_error",
        `The model \`${id}\` does not exist or you do not have access to it.`,
        "model",
        "model_not_found",
      );
    }
    return modelObject(served, prices, retirements);
  });
}
