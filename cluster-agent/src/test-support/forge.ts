import pg from "pg";

/**
 * Sends `SELECT pg_notify(channel, payload)` from a plain connection of its own, as any role that can
 * connect to the database could: what an agent must not believe.
 */
export async function forgeNotifications(
  databaseUrl: string,
  channel: string,
  payloads: unknown[],
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const payload of payloads) {
      await client.query("SELECT pg_notify($1, $2)", [
        channel,
        typeof payload === "string" ? payload : JSON.stringify(payload),
      ]);
    }
  } finally {
    await client.end();
  }
}
