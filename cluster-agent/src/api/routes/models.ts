import type { FastifyInstance } from "fastify";
import { ApiError } from "../../common/errors.js";
import type { ModelRegistry, ServedModel } from "../../serving/models.js";

// `version` is not OpenAI's: clients ignore unknown fields, and operators see what a name serves.
const modelObject = ({ runtime: { model }, version }: ServedModel) => ({
  id: model.id,
  object: "model",
  created: model.created,
  owned_by: model.ownedBy,
  ...(version === null ? {} : { version }),
});

/** GET /v1/models and /v1/models/{id}: the models this node serves. */
export function modelRoutes(
  app: FastifyInstance,
  options: { models: Pick<ModelRegistry, "list" | "get"> },
): void {
  const { models } = options;
  app.get("/v1/models", async () => ({
    object: "list",
    data: models.list().map(modelObject),
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
    return modelObject(served);
  });
}
