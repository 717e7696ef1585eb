/**
 * Where the embedded PostgreSQL cannot work, the person at the terminal gets one
 * line naming the folder, the reason and the fix, never a stack; where it can,
 * data stays where it is and the programs' copy is whole and shared.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { chooseDataDir, EmbeddedPostgresUnavailable, pgIdentity } from '../db/embedded-access.ts';
import { copyNative } from '../db/embedded-programs.ts';
import { freePort, root } from '../scripts/harness/cluster.ts';

const asRoot = process.getuid?.() === 0;

/** A folder nobody but root may enter (as root, `postgres` may not; as another user, not even its owner). */
function lockedFolder(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-locked-'));
  t.teardown(() => {
    fs.chmodSync(dir, 0o700);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function openFolder(t: Test, prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755); // as root the postgres user must reach it
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function run(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

for (const script of ['server/main.ts', 'scripts/load-areas.ts', 'scripts/seed-demo.ts']) {
  t.test(`${script}: a data folder out of reach stops it with one line, no stack`, async (t) => {
    const locked = lockedFolder(t);
    const dataDir = path.join(locked, 'pg');
    fs.chmodSync(locked, 0o000);
    const cache = openFolder(t, 'hotline-cache-');
    const { code, stderr } = await run(script, {
      DATABASE_URL: '',
      EMBEDDED_PG_DIR: dataDir,
      HOTLINE_PG_CACHE: cache,
      PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
    });
    t.equal(code, 1, 'exits 1');
    const lines = stderr.trim().split('\n');
    t.equal(lines.length, 1, 'one line', { stderr });
    t.match(lines[0], /embedded PostgreSQL cannot start/);
    t.ok(lines[0]!.includes(`${locked}:`), 'names the folder in the way');
    t.match(lines[0], /cannot enter this folder \(mode 000,/, 'says why');
    // As root the postgres user is shut out; as another user we cannot even see whether a cluster is inside.
    const fix = asRoot ? /Fix: set EMBEDDED_PG_DIR to a folder outside it.*, or chmod o\+x / : /Fix: .*chmod u\+rx .*set EMBEDDED_PG_DIR/;
    t.match(lines[0], fix, 'and what to do');
    t.notMatch(stderr, /^\s+at /m, 'no stack');
    t.notOk(fs.existsSync(path.join(cache, 'pg-')), 'nothing was copied for a start that cannot happen');
  });
}

t.test('a default data folder out of reach', async (t) => {
  const ids = await pgIdentity();
  const logged: string[] = [];
  const log = (m: string) => logged.push(m);
  const locked = lockedFolder(t);
  const elsewhere = openFolder(t, 'hotline-elsewhere-');
  const fallbackDataDir = path.join(elsewhere, 'state', 'pg');

  fs.chmodSync(locked, 0o000);
  if (asRoot) {
    const chosen = await chooseDataDir(ids, { dataDir: path.join(locked, 'pg'), fallbackDataDir, setting: 'EMBEDDED_PG_DIR', log });
    t.equal(chosen, fallbackDataDir, 'holding no cluster: the data goes to the fallback');
    t.ok(fs.statSync(path.dirname(fallbackDataDir)).isDirectory(), 'whose parent is made');
    t.match(logged, [new RegExp(`${locked}: .*cannot enter.*; the data goes to ${fallbackDataDir}`)], 'and says so');
  } else {
    // Not even its owner may look inside: it might hold a cluster, which must not be left behind.
    const err = await chooseDataDir(ids, { dataDir: path.join(locked, 'pg'), fallbackDataDir, setting: 'EMBEDDED_PG_DIR', log }).catch(
      (e: unknown) => e,
    );
    t.match((err as Error).message, /may hold the cluster in/, 'a folder it cannot look into is not abandoned');
  }

  // A cluster already there is never abandoned for an empty new place.
  fs.chmodSync(locked, 0o700);
  fs.mkdirSync(path.join(locked, 'pg'));
  fs.writeFileSync(path.join(locked, 'pg', 'PG_VERSION'), '18\n');
  fs.chmodSync(locked, 0o000);
  const err = await chooseDataDir(ids, { dataDir: path.join(locked, 'pg'), fallbackDataDir, setting: 'EMBEDDED_PG_DIR', log }).catch(
    (e: unknown) => e,
  );
  t.type(err, EmbeddedPostgresUnavailable);
  const message = (err as Error).message;
  t.ok(message.includes(`${locked}:`), 'names the folder in the way');
  t.match(message, /holds? the cluster in/, 'says there is a cluster behind it');
  t.match(message, new RegExp(`chmod (o\\+x|u\\+rx) ${locked}.*set EMBEDDED_PG_DIR`), 'and both ways out');
  t.notMatch(message, /\n/, 'one line');

  const reachable = path.join(elsewhere, 'here', 'pg');
  t.equal(await chooseDataDir(ids, { dataDir: reachable, fallbackDataDir, setting: 'X', log }), reachable, 'a folder in reach is kept');
  // Once the fallback holds a cluster, it is used even when the default comes back in reach, rather than a new empty one.
  fs.mkdirSync(fallbackDataDir, { recursive: true });
  fs.writeFileSync(path.join(fallbackDataDir, 'PG_VERSION'), '18\n');
  t.equal(
    await chooseDataDir(ids, { dataDir: reachable, fallbackDataDir, setting: 'X', log }),
    fallbackDataDir,
    'the cluster in the fallback is kept',
  );
  fs.mkdirSync(reachable, { recursive: true });
  fs.writeFileSync(path.join(reachable, 'PG_VERSION'), '18\n');
  t.equal(
    await chooseDataDir(ids, { dataDir: reachable, fallbackDataDir, setting: 'X', log }),
    reachable,
    'but one in the default comes first',
  );

  const file = path.join(elsewhere, 'a-file');
  fs.writeFileSync(file, '');
  const notDir = await chooseDataDir(ids, { dataDir: path.join(file, 'pg'), setting: 'EMBEDDED_PG_DIR', log }).catch((e: unknown) => e);
  t.type(notDir, EmbeddedPostgresUnavailable, 'a folder that cannot be made');
  t.match(
    (notDir as Error).message,
    new RegExp(`${file}: cannot create or write it \\(E[A-Z]+\\)\\. Fix: set EMBEDDED_PG_DIR to a writable folder`),
  );
});

/** A stand-in for the package's native folder: a runnable initdb, a library symlink, a data file. */
function fakeNative(t: Test, runnable = true): string {
  const dir = openFolder(t, 'hotline-native-');
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.mkdirSync(path.join(dir, 'share'));
  fs.writeFileSync(path.join(dir, 'bin', 'initdb'), '#!/bin/sh\necho "initdb (fake)"\n', { mode: runnable ? 0o755 : 0o644 });
  fs.writeFileSync(path.join(dir, 'lib', 'libx.so.1.0'), 'x');
  fs.symlinkSync('libx.so.1.0', path.join(dir, 'lib', 'libx.so.1'));
  fs.writeFileSync(path.join(dir, 'share', 'postgres.bki'), 'bki', { mode: 0o600 });
  return dir;
}

t.test('the copy of the programs: whole, shared by racing processes, reused, replaced when incomplete', async (t) => {
  const ids = await pgIdentity();
  const native = fakeNative(t);
  const cacheRoot = path.join(openFolder(t, 'hotline-cache-'), 'cache');
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => copyNative(ids, native, cacheRoot, '1.2.3')));
  const target = path.join(cacheRoot, 'pg-1.2.3');
  t.same([a, b, c], [target, target, target], 'all racers use the one copy');
  t.same(fs.readdirSync(cacheRoot), ['pg-1.2.3'], 'and leave no temporary folder behind');
  t.equal(fs.readlinkSync(path.join(target, 'lib', 'libx.so.1')), 'libx.so.1.0', 'symlinks stay symlinks');
  t.equal(fs.statSync(path.join(target, 'bin', 'initdb')).mode & 0o777, 0o755, 'programs stay runnable');
  t.equal(fs.statSync(path.join(target, 'share', 'postgres.bki')).mode & 0o444, 0o444, 'and every file readable');

  fs.writeFileSync(path.join(target, 'sentinel'), '');
  await copyNative(ids, native, cacheRoot, '1.2.3');
  t.ok(fs.existsSync(path.join(target, 'sentinel')), 'a whole copy of the same version is reused');
  fs.rmSync(path.join(target, '.hotline-pg-version'));
  await copyNative(ids, native, cacheRoot, '1.2.3');
  t.notOk(fs.existsSync(path.join(target, 'sentinel')), 'one without its marker is replaced');
  t.ok(fs.existsSync(path.join(target, '.hotline-pg-version')));
  t.same(fs.readdirSync(cacheRoot), ['pg-1.2.3']);
});

t.test('where the programs cannot be copied or run: one line naming the folder and HOTLINE_PG_CACHE', async (t) => {
  const ids = await pgIdentity();
  const file = path.join(openFolder(t, 'hotline-cache-'), 'a-file');
  fs.writeFileSync(file, '');
  const err = await copyNative(ids, fakeNative(t), path.join(file, 'cache'), '1.2.3').catch((e: unknown) => e);
  t.type(err, EmbeddedPostgresUnavailable);
  t.ok(
    (err as Error).message.includes(`${path.join(file, 'cache')}: cannot create or write it (ENOTDIR at ${file})`),
    'names the cache folder and what is in the way',
  );
  t.match((err as Error).message, /Fix: set HOTLINE_PG_CACHE to a writable folder/);

  // Programs that may not be run there (as on a noexec mount).
  const cacheRoot = path.join(openFolder(t, 'hotline-cache-'), 'cache');
  const noexec = await copyNative(ids, fakeNative(t, false), cacheRoot, '1.2.3').catch((e: unknown) => e);
  t.type(noexec, EmbeddedPostgresUnavailable);
  t.ok((noexec as Error).message.includes(path.join(cacheRoot, 'pg-1.2.3')), 'names the copy');
  t.match((noexec as Error).message, /cannot run the programs there .*Fix: set HOTLINE_PG_CACHE/);
  t.notMatch((noexec as Error).message, /\n/, 'one line');
});
