/**
 * `npm run areas:load -- 12` loads a province (2 digits), a city (4 digits) or
 * `all` of the official division tree into the database at DATABASE_URL (or the
 * embedded one under EMBEDDED_PG_DIR when unset).
 */
import { checkScope, loadDivisions } from '../db/divisions.ts';
import { withServiceDatabase } from './service-database.ts';

const scope = process.argv[2] ?? '12';
checkScope(scope);
await withServiceDatabase(async (db) => {
  const started = performance.now();
  const count = await loadDivisions(db.sql, scope);
  console.log(`loaded ${count} areas for scope ${scope} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
});
