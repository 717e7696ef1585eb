import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema.ts';

export type Database = PostgresJsDatabase<typeof schema>;
export type Sql = postgres.Sql;
/** A connection or an open transaction: what a query function needs to run inside the caller's transaction. */
export type Queryable = postgres.Sql | postgres.TransactionSql;

export interface DbHandle {
  sql: Sql;
  db: Database;
  close(): Promise<void>;
}

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface ConnectOptions {
  max?: number;
  /** Seconds to wait for a connection before failing: requests must fail fast, not hang. */
  connectTimeout?: number;
}

export function connect(url: string, opts: ConnectOptions = {}): DbHandle {
  const sql = postgres(url, {
    max: opts.max ?? 20,
    connect_timeout: opts.connectTimeout ?? 5,
    idle_timeout: 60,
    // The driver's own backoff grows to 20 s between connection attempts, and a
    // request waits it out: while the database is away, answer 503 within a second.
    backoff: (retries: number) => Math.min(0.05 * retries, 0.5),
    onnotice: () => {},
    connection: { application_name: 'hotline-12345', TimeZone: 'UTC' },
  });
  const db = drizzle(sql, { schema });
  return { sql, db, close: () => sql.end({ timeout: 5 }) };
}

/** Any fixed number will do; it only has to be the same for every instance. */
const MIGRATION_LOCK = 12345_0001;

/**
 * Apply the committed drizzle-kit migrations. Several instances may start at once,
 * so they queue on a session advisory lock, held on this one-connection client.
 */
export async function applyMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(sql, { schema }), { migrationsFolder });
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
