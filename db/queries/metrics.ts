/**
 * What /metrics reads from PostgreSQL itself at each scrape: the service's
 * connections to this database by state. postgres.js does not expose its pool's
 * counts, and the server's view is the one that matters when the pool runs dry.
 */
import type { Sql } from '../client.ts';

/** Connections of the service (every instance: they share the application_name) to this database, by state. */
export async function serviceConnectionsByState(sql: Sql): Promise<{ state: string; count: number }[]> {
  const rows = await sql<{ state: string | null; count: string }[]>`
    select state, count(*) as count from pg_stat_activity
    where datname = current_database() and application_name = 'hotline-12345'
    group by state`;
  return rows.map((r) => ({ state: r.state ?? 'unknown', count: Number(r.count) }));
}
