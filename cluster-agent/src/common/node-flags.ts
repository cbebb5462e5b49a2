/**
 * The Node.js flags the agent runs with: the systemd unit (build/entrim-agent.service), `npm start`
 * and the benchmarks all pass these. V8 reads them only as the process starts, so they go on node's
 * command line (or in NODE_OPTIONS), never in code.
 *
 * `--max-semi-space-size=64`: young-generation semi-spaces of up to 64 MiB instead of V8's 16. Every
 * request allocates short-lived objects (the request, its body, the upstream answer, the usage event:
 * some 44 KB per non-streamed request); more room means fewer scavenges, each costing about the same
 * (what survives one is what is in flight). 32 measured 15 % less CPU per request than 16 (History of
 * 2026-12-05); 64 another 4-5 % less than 32 in two runs, and 128 nothing more than 64 (History of
 * 2026-12-07). The price is memory: the agent's peak RSS under the capacity load was 267 MB against
 * 223 MB with 32.
 *
 * `--no-allocation-site-pretenuring`: V8 may decide that the objects one line of code allocates live
 * long, and allocate them in the old generation from then on. In the agent it did so for the request
 * body's validation (zod's output objects): with the request path cut back to validation alone, 0.6 MB
 * was promoted per scavenge under load, and nothing without the pretenuring. Each parsed body then
 * died in the old generation and kept the young objects it pointed to through the next scavenges.
 * With the whole agent at 500 requests/s (4 alternating runs each): 0.13 instead of 0.32 MB promoted
 * per scavenge, pauses of 2.6-3.3 instead of 3.8-4.5 ms, p99 about half a millisecond lower; no
 * difference in CPU per request at capacity (docs/BENCHMARKS.md, History of 2026-12-06, night).
 */
export const AGENT_NODE_FLAGS: readonly string[] = [
  "--max-semi-space-size=64",
  "--no-allocation-site-pretenuring",
];
