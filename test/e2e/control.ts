import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type AgentV1, loadAgentProto } from "@entrim/proto";
import { type ChannelCredentials, type Client, credentials, type ServiceError } from "@grpc/grpc-js";
import { cli } from "./support.js";

/** Certificates made with the agent's own CLI, as an operator would. */
export interface Pki {
  caDir: string;
  /** The node certificate's directory (<data dir>/tls), where the agent finds it by default. */
  tlsDir: string;
  operators: Record<string, { cert: string; key: string; ca: string }>;
}

export function makePki(dataDir: string, node: string, operators: Record<string, string>): Pki {
  const caDir = join(dataDir, "ca");
  cli(dataDir, "certs", "init-ca", "--dir", caDir);
  cli(dataDir, "certs", "issue-node", "--name", node, "--ca-dir", caDir);
  const out = join(dataDir, "operators");
  const made: Pki["operators"] = {};
  for (const [name, role] of Object.entries(operators)) {
    cli(dataDir, "certs", "issue-operator", "--name", name, "--role", role, "--ca-dir", caDir, "--out", out);
    made[name] = {
      cert: join(out, `${name}.pem`),
      key: join(out, `${name}-key.pem`),
      ca: join(out, "ca.pem"),
    };
  }
  return { caDir, tlsDir: join(dataDir, "tls"), operators: made };
}

export function tlsFor(
  files: { cert: string; key: string; ca: string } | { ca: string },
): ChannelCredentials {
  const ca = readFileSync(files.ca);
  if (!("cert" in files)) return credentials.createSsl(ca);
  return credentials.createSsl(ca, readFileSync(files.key), readFileSync(files.cert));
}

export type Clients = {
  [K in "NodeService" | "ClusterService" | "AbuseService" | "AccountService" | "AuditService"]: InstanceType<
    AgentV1[K]
  >;
} & { close(): void };

export function connect(address: string, creds: ChannelCredentials): Clients {
  const v1 = loadAgentProto();
  // TLS forbids an IP address as the server name (SNI); node certificates always name localhost.
  const options = /^[\d.]+:\d+$|^\[/.test(address) ? { "grpc.ssl_target_name_override": "localhost" } : {};
  const made = {
    NodeService: new v1.NodeService(address, creds, options),
    ClusterService: new v1.ClusterService(address, creds, options),
    AbuseService: new v1.AbuseService(address, creds, options),
    AccountService: new v1.AccountService(address, creds, options),
    AuditService: new v1.AuditService(address, creds, options),
  };
  return {
    ...made,
    close: () => {
      for (const client of Object.values(made) as Client[]) client.close();
    },
  };
}

type Callback<Res> = (error: ServiceError | null, response?: Res) => void;

/** Promise form of a unary call: `call(c.NodeService, "GetStatus", {})`. */
export function call<Res>(
  client: object,
  method: string,
  request: object,
  deadlineMs = 10_000,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = (client as Record<string, (req: object, opts: object, cb: Callback<Res>) => void>)[method];
    if (!fn) throw new Error(`no method ${method}`);
    fn.call(client, request, { deadline: Date.now() + deadlineMs }, (error, response) =>
      error ? reject(error) : resolve(response as Res),
    );
  });
}
