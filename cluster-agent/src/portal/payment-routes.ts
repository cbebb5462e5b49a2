// Card payments in the portal: "Pay now" on an issued invoice and prepaid top-ups open a Stripe
// Checkout page; Stripe's webhook settles them. The webhook is public and outside /api: the request
// carries no session or CSRF token (Stripe is not a browser) — its Stripe-Signature, an HMAC of the raw
// body with the endpoint's secret, is the authentication, checked before anything is read or changed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type Stripe from "stripe";
import { ApiError } from "../common/errors.js";
import { prepaidBalances } from "../store/credit.js";
import { applyStripeEvent, createCheckout } from "../store/payments.js";
import { bodyOf, fromStore } from "./account-input.js";
import { type PortalDeps, requirePortal } from "./context.js";

/** What payments need: the SDK (pointed at Stripe or a stand-in) and the webhook signing secret. */
export interface PaymentsDeps {
  client: Stripe;
  webhookSecret: string;
}

function notConfigured(): ApiError {
  return new ApiError(
    503,
    "service_unavailable",
    "Card payments are not set up on this service; pay by bank transfer as the invoice says.",
    null,
    "payments_unavailable",
  );
}

export async function paymentRoutes(
  app: FastifyInstance,
  deps: PortalDeps & { baseUrl(): string },
): Promise<void> {
  const payments = deps.payments;

  const checkout = async (
    accountId: string,
    invoiceId: string | undefined,
    topUpCents: number | undefined,
  ) => {
    if (!payments) throw notConfigured();
    const base = deps.baseUrl();
    const back = invoiceId ? `/invoices/${encodeURIComponent(invoiceId)}` : "/usage";
    const request: Parameters<typeof createCheckout>[2] = {
      accountId,
      successUrl: `${base}${back}?paid=1`,
      cancelUrl: `${base}${back}`,
    };
    if (invoiceId !== undefined) request.invoiceId = invoiceId;
    if (topUpCents !== undefined) request.topUpCents = topUpCents;
    return createCheckout(deps.store.pool, payments.client, request).catch((error) => {
      throw fromStore(error, "invoice", invoiceId ? "id" : "amountCents");
    });
  };

  app.post<{ Params: { id: string } }>("/api/invoices/:id/pay", async (request) => {
    const principal = requirePortal(request, "owner", "billing");
    const { url } = await checkout(principal.accountId, request.params.id, undefined);
    return { url };
  });

  app.post("/api/credit/top-up", async (request) => {
    const principal = requirePortal(request, "owner", "billing");
    const body = bodyOf(request, ["amountCents"]);
    const amount = body.amountCents;
    if (typeof amount !== "number" || !Number.isInteger(amount))
      throw new ApiError(
        400,
        "invalid_request_error",
        "Give amountCents as a whole number of cents.",
        "amountCents",
        "invalid_request",
      );
    const { url } = await checkout(principal.accountId, undefined, amount);
    return { url };
  });

  app.get("/api/credit", async (request) => {
    const principal = requirePortal(request, "owner", "billing", "developer");
    const [balance] = await prepaidBalances(deps.store.pool, principal.accountId);
    if (!balance) return { mode: "postpaid", balancePicoEur: null, balance: null };
    return {
      mode: "prepaid",
      since: balance.since.toISOString(),
      balancePicoEur: balance.balancePicoEur.toString(),
      balance: (Number(balance.balancePicoEur / 10_000_000_000n) / 100).toFixed(2),
    };
  });

  // The link in invoice emails: straight to Stripe when logged in, else through login to the invoice
  // page (whose "Pay now" button goes on to Stripe).
  app.get<{ Params: { invoiceId: string } }>(
    "/pay/:invoiceId",
    async (request: FastifyRequest<{ Params: { invoiceId: string } }>, reply: FastifyReply) => {
      const invoicePage = `/invoices/${encodeURIComponent(request.params.invoiceId)}`;
      const principal = request.portal;
      if (!principal) return reply.redirect(`/login?next=${encodeURIComponent(invoicePage)}`, 303);
      if (principal.role === "developer") return reply.redirect(invoicePage, 303);
      try {
        const { url } = await checkout(principal.accountId, request.params.invoiceId, undefined);
        return reply.redirect(url, 303);
      } catch {
        // Already paid, not found, Stripe unreachable: the invoice page says what state it is in.
        return reply.redirect(invoicePage, 303);
      }
    },
  );

  // Stripe's webhook: the raw body, exactly as signed, is needed for the signature; this scope parses
  // JSON as a Buffer and leaves the rest of the portal's strict parser as it is.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) =>
      done(null, body),
    );
    scope.post("/webhooks/stripe", async (request, reply) => {
      if (!payments) throw notConfigured();
      const signature = request.headers["stripe-signature"];
      let event: Stripe.Event;
      try {
        if (typeof signature !== "string" || !Buffer.isBuffer(request.body)) throw new Error("unsigned");
        event = payments.client.webhooks.constructEvent(request.body, signature, payments.webhookSecret);
      } catch {
        deps.logger.warn({ route: "/webhooks/stripe" }, "Stripe webhook refused: bad or missing signature");
        throw new ApiError(
          400,
          "invalid_request_error",
          "The Stripe-Signature header does not verify.",
          null,
          "bad_signature",
        );
      }
      const outcome = await applyStripeEvent(deps.store.pool, deps.recorder, event, deps.now());
      deps.logger.info({ event: event.id, type: event.type, outcome }, "Stripe event");
      return reply.send({ received: true, outcome });
    });
  });
}
