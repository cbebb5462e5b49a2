import type { FastifyInstance, FastifyReply } from "fastify";
import { ApiError } from "../../common/errors.js";
import type { RenderedStatus } from "../../status/page.js";
import { STATUS_CSP } from "../../status/render.js";
import { sendError } from "../errors.js";

/**
 * The public status page (/status, HTML without script) and its JSON (/status.json). Outside /v1, so
 * no API key and no admission gate; the page behind them is cached (status/page.ts), which is what
 * keeps them cheap. Balancers and CDNs may cache them for a few seconds too (Cache-Control).
 */
export function statusRoutes(app: FastifyInstance, options: { page: () => Promise<RenderedStatus> }): void {
  const answer = (type: "html" | "json") => async (_request: unknown, reply: FastifyReply) => {
    let page: RenderedStatus;
    try {
      page = await options.page();
    } catch {
      return sendError(
        reply,
        new ApiError(
          503,
          "server_error",
          "The status page is unavailable for a moment because the cluster's store cannot be reached. Please try again shortly.",
          null,
          "status_unavailable",
          { "retry-after": "5" },
        ),
      );
    }
    reply.header("cache-control", "public, max-age=5").header("x-content-type-options", "nosniff");
    if (type === "json") return reply.type("application/json; charset=utf-8").send(page.json);
    return reply
      .header("content-security-policy", STATUS_CSP)
      .header("referrer-policy", "no-referrer")
      .type("text/html; charset=utf-8")
      .send(page.html);
  };
  app.get("/status", answer("html"));
  app.get("/status.json", answer("json"));
}
