// The baseline of the gateway benchmarks: the least a proxy can do (node:http in, undici out, nothing
// else). Our agent's throughput is reported as a ratio of this one's, measured in the same run.
import http from "node:http";
import { Pool } from "undici";

const [upstreamOrigin, portArg] = process.argv.slice(2);
const pool = new Pool(upstreamOrigin, { connections: 256, keepAliveTimeout: 60_000 });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    try {
      const upstream = await pool.request({
        path: req.url,
        method: req.method,
        headers: { "content-type": "application/json" },
        body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(upstream.statusCode, {
        "content-type": upstream.headers["content-type"] ?? "application/json",
      });
      for await (const chunk of upstream.body) res.write(chunk);
      res.end();
    } catch {
      res.writeHead(502);
      res.end();
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(portArg ?? 0), "127.0.0.1", () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});
