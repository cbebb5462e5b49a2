// Models and prices in the portal: what the cluster serves (the catalogue and the models nodes
// advertise in the registry), what each can do, its context length and the price version in force.
import type { FastifyInstance } from "fastify";
import {
  capabilitiesOf,
  type EmbeddingsOption,
  embeddingSettings,
  embeddingsOptionError,
  GENERATION_ONLY,
  type ModelCapabilities,
} from "../domain/capabilities.js";
import { listModelRetirements, listModels } from "../store/models.js";
import { listNodes } from "../store/nodes.js";
import { formatMicroEur, listPriceVersions, type PriceVersion } from "../store/prices.js";
import { type PortalDeps, requirePortal } from "./context.js";

/** Nodes in these states answer the public API; a stopped node's models are not offered. */
const SERVING = new Set(["starting", "ready", "degraded", "draining"]);

function capabilities(runtime: "embedded" | "external", options: Record<string, unknown>): ModelCapabilities {
  const value = options.embeddings;
  if (embeddingsOptionError(value) !== undefined) return GENERATION_ONLY;
  return capabilitiesOf(embeddingSettings(value as EmbeddingsOption, runtime));
}

/** The latest version that has started by `now`, as the price book picks it. */
function priceInForce(versions: PriceVersion[], model: string, now: number) {
  let found: PriceVersion | undefined;
  for (const v of versions) if (v.model === model && v.effectiveFrom <= now) found = v;
  if (!found) return null;
  return {
    input: formatMicroEur(found.inputMicroEurPerM),
    cachedInput: formatMicroEur(found.cachedMicroEurPerM),
    output: formatMicroEur(found.outputMicroEurPerM),
  };
}

export async function modelRoutes(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  app.get("/api/models", async (request) => {
    requirePortal(request);
    const db = deps.store.pool;
    const [catalogue, nodes, prices, retirements] = await Promise.all([
      listModels(db),
      listNodes(db),
      listPriceVersions(db),
      listModelRetirements(db),
    ]);
    const served = new Set<string>();
    for (const node of nodes) if (SERVING.has(node.state)) for (const m of node.models) served.add(m.id);
    const models = new Map<string, { capabilities: ModelCapabilities; contextLength: number | null }>();
    for (const model of catalogue) {
      const latest = model.versions.at(-1);
      models.set(model.name, {
        capabilities: latest ? capabilities(latest.runtime, latest.runtimeOptions) : GENERATION_ONLY,
        contextLength: latest?.contextLength ?? null,
      });
    }
    // Models configured on a node but not in the catalogue are served too; the registry says no more.
    for (const id of served) {
      if (!models.has(id)) models.set(id, { capabilities: GENERATION_ONLY, contextLength: null });
    }
    const now = deps.now().getTime();
    const retiring = new Map(retirements.map((r) => [r.name, r]));
    return {
      models: [...models]
        // A retired model is refused by the API, so it is no longer offered; a retiring one says when.
        .filter(([id]) => !((retiring.get(id)?.retiresAt.getTime() ?? Number.POSITIVE_INFINITY) <= now))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, model]) => ({
          id,
          ...model,
          pricing: priceInForce(prices, id, now),
          retiresAt: retiring.get(id)?.retiresAt.toISOString() ?? null,
          replacement: retiring.get(id)?.replacement ?? null,
        })),
    };
  });
}
