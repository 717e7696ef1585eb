/**
 * The service's own database for a command-line tool: DATABASE_URL's, or the
 * embedded server under EMBEDDED_PG_DIR when it is unset (as `npm start` uses);
 * migrated first, closed (and the embedded server stopped) when `work` is done.
 */
import { applyMigrations, connect, type DbHandle } from '../db/client.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { exitIfEmbeddedUnavailable } from '../db/embedded-access.ts';
import { loadConfig } from '../server/config.ts';

export async function withServiceDatabase<T>(work: (db: DbHandle) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: config.embeddedDataDir,
        fallbackDataDir: config.embeddedFallbackDir,
        port: config.embeddedPort,
        log: console.log,
      }).catch((err: unknown) => {
        exitIfEmbeddedUnavailable(err);
        throw err;
      });
  const url = config.databaseUrl ?? embedded!.url;
  try {
    await applyMigrations(url);
    const db = connect(url, { max: 2 });
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  } finally {
    await embedded?.stop();
  }
}
