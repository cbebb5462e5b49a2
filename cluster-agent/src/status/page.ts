import type { Logger } from "../common/log.js";
import type { Db } from "../store/db.js";
import { listModelNames } from "../store/models.js";
import { listPublicIncidents, STATUS_CHANNEL } from "../store/status-incidents.js";
import type { Store } from "../store/store.js";
import { derivePublicStatus, type NodeView, type PublicStatus } from "./derive.js";
import { renderStatusPage } from "./render.js";

export interface RenderedStatus {
  status: PublicStatus;
  json: string;
  html: string;
}

export interface StatusPageOptions {
  store: Pick<Store, "pool" | "listen">;
  /** Silence after which a node counts as down (heartbeat × missed beats, as the console judges it). */
  downAfterSeconds: number;
  /** How long a rendered page is served before the registry is read again (default 5 s). */
  ttlMs?: number;
  logger?: Logger | undefined;
}

/** Reads the registry, the catalogue and the notices in one snapshot, by the database clock. */
export async function readPublicStatus(db: Db, downAfterSeconds: number): Promise<PublicStatus> {
  const nodes = await db.query(
    `SELECT region, models, state, heartbeat_at < now() - make_interval(secs => $1::double precision) AS silent
       FROM nodes`,
    [downAfterSeconds],
  );
  const [catalogue, notices, clock] = await Promise.all([
    listModelNames(db),
    listPublicIncidents(db),
    db.query("SELECT now() AS now"),
  ]);
  const views: NodeView[] = nodes.rows.map((row) => ({
    region: row.region,
    models: (row.models as { id: string }[]).map((m) => m.id),
    state: row.state,
    silent: row.silent,
  }));
  return derivePublicStatus({ nodes: views, catalogue, notices, now: clock.rows[0].now as Date });
}

/**
 * The public page, cached: anyone may ask for it as often as they like, so a request costs a few
 * queries at most once per TTL, whatever the request rate (concurrent misses share one read). A
 * notice posted or updated anywhere in the cluster (NOTIFY on entrim_status) drops the cache at once;
 * node changes are not notified and show within the TTL. When the store is unreachable the last page
 * is served rather than none.
 */
export class StatusPage {
  private cached: { at: number; page: RenderedStatus } | undefined;
  private last: RenderedStatus | undefined;
  private reading: Promise<RenderedStatus> | undefined;
  private generation = 0;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly options: StatusPageOptions) {}

  async start(): Promise<void> {
    const drop = () => {
      this.generation++;
      this.cached = undefined;
    };
    this.unlisten = await this.options.store.listen(STATUS_CHANNEL, drop, { onReconnect: drop });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
  }

  async current(): Promise<RenderedStatus> {
    const ttl = this.options.ttlMs ?? 5000;
    if (this.cached && Date.now() - this.cached.at < ttl) return this.cached.page;
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<RenderedStatus> {
    const generation = this.generation;
    try {
      const status = await readPublicStatus(this.options.store.pool, this.options.downAfterSeconds);
      const page = { status, json: JSON.stringify(status), html: renderStatusPage(status) };
      this.last = page;
      // A notification during the read may describe a change the read missed: serve it, keep nothing.
      if (generation === this.generation) this.cached = { at: Date.now(), page };
      return page;
    } catch (error) {
      this.options.logger?.warn({ err: (error as Error).message }, "status page: could not read the store");
      if (this.last) return this.last;
      throw error;
    }
  }
}
