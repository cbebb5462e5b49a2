// A local stand-in for the few Stripe API calls entrim makes (Stripe cannot be reached from tests):
// a real HTTP server speaking Stripe's wire format — form-encoded requests with bracketed keys, JSON
// objects with `object`, `id` and the fields the product reads, Stripe-shaped errors. Webhooks are
// sent signed by the SDK's own test helper, exactly as the agent verifies them.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

export interface StandInSession {
  id: string;
  object: "checkout.session";
  mode: "payment";
  url: string;
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid";
  payment_intent: string;
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  success_url: string | null;
  cancel_url: string | null;
  created: number;
  livemode: false;
}

export interface StandInRefund {
  id: string;
  object: "refund";
  amount: number;
  currency: string;
  payment_intent: string;
  status: "succeeded";
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface StripeStandIn {
  /** http://127.0.0.1:port — the config's `stripe.apiBase`. */
  url: string;
  secretKey: string;
  webhookSecret: string;
  sessions: Map<string, StandInSession>;
  refunds: StandInRefund[];
  /** Sends `event` to `url` signed with the webhook secret (or `secret`); answers the HTTP status. */
  sendEvent(url: string, event: object, secret?: string): Promise<{ status: number; body: string }>;
  /** A `checkout.session.completed` event for a session created here (now paid). */
  completedEvent(sessionId: string): object;
  /** A `charge.refunded` event for a payment intent. */
  refundedEvent(paymentIntent: string, amountRefunded: number): object;
  close(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

/** Stripe's form encoding: a[b][0][c]=v → { a: { b: [ { c: v } ] } } (arrays as numbered keys). */
export function parseStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/\[|\]\[|\]/).filter((part) => part !== "");
    let node = root as Record<string, unknown>;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else {
        if (node[part] === undefined) node[part] = {};
        node = node[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

function stripeError(res: ServerResponse, status: number, message: string, param?: string): void {
  res.writeHead(status, { "content-type": "application/json", "request-id": id("req") });
  res.end(JSON.stringify({ error: { type: "invalid_request_error", message, ...(param ? { param } : {}) } }));
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const secretKey = `sk_test_${randomBytes(12).toString("hex")}`;
  const webhookSecret = `whsec_${randomBytes(16).toString("hex")}`;
  const sessions = new Map<string, StandInSession>();
  const refunds: StandInRefund[] = [];
  const idempotent = new Map<string, StandInRefund>();
  const paid = new Map<string, number>(); // payment_intent → amount captured
  let base = "";

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ error: { type: "invalid_request_error", message: "Invalid API Key provided." } }),
      );
      return;
    }
    const path = (req.url ?? "").split("?")[0]!;
    const form = parseStripeForm(body);
    const send = (object: object) => {
      res.writeHead(200, { "content-type": "application/json", "request-id": id("req") });
      res.end(JSON.stringify(object));
    };
    if (req.method === "POST" && path === "/v1/checkout/sessions") {
      const items = (form.line_items ?? {}) as Record<
        string,
        { quantity?: string; price_data?: Record<string, unknown> }
      >;
      const first = Object.values(items)[0];
      const unit = Number(first?.price_data?.unit_amount);
      const quantity = Number(first?.quantity ?? 1);
      if (form.mode !== "payment") return stripeError(res, 400, "mode must be payment", "mode");
      if (!first || !Number.isInteger(unit) || unit <= 0)
        return stripeError(res, 400, "line_items[0][price_data][unit_amount] is required", "line_items");
      const sessionId = id("cs");
      const session: StandInSession = {
        id: sessionId,
        object: "checkout.session",
        mode: "payment",
        url: `${base}/pay/${sessionId}`,
        status: "open",
        payment_status: "unpaid",
        payment_intent: id("pi"),
        amount_total: unit * quantity,
        currency: String(first.price_data?.currency ?? "eur"),
        client_reference_id: (form.client_reference_id as string | undefined) ?? null,
        metadata: (form.metadata ?? {}) as Record<string, string>,
        success_url: (form.success_url as string | undefined) ?? null,
        cancel_url: (form.cancel_url as string | undefined) ?? null,
        created: now(),
        livemode: false,
      };
      sessions.set(sessionId, session);
      return send(session);
    }
    const got = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (req.method === "GET" && got) {
      const session = sessions.get(decodeURIComponent(got[1]!));
      return session
        ? send(session)
        : stripeError(res, 404, `No such checkout.session: '${got[1]}'`, "session");
    }
    if (req.method === "POST" && path === "/v1/refunds") {
      // Stripe answers a repeated Idempotency-Key with the first request's result.
      const key = req.headers["idempotency-key"];
      const earlier = typeof key === "string" ? idempotent.get(key) : undefined;
      if (earlier) return send(earlier);
      const intent = String(form.payment_intent ?? "");
      const captured = paid.get(intent);
      if (captured === undefined)
        return stripeError(res, 400, `No such payment_intent: '${intent}'`, "payment_intent");
      const already = refunds
        .filter((r) => r.payment_intent === intent)
        .reduce((sum, r) => sum + r.amount, 0);
      const amount = form.amount === undefined ? captured - already : Number(form.amount);
      if (!Number.isInteger(amount) || amount <= 0 || already + amount > captured)
        return stripeError(res, 400, "Refund amount is greater than the unrefunded amount.", "amount");
      const refund: StandInRefund = {
        id: id("re"),
        object: "refund",
        amount,
        currency: "eur",
        payment_intent: intent,
        status: "succeeded",
        reason: (form.reason as string | undefined) ?? null,
        metadata: (form.metadata ?? {}) as Record<string, string>,
        created: now(),
      };
      refunds.push(refund);
      if (typeof key === "string") idempotent.set(key, refund);
      return send(refund);
    }
    stripeError(res, 404, `Unrecognized request URL (${req.method}: ${path}).`);
  };

  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sdk = new Stripe(secretKey);

  const event = (type: string, object: object) => ({
    id: id("evt"),
    object: "event",
    api_version: Stripe.API_VERSION,
    created: now(),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });

  return {
    url: base,
    secretKey,
    webhookSecret,
    sessions,
    refunds,
    async sendEvent(url, payloadObject, secret = webhookSecret) {
      const payload = JSON.stringify(payloadObject);
      const header = sdk.webhooks.generateTestHeaderString({ payload, secret });
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": header },
        body: payload,
      });
      return { status: response.status, body: await response.text() };
    },
    completedEvent(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`no session ${sessionId}`);
      session.status = "complete";
      session.payment_status = "paid";
      paid.set(session.payment_intent, session.amount_total);
      return event("checkout.session.completed", session);
    },
    refundedEvent(paymentIntent, amountRefunded) {
      return event("charge.refunded", {
        id: id("ch"),
        object: "charge",
        payment_intent: paymentIntent,
        amount: paid.get(paymentIntent) ?? amountRefunded,
        amount_refunded: amountRefunded,
        refunded: amountRefunded >= (paid.get(paymentIntent) ?? 0),
        currency: "eur",
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
