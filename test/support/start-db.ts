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
import { exitIfEmbeddedUnavailable } from '../../db/embedded-access.ts';
import path from 'node:path';
import {
  clusterDir,
  freePort,
  isRunning,
  outsideRunsDir,
  runsDir,
  stateFile,
  stopCluster,
  TEMPLATE,
  withDatabase,
  type ClusterState,
} from '../../scripts/harness/cluster.ts';

// Clusters of earlier runs that died without their after-script, in the checkout or outside it.
const stale = (dir: string) =>
  (fs.existsSync(dir) ? fs.readdirSync(dir) : []).filter((run) => run !== String(process.ppid) && !isRunning(Number(run)));
for (const run of stale(runsDir)) {
  const state = path.join(runsDir, run, 'state.json');
  const known = fs.existsSync(state) ? (JSON.parse(fs.readFileSync(state, 'utf8')) as ClusterState).clusterDir : undefined;
  await stopCluster(known ?? path.join(runsDir, run, 'pg')).catch(() => {});
  fs.rmSync(path.join(runsDir, run), { recursive: true, force: true });
}
for (const run of stale(outsideRunsDir())) {
  await stopCluster(path.join(outsideRunsDir(), run, 'pg')).catch(() => {});
  fs.rmSync(path.join(outsideRunsDir(), run), { recursive: true, force: true });
}
fs.mkdirSync(path.dirname(stateFile), { recursive: true });
fs.chmodSync(runsDir, 0o755);

let adminUrl = process.env.TEST_DATABASE_URL;
const embedded = !adminUrl;
let dataDir: string | undefined;
if (!adminUrl) {
  const server = await startEmbeddedPostgres({
    dataDir: clusterDir,
    fallbackDataDir: path.join(outsideRunsDir(), String(process.ppid), 'pg'),
    dataDirSetting: 'HOTLINE_STATE_DIR',
    port: await freePort(),
    log: (m) => console.log(`# ${m}`),
  }).catch((err: unknown) => {
    exitIfEmbeddedUnavailable(err);
    throw err;
  });
  adminUrl = server.url;
  dataDir = server.dataDir;
}

const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
const old = await admin`select datname from pg_database where datname = ${TEMPLATE} or starts_with(datname, 'hltest_')`;
for (const { datname } of old) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
await admin.unsafe(`create database ${TEMPLATE}`);
await admin.end();

await applyMigrations(withDatabase(adminUrl, TEMPLATE));
// The real Tianjin tree and the departments of rules/, as the service loads them at start.
const template = connect(withDatabase(adminUrl, TEMPLATE), { max: 2 });
await loadDivisions(template.sql, '12');
await syncDepartmentUnits(template.sql, loadRules().departments);
await template.close();

fs.writeFileSync(stateFile, JSON.stringify({ adminUrl, embedded, clusterDir: dataDir } satisfies ClusterState));
console.log(`# test database ready (${embedded ? 'embedded PostgreSQL' : 'TEST_DATABASE_URL'})`);
