import type { FastifyInstance } from "fastify";
import { ApiError } from "../../common/errors.js";
import { capabilitiesOfModel } from "../../domain/capabilities.js";
import type { PriceBook } from "../../domain/pricing.js";
import type { ModelRegistry, ServedModel } from "../../serving/models.js";
import { formatMicroEur } from "../../store/prices.js";

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
const modelObject = ({ runtime: { model }, version }: ServedModel, prices: PriceBook | undefined) => ({
  id: model.id,
  object: "model",
  created: model.created,
  owned_by: model.ownedBy,
  ...(version === null ? {} : { version }),
  capabilities: capabilitiesOfModel(model),
  context_length: model.contextLength,
  pricing: pricing(prices, model.id),
});

/** GET /v1/models and /v1/models/{id}: the models this node serves. */
export function modelRoutes(
  app: FastifyInstance,
  options: { models: Pick<ModelRegistry, "list" | "get">; prices?: PriceBook | undefined },
): void {
  const { models, prices } = options;
  app.get("/v1/models", async () => ({
    object: "list",
    data: models.list().map((served) => modelObject(served, prices)),
  }));
  app.get<{ Params: { "*": string } }>("/v1/models/*", async (request) => {
    const id = request.params["*"];
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
    return modelObject(served, prices);
  });
}
