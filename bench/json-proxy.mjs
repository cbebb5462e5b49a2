// A reference between the bare proxy and the agent: the least any gateway that reads what passes
// through it must do, on the agent's own framework. Fastify (its defaults, no logger, no hooks) parses
// the request body as JSON, sends it on with undici, parses the answer as JSON and answers it; no
// authentication, limits, metering or logging. Where the agent's cost lies above this one, it is the
// features'; between this one and the bare proxy, it is the framework's and the JSON's, which a gateway
// that validates requests and meters answers cannot skip.
import Fastify from "fastify";
import { Pool } from "undici";

const [upstreamOrigin, portArg] = process.argv.slice(2);
const pool = new Pool(upstreamOrigin, { connections: 256, keepAliveTimeout: 60_000 });
const json = { "content-type": "application/json" };

const app = Fastify({ logger: false, keepAliveTimeout: 60_000 });
app.post("/v1/chat/completions", async (request, reply) => {
  const upstream = await pool.request({
    path: "/v1/chat/completions",
    method: "POST",
    headers: json,
    body: JSON.stringify(request.body),
  });
  const answer = JSON.parse(await upstream.body.text());
  if (upstream.statusCode !== 200) return reply.code(upstream.statusCode).send(answer);
  return answer;
});

// A clean exit on SIGTERM, so that a profiled run (`--cpu-prof`) writes its profile.
process.on("SIGTERM", () => process.exit(0));
const address = await app.listen({ host: "127.0.0.1", port: Number(portArg ?? 0) });
process.stdout.write(`listening ${address}\n`);
