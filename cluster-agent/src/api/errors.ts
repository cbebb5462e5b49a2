import type { IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyReply } from "fastify";
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";

export function errorBody(error: ApiError) {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

/** Maps anything thrown while serving a request to an OpenAI-style error with the right status. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as { statusCode?: number; code?: string };
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ApiError(
        413,
        "invalid_request_error",
        "The request body is too large.",
        null,
        "request_too_large",
      );
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ApiError(
        400,
        "invalid_request_error",
        "The request body is empty; send a JSON object.",
        null,
        "invalid_json",
      );
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ApiError(
        415,
        "invalid_request_error",
        "Unsupported Content-Type; send the body as application/json.",
        null,
        "unsupported_media_type",
      );
  }
  if (error instanceof SyntaxError || e.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
    // The parser's own message can quote the body (the customer's prompt); never echo or log it.
    return new ApiError(
      400,
      "invalid_request_error",
      "We could not parse the JSON body of your request. The API expects a JSON object as the request body.",
      null,
      "invalid_json",
    );
  }
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(
      e.statusCode,
      "invalid_request_error",
      "The request could not be processed.",
      null,
      e.code ?? null,
    );
  }
  return new ApiError(
    500,
    "server_error",
    "The server had an error while processing your request.",
    null,
    null,
  );
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  reply.errorCode = error.code;
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.status).type("application/json; charset=utf-8").send(errorBody(error));
}

/** How long a refused body is read and discarded before the connection is closed anyway. */
const DISCARD_BODY_MS = 5_000;

/**
 * Reads and discards what is left of a request body; resolves at its end, or once `maxBytes` more
 * have arrived or `timeoutMs` has passed: a client sending far more than it may is cut off instead.
 */
function discardBody(raw: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<void> {
  if (raw.complete || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const done = () => {
      clearTimeout(timer);
      raw.off("data", onData).off("end", done).off("close", done).off("error", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    raw.on("data", onData).once("end", done).once("close", done).once("error", done);
    raw.resume();
  });
}

/** Every error, thrown or unmatched, answers in the OpenAI error shape; only real failures are logged. */
export function errorHandling(
  app: FastifyInstance,
  options: { logger: Logger; bodyLimitBytes: number },
): void {
  const { logger } = options;
  app.setErrorHandler(async (error, request, reply) => {
    const apiError = toApiError(error);
    // Fastify marks a body it refused to parse (too large, broken) "connection: close", and Node
    // closes the socket once the answer is sent. A client still sending the body then gets EPIPE or
    // ECONNRESET instead of our 413. Read the rest first (within bounds), so it reads the answer.
    if (reply.getHeader("connection") === "close") {
      await discardBody(request.raw, 4 * options.bodyLimitBytes, DISCARD_BODY_MS);
    }
    // A 503 the agent chose (draining, spool full, queue full) is load shedding, logged as a refusal
    // by onResponse; a stack trace per refused request would flood the log exactly when it matters.
    if (apiError.status >= 500 && !(error instanceof ApiError && error.status === 503)) {
      // Message and stack only: an error object may hold request data.
      const err = error as Error;
      logger.error(
        { reqId: request.id, err: { type: err?.name, message: err?.message, stack: err?.stack } },
        "request failed",
      );
    }
    return sendError(reply, apiError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new ApiError(
        404,
        "invalid_request_error",
        // The path only (no query), bounded: the answer echoes what the client asked, nothing more.
        `Unknown request URL: ${request.method} ${request.url.split("?")[0]!.slice(0, 200)}. Please check the URL for typos.`,
        null,
        "unknown_url",
      ),
    ),
  );
}

/** OpenAI's answer for a model that is not served here. */
export function modelNotFound(model: string): ApiError {
  return new ApiError(
    404,
    "invalid_request_error",
    `The model \`${model}\` does not exist or you do not have access to it.`,
    "model",
    "model_not_found",
  );
}

/** The catalogue's retirements as the API consults them (metering/model-names.ts CatalogueNames). */
export interface RetiredModels {
  /** Set when the model's retirement has taken effect at `nowMs`. */
  retired(name: string, nowMs: number): { atMs: number; replacement: string | null } | undefined;
  /** Set while a retirement is scheduled or in force. */
  retirement(name: string): { atMs: number; replacement: string | null } | undefined;
}

/** Refuses a request naming a retired model, before anything is reserved for it. */
export function refuseIfRetired(retirements: RetiredModels | undefined, model: string): void {
  const retired = retirements?.retired(model, Date.now());
  if (retired) throw modelRetired(model, retired.atMs, retired.replacement);
}

/** A model retired from the catalogue: OpenAI answers deprecated models with 404 model_not_found too. */
export function modelRetired(model: string, atMs: number, replacement: string | null): ApiError {
  const day = new Date(atMs).toISOString().slice(0, 10);
  return new ApiError(
    404,
    "invalid_request_error",
    `The model \`${model}\` was retired on ${day}. ${replacement ? `Use \`${replacement}\` instead.` : "Choose another model from GET /v1/models."}`,
    "model",
    "model_not_found",
  );
}

/** While the node takes no traffic (starting, stopping, outside its regions): another node serves. */
export function nodeUnavailable(): ApiError {
  return new ApiError(
    503,
    "server_error",
    "This node is not accepting requests right now; retry shortly.",
    null,
    "node_unavailable",
    { "retry-after": "5" },
  );
}
