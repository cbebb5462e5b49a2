// Handlers of the urgent-action channels (common/urgent.ts). The store is shared, so any reachable
// agent answers, except a rotation, which the rotated node's own agent performs. Acts are refused for
// a read-only profile here as well as by the agent's role check.
import type {
  AbuseFlag__Output,
  AccountActionResult__Output,
  ApiKey__Output,
  CertificateRevocation__Output,
  Limits__Output,
  RevokeCertificateResponse__Output,
  RotationProgress__Output,
} from "@entrim/proto";
import type { urgentChannels } from "../common/index.js";
import { unaryCall } from "./agent-link.js";
import type { ClusterConnection } from "./cluster.js";
import type { Handlers } from "./router.js";

/** An erasure rewrites the account's rows and revokes its keys: more than a plain read's deadline. */
const ACT_TIMEOUT_MS = 60_000;

const ACCOUNT_METHOD = {
  restrict: "restrictAccount",
  unrestrict: "unrestrictAccount",
  erase: "eraseAccount",
} as const;

export function urgentHandlers(
  connected: () => ClusterConnection,
  writable: () => ClusterConnection,
): Pick<Handlers, keyof typeof urgentChannels> {
  return {
    listApiKeys: async ({ accountId }) =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { keys: ApiKey__Output[] }>((r, o, cb) => l.accounts.listApiKeys(r, o, cb), {
            accountId,
          }),
        )
      ).keys,
    revokeApiKey: async (request) =>
      writable().anyLink((l) =>
        unaryCall<object, ApiKey__Output>((r, o, cb) => l.accounts.revokeApiKey(r, o, cb), request),
      ),
    getLimits: async ({ accountId }) =>
      connected().anyLink((l) =>
        unaryCall<object, Limits__Output>((r, o, cb) => l.accounts.getLimits(r, o, cb), { accountId }),
      ),
    setLimits: async (request) =>
      writable().anyLink((l) =>
        unaryCall<object, Limits__Output>((r, o, cb) => l.accounts.setLimits(r, o, cb), request),
      ),
    accountAction: async ({ verb, ...request }) =>
      writable().anyLink((l) =>
        unaryCall<object, AccountActionResult__Output>(
          (r, o, cb) => l.accounts[ACCOUNT_METHOD[verb]](r, o, cb),
          request,
          ACT_TIMEOUT_MS,
        ),
      ),
    resolveAbuseFlag: async (request) =>
      writable().anyLink((l) =>
        unaryCall<object, AbuseFlag__Output>((r, o, cb) => l.abuse.resolveAbuseFlag(r, o, cb), request),
      ),
    rotateModel: async (request, emit, signal) => {
      // The node's own agent rotates it; cancelling here stops the progress, not the rotation.
      const call = writable().link(request.node).rollouts.rotateModel(request);
      signal.addEventListener("abort", () => call.cancel(), { once: true });
      await new Promise<void>((resolve, reject) => {
        call.on("data", (progress: RotationProgress__Output) => emit(progress));
        call.on("end", resolve);
        call.on("error", (error) => (signal.aborted ? resolve() : reject(error)));
      });
    },
    listRevocations: async () =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { revocations: CertificateRevocation__Output[] }>(
            (r, o, cb) => l.certs.listCertificateRevocations(r, o, cb),
            {},
          ),
        )
      ).revocations,
    revokeCertificate: async (request) =>
      writable().anyLink((l) =>
        unaryCall<object, RevokeCertificateResponse__Output>(
          (r, o, cb) => l.certs.revokeCertificate(r, o, cb),
          request,
        ),
      ),
  };
}
