import { Counter, Gauge, type Registry } from "prom-client";

/** The public API's load shedding as the metrics read it (api/overload.ts LoadShedding). */
export interface SheddingSource {
  shed(): number;
  overloaded(): boolean;
  inFlight(): number;
  inFlightLimit(): number;
}

/**
 * `entrim_requests_shed_total`: public API requests answered 503 server_overloaded because the agent's
 * event loop was saturated, and
 * `entrim_api_overloaded`: 1 while new requests are shed,
 * `entrim_api_requests_in_flight` and `entrim_api_in_flight_limit` (the adaptive limit; +Inf while
 * there is none). Read at scrape time, like the rest.
 */
export function addSheddingMetrics(registry: Registry, source: SheddingSource): void {
  new Counter({
    name: "entrim_requests_shed_total",
    help: "Public API requests refused with 503 server_overloaded since the agent started.",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(source.shed());
    },
  });
  new Gauge({
    name: "entrim_api_overloaded",
    help: "1 while the agent's event loop is saturated and new public API requests are shed.",
    registers: [registry],
    collect() {
      this.set(source.overloaded() ? 1 : 0);
    },
  });
  new Gauge({
    name: "entrim_api_requests_in_flight",
    help: "Public API requests being answered now (health and status routes not counted).",
    registers: [registry],
    collect() {
      this.set(source.inFlight());
    },
  });
  new Gauge({
    name: "entrim_api_in_flight_limit",
    help: "The adaptive limit on public API requests in flight, set while the event loop is strained; +Inf while there is none.",
    registers: [registry],
    collect() {
      this.set(source.inFlightLimit());
    },
  });
}
