/**
 * tap's before-script: one real PostgreSQL for the whole run (the embedded one,
 * or TEST_DATABASE_URL's server), with a migrated template database that every
 * test file clones into a database of its own.
 */
import fs from 'node:fs';
import postgres from 'postgres';
import { applyMigrations } from '../../db/client.ts';
import { startEmbeddedPostgres } from '../../db/embedded.ts';
import { clusterDir, freePort, stateFile, TEMPLATE, withDatabase, type ClusterState } from './cluster.ts';

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

fs.writeFileSync(stateFile, JSON.stringify({ adminUrl, embedded } satisfies ClusterState));
console.log(`# test database ready (${embedded ? 'embedded PostgreSQL' : 'TEST_DATABASE_URL'})`);
