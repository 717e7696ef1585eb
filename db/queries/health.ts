/**
 * Whether the database answers, for /readyz.
 *
 * Query style of db/queries: set-based and hand-written queries are postgres.js
 * tagged templates; the drizzle builder only for plain row CRUD; never drizzle's
 * relational `db.query` API (one way to read a query, and the SQL is what runs).
 */
import type { Sql } from '../client.ts';

/** One round trip that touches no table: it fails only when the database (or the pool) does. */
export async function ping(sql: Sql): Promise<void> {
  await sql`select 1`;
}
