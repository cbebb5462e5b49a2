// A local stand-in for the VIES REST API's check-vat-number (VIES cannot be reached from tests): a real
// HTTP server answering the published request and response shapes, with switches for what VIES may
// answer: valid, invalid, a member state's back-end unavailable, a 5xx, a slow or malformed answer.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ViesMode = "valid" | "invalid" | "ms_unavailable" | "http_500" | "slow" | "malformed";

export interface ViesRequestBody {
  countryCode?: string;
  vatNumber?: string;
  requesterMemberStateCode?: string;
  requesterNumber?: string;
}

export interface ViesStandIn {
  /** http://127.0.0.1:port/taxation_customs/vies/rest-api — the config's `billing.vat.vies.url`. */
  url: string;
  /** What every answer is, unless `byVatId` names the VAT ID (country code + number). */
  mode: ViesMode;
  byVatId: Map<string, ViesMode>;
  /** Every request body received, in order. */
  requests: ViesRequestBody[];
  close(): Promise<void>;
}

const BASE = "/taxation_customs/vies/rest-api";

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startViesStandIn(): Promise<ViesStandIn> {
  let counter = 0;
  const held = new Set<ServerResponse>();
  const standIn: ViesStandIn = {
    url: "",
    mode: "valid",
    byVatId: new Map(),
    requests: [],
    close: async () => {},
  };
  const server = createServer(async (req, res) => {
    if (req.method !== "POST" || req.url !== `${BASE}/check-vat-number`)
      return send(res, 404, { error: "not found" });
    let body: ViesRequestBody;
    try {
      body = JSON.parse(await readBody(req)) as ViesRequestBody;
    } catch {
      return send(res, 400, { actionSucceed: false, errorWrappers: [{ error: "INVALID_INPUT" }] });
    }
    standIn.requests.push(body);
    const vatId = `${body.countryCode ?? ""}${body.vatNumber ?? ""}`;
    const mode = standIn.byVatId.get(vatId) ?? standIn.mode;
    const withRequester = Boolean(body.requesterMemberStateCode && body.requesterNumber);
    const answer = {
      countryCode: body.countryCode,
      vatNumber: body.vatNumber,
      requestDate: new Date().toISOString(),
      requestIdentifier: withRequester ? `WAPIAAAAW${String(++counter).padStart(7, "0")}` : "",
      name: "---",
      address: "---",
    };
    switch (mode) {
      case "valid":
        return send(res, 200, { ...answer, valid: true, userError: "VALID" });
      case "invalid":
        return send(res, 200, { ...answer, valid: false, userError: "INVALID" });
      case "ms_unavailable":
        return send(res, 200, {
          actionSucceed: false,
          errorWrappers: [{ error: "MS_UNAVAILABLE", message: "The member state is not available" }],
        });
      case "http_500":
        return send(res, 500, { actionSucceed: false, errorWrappers: [{ error: "SERVICE_UNAVAILABLE" }] });
      case "malformed":
        return send(res, 200, "<html>maintenance</html>");
      case "slow":
        // Never answers: the client's timeout must decide; closed when the stand-in closes.
        held.add(res);
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  standIn.url = `http://127.0.0.1:${port}${BASE}`;
  standIn.close = async () => {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return standIn;
}
