import { type Db, randomId, StoreError, transaction } from "./db.js";

/** Payload-free NOTIFY on every change to incidents or their updates (migration 0024). */
export const STATUS_CHANNEL = "entrim_status";

export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** What the page shows; in_progress and completed are read from the window, never stored. */
export const MAINTENANCE_STATUSES = ["scheduled", "in_progress", "completed", "cancelled"] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];

/** How long a resolved incident stays on the public page. */
export const RESOLVED_SHOWN_DAYS = 14;

export interface IncidentUpdate {
  at: Date;
  status: string;
  text: string;
  by: string;
}

export interface StatusIncident {
  id: string;
  kind: "incident" | "maintenance";
  title: string;
  body: string;
  models: string[];
  regions: string[];
  startsAt: Date;
  endsAt: Date | null;
  status: IncidentStatus | MaintenanceStatus;
  createdBy: string;
  createdAt: Date;
  /** Oldest first. */
  updates: IncidentUpdate[];
}

export interface NewIncident {
  title: string;
  body: string;
  models?: string[];
  regions?: string[];
  status?: Exclude<IncidentStatus, "resolved">;
  /** Default: now (the database clock). */
  startsAt?: Date;
  by: string;
}

export interface NewMaintenance {
  title: string;
  body: string;
  models?: string[];
  regions?: string[];
  startsAt: Date;
  endsAt: Date;
  by: string;
}

const TITLE_MAX = 200;
const TEXT_MAX = 5000;

function checkText(title: string, body: string): void {
  if (!title.trim()) throw new StoreError("invalid", "A title is required: say what customers notice.");
  if (title.length > TITLE_MAX)
    throw new StoreError("invalid", `The title is longer than ${TITLE_MAX} characters.`);
  if (body.length > TEXT_MAX)
    throw new StoreError("invalid", `The text is longer than ${TEXT_MAX} characters.`);
}

function names(list: string[] | undefined): string[] {
  return [...new Set((list ?? []).map((n) => n.trim()).filter(Boolean))].sort();
}

export async function createIncident(db: Db, input: NewIncident): Promise<StatusIncident> {
  checkText(input.title, input.body);
  const status = (input.status ?? "investigating") as IncidentStatus;
  if (!INCIDENT_STATUSES.includes(status) || status === "resolved")
    throw new StoreError(
      "invalid",
      `An incident opens as investigating, identified or monitoring, not ${status}.`,
    );
  const id = randomId("inc");
  await transaction(db, async (client) => {
    await client.query(
      `INSERT INTO status_incidents (id, kind, title, body, models, regions, starts_at, status, created_by)
       VALUES ($1, 'incident', $2, $3, $4, $5, coalesce($6, now()), $7, $8)`,
      [
        id,
        input.title.trim(),
        input.body,
        names(input.models),
        names(input.regions),
        input.startsAt ?? null,
        status,
        input.by,
      ],
    );
    await client.query(
      "INSERT INTO status_incident_updates (incident_id, status, text, by) VALUES ($1, $2, $3, $4)",
      [id, status, input.body, input.by],
    );
  });
  return (await getIncident(db, id))!;
}

/** Adds an update to an open incident, optionally changing its status; "resolved" closes it. */
export async function updateIncident(
  db: Db,
  input: { id: string; status?: IncidentStatus | undefined; text: string; by: string },
): Promise<StatusIncident> {
  if (!input.text.trim()) throw new StoreError("invalid", "The update's text is required: say what changed.");
  if (input.text.length > TEXT_MAX)
    throw new StoreError("invalid", `The text is longer than ${TEXT_MAX} characters.`);
  if (input.status && !INCIDENT_STATUSES.includes(input.status))
    throw new StoreError("invalid", `Unknown incident status ${input.status}.`);
  await transaction(db, async (client) => {
    const row = await client.query("SELECT kind, status FROM status_incidents WHERE id = $1 FOR UPDATE", [
      input.id,
    ]);
    const current = row.rows[0] as { kind: string; status: string } | undefined;
    if (current?.kind !== "incident") throw new StoreError("not_found", `There is no incident ${input.id}.`);
    if (current.status === "resolved")
      throw new StoreError(
        "conflict",
        `Incident ${input.id} is already resolved; post a new incident instead.`,
      );
    const status = input.status ?? current.status;
    await client.query(
      `UPDATE status_incidents SET status = $2, ends_at = CASE WHEN $2 = 'resolved' THEN now() END WHERE id = $1`,
      [input.id, status],
    );
    await client.query(
      "INSERT INTO status_incident_updates (incident_id, status, text, by) VALUES ($1, $2, $3, $4)",
      [input.id, status, input.text, input.by],
    );
  });
  return (await getIncident(db, input.id))!;
}

export async function createMaintenance(db: Db, input: NewMaintenance): Promise<StatusIncident> {
  checkText(input.title, input.body);
  if (!(input.endsAt.getTime() > input.startsAt.getTime()))
    throw new StoreError("invalid", "The maintenance must end after it starts.");
  const id = randomId("mnt");
  await db.query(
    `INSERT INTO status_incidents (id, kind, title, body, models, regions, starts_at, ends_at, status, created_by)
     VALUES ($1, 'maintenance', $2, $3, $4, $5, $6, $7, 'scheduled', $8)`,
    [
      id,
      input.title.trim(),
      input.body,
      names(input.models),
      names(input.regions),
      input.startsAt,
      input.endsAt,
      input.by,
    ],
  );
  return (await getIncident(db, id))!;
}

/** Cancels maintenance that has not completed; the reason becomes its (public) last update. */
export async function cancelMaintenance(
  db: Db,
  input: { id: string; reason: string; by: string },
): Promise<StatusIncident> {
  await transaction(db, async (client) => {
    const result = await client.query(
      `UPDATE status_incidents SET status = 'cancelled'
        WHERE id = $1 AND kind = 'maintenance' AND status = 'scheduled' AND ends_at > now() RETURNING id`,
      [input.id],
    );
    if (result.rowCount === 0) {
      const found = await getIncident(client, input.id);
      if (found?.kind !== "maintenance")
        throw new StoreError("not_found", `There is no maintenance ${input.id}.`);
      throw new StoreError(
        "conflict",
        `Maintenance ${input.id} is already ${found.status.replace("_", " ")}.`,
      );
    }
    await client.query(
      "INSERT INTO status_incident_updates (incident_id, status, text, by) VALUES ($1, 'cancelled', $2, $3)",
      [input.id, input.reason, input.by],
    );
  });
  return (await getIncident(db, input.id))!;
}

export async function getIncident(db: Db, id: string): Promise<StatusIncident | undefined> {
  return (await selectIncidents(db, "i.id = $1", [id]))[0];
}

/**
 * What the public page shows: open incidents, incidents resolved in the last RESOLVED_SHOWN_DAYS days,
 * and maintenance not yet completed nor cancelled. Newest first.
 */
export function listPublicIncidents(db: Db): Promise<StatusIncident[]> {
  return selectIncidents(
    db,
    `(i.kind = 'incident' AND (i.ends_at IS NULL OR i.ends_at > now() - make_interval(days => $1)))
     OR (i.kind = 'maintenance' AND i.status = 'scheduled' AND i.ends_at > now())`,
    [RESOLVED_SHOWN_DAYS],
  );
}

/** Every incident and maintenance, newest first (the console's list). */
export function listIncidents(db: Db, options: { limit?: number } = {}): Promise<StatusIncident[]> {
  return selectIncidents(db, "true", [], options.limit ?? 100);
}

async function selectIncidents(
  db: Db,
  where: string,
  params: unknown[],
  limit = 1000,
): Promise<StatusIncident[]> {
  const result = await db.query(
    `SELECT i.id, i.kind, i.title, i.body, i.models, i.regions, i.starts_at, i.ends_at, i.created_by, i.created_at,
            CASE WHEN i.kind = 'incident' OR i.status = 'cancelled' THEN i.status
                 WHEN i.ends_at <= now() THEN 'completed'
                 WHEN i.starts_at <= now() THEN 'in_progress'
                 ELSE 'scheduled' END AS status,
            coalesce((SELECT json_agg(json_build_object('at', u.at, 'status', u.status, 'text', u.text, 'by', u.by)
                        ORDER BY u.seq)
                        FROM status_incident_updates u WHERE u.incident_id = i.id), '[]') AS updates
       FROM status_incidents i WHERE ${where}
      ORDER BY i.starts_at DESC, i.id LIMIT ${Math.max(1, Math.min(1000, Math.floor(limit)))}`,
    params,
  );
  return result.rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    models: row.models,
    regions: row.regions,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updates: (row.updates as { at: string; status: string; text: string; by: string }[]).map((u) => ({
      ...u,
      at: new Date(u.at),
    })),
  }));
}
