/** Refuses, before any work, what the chosen model cannot do: a clear 400 instead of a quiet difference. */
import { ApiError } from "../common/errors.js";
import type { GenerationRequest, Runtime } from "../runtime/types.js";
import type { EndpointName } from "./endpoint.js";

function refuse(message: string, param: string): never {
  throw new ApiError(400, "invalid_request_error", message, param, "model_not_supported");
}

export function checkCapabilities(
  endpoint: EndpointName,
  runtime: Runtime,
  request: GenerationRequest,
): void {
  const { id, capabilities } = runtime.model;
  if (capabilities !== undefined) {
    const serves = endpoint === "completions" ? capabilities.completions : capabilities.chat;
    if (!serves) {
      refuse(
        `The model \`${id}\` does not serve ${endpoint === "completions" ? "completions" : "chat"}; GET /v1/models says what each model serves.`,
        "model",
      );
    }
    if (
      request.kind === "chat" &&
      request.tools !== undefined &&
      request.toolChoice !== "none" &&
      !capabilities.tools
    )
      refuse(`The model \`${id}\` does not call tools; GET /v1/models lists the models that do.`, "tools");
    if (request.logprobs !== undefined && !capabilities.logprobs)
      refuse(`The model \`${id}\` does not report log probabilities.`, "logprobs");
  }
  const n = request.n ?? 1;
  if (n > 1 && runtime.nativeChoices !== true && n > runtime.slots) {
    refuse(
      `The model \`${id}\` runs at most ${runtime.slots} choices per request (one slot each); ask for fewer, or send several requests.`,
      "n",
    );
  }
}
