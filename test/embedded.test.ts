/**
 * The embedded PostgreSQL's superuser password is the installation's own: made
 * at initdb, kept in the data folder for the service's user only, and a cluster
 * made with the old shared default gets its own at its next start.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import t from 'tap';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { freePort } from '../scripts/harness/cluster.ts';

const FILE = 'hotline-superuser.password';

async function canConnect(port: number, password: string): Promise<boolean> {
  const sql = postgres({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'postgres',
    max: 1,
    onnotice: () => {},
    connect_timeout: 10,
  });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

t.test('each installation has its own password, readable only by its owner; an old cluster gets one at its next start', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-pg-password-'));
  fs.chmodSync(dir, 0o755); // the server runs as the postgres user when we are root
  const opts = { dataDir: path.join(dir, 'pg'), port: await freePort() };
  let pg = await startEmbeddedPostgres(opts);
  t.teardown(async () => {
    await pg.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const file = path.join(opts.dataDir, FILE);
  const password = fs.readFileSync(file, 'utf8').trim();
  t.ok(password.length >= 24, 'a long random password');
  t.equal(fs.statSync(file).mode & 0o777, 0o600, 'readable by its owner only');
  t.equal(decodeURIComponent(new URL(pg.url).password), password, 'the service connects with it');
  t.notOk(await canConnect(opts.port, 'hotline-local'), 'the old shared default does not open it');
  t.ok(await canConnect(opts.port, password));

  // An installation from before: the shared default and no password file.
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  await sql.unsafe(`alter role postgres password 'hotline-local'`);
  await sql.end();
  fs.rmSync(file);
  await pg.stop();
  pg = await startEmbeddedPostgres(opts);
  const replaced = fs.readFileSync(file, 'utf8').trim();
  t.not(replaced, password);
  t.ok(await canConnect(opts.port, replaced), 'it starts and has a password of its own');
  t.notOk(await canConnect(opts.port, 'hotline-local'), 'the shared default no longer opens it');

  await pg.stop();
  pg = await startEmbeddedPostgres(opts);
  t.equal(fs.readFileSync(file, 'utf8').trim(), replaced, 'a restart keeps the password');
  t.ok(await canConnect(opts.port, replaced));
});

t.test('a command run beside the service uses its running server and leaves it running', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-pg-shared-'));
  fs.chmodSync(dir, 0o755);
  const opts = { dataDir: path.join(dir, 'pg'), port: await freePort() };
  const service = await startEmbeddedPostgres(opts);
  t.teardown(async () => {
    await service.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const password = decodeURIComponent(new URL(service.url).password);
  // Another process (seed:demo, a loader) starts "its" embedded server on the same folder, then stops it.
  const embedded = new URL('../db/embedded.ts', import.meta.url).href;
  const script = `const { startEmbeddedPostgres } = await import(${JSON.stringify(embedded)});
    const pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(opts.dataDir)}, port: ${opts.port + 1}, log: console.log });
    console.log('url port ' + new URL(pg.url).port);
    await pg.stop();`;
  const other = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  t.equal(other.status, 0, other.stderr);
  t.match(other.stdout, /already running/, 'it says it uses the running server');
  t.match(other.stdout, new RegExp(`url port ${opts.port}\\b`), 'on the service’s port');
  t.ok(await canConnect(opts.port, password), 'and the service’s server still answers after the command ends');
});
