/**
 * `npm run areas:load -- 12` loads a province (2 digits), a city (4 digits) or
 * `all` of the official division tree into the database at DATABASE_URL (or the
 * embedded one under EMBEDDED_PG_DIR when unset).
 */
import { applyMigrations, connect } from '../db/client.ts';
import { checkScope, loadDivisions } from '../db/divisions.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { loadConfig } from '../server/config.ts';

const scope = process.argv[2] ?? '12';
checkScope(scope);
const config = loadConfig();
const embedded = config.databaseUrl
  ? undefined
  : await startEmbeddedPostgres({ dataDir: config.embeddedDataDir, port: config.embeddedPort, log: console.log });
const url = config.databaseUrl ?? embedded!.url;
try {
  await applyMigrations(url);
  const db = connect(url, { max: 2 });
  const started = performance.now();
  const count = await loadDivisions(db.sql, scope);
  console.log(`loaded ${count} areas for scope ${scope} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await db.close();
} finally {
  await embedded?.stop();
}
