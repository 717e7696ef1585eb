/**
 * tap's before-script: one real PostgreSQL for the whole run (the embedded one,
 * or TEST_DATABASE_URL's server), with a migrated template database that every
 * test file clones into a database of its own.
 */
import fs from 'node:fs';
import postgres from 'postgres';
import { applyMigrations, connect } from '../../db/client.ts';
import { loadDivisions } from '../../db/divisions.ts';
import { syncDepartmentUnits } from '../../db/queries/units.ts';
import { loadRules } from '../../server/rules/load.ts';
import { startEmbeddedPostgres } from '../../db/embedded.ts';
import path from 'node:path';
import {
  clusterDir,
  freePort,
  isRunning,
  runsDir,
  stateFile,
  stopCluster,
  TEMPLATE,
  withDatabase,
  type ClusterState,
} from '../../scripts/harness/cluster.ts';

// Clusters of earlier runs that died without their after-script.
for (const run of fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : []) {
  if (run !== String(process.ppid) && !isRunning(Number(run))) {
    await stopCluster(path.join(runsDir, run, 'pg')).catch(() => {});
    fs.rmSync(path.join(runsDir, run), { recursive: true, force: true });
  }
}
fs.mkdirSync(path.dirname(stateFile), { recursive: true });
fs.chmodSync(runsDir, 0o755);

let adminUrl = process.env.TEST_DATABASE_URL;
const embedded = !adminUrl;
if (!adminUrl) {
  const server = await startEmbeddedPostgres({ dataDir: clusterDir, port: await freePort() });
  adminUrl = server.url;
}

const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
const stale = await admin`select datname from pg_database where datname = ${TEMPLATE} or starts_with(datname, 'hltest_')`;
for (const { datname } of stale) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
await admin.unsafe(`create database ${TEMPLATE}`);
await admin.end();

await applyMigrations(withDatabase(adminUrl, TEMPLATE));
// The real Tianjin tree and the departments of rules/, as the service loads them at start.
const template = connect(withDatabase(adminUrl, TEMPLATE), { max: 2 });
await loadDivisions(template.sql, '12');
await syncDepartmentUnits(template.sql, loadRules().departments);
await template.close();

fs.writeFileSync(stateFile, JSON.stringify({ adminUrl, embedded } satisfies ClusterState));
console.log(`# test database ready (${embedded ? 'embedded PostgreSQL' : 'TEST_DATABASE_URL'})`);
