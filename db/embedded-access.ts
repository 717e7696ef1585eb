/**
 * Whether the user that runs the embedded PostgreSQL can reach what it needs.
 * As root the server runs as `postgres`, who cannot enter a checkout under a
 * folder of mode 700 (as /root is): then the programs are copied to a cache it
 * can reach and the data goes outside the checkout. Where that cannot work either,
 * one EmbeddedPostgresUnavailable line says which folder, why, and what to do.
 * (The copy of the programs is in embedded-programs.ts.)
 */
import { execFile } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PG_USER = 'postgres';

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

export const who = (ids: PgIdentity) => (ids.uid === undefined ? 'this user' : `the ${PG_USER} user`);

/** The command that opens `folder` to `ids`: to others for the postgres user, to its owner for ourselves. */
const letIn = (ids: PgIdentity, folder: string) => (ids.uid === undefined ? `chmod u+rx ${folder}` : `chmod o+x ${folder}`);

/** Options of programs run as `ids`; cwd '/' because the caller's folder may be closed to that user. */
export const runOptions = (ids: PgIdentity) => ({ ...ids, cwd: '/', env: { ...process.env, LC_MESSAGES: 'C' } });

/** Whether `ids` may pass `flag` (X_OK, W_OK…) on every path; access(2) also checks every parent folder and noexec. */
export async function may(ids: PgIdentity, flag: 'x' | 'w', ...paths: string[]): Promise<boolean> {
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
export async function blocker(ids: PgIdentity, dir: string): Promise<{ folder: string; why: string }> {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const folder = path.sep + parts.slice(0, i).join(path.sep);
    if (!existsSync(folder)) break;
    if (!(await may(ids, 'x', folder))) {
      const st = await fs.stat(folder).catch(() => undefined);
      const mode = st ? `mode ${(st.mode & 0o777).toString(8).padStart(3, '0')}, owner uid ${st.uid}` : 'unreadable';
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
  const fallback = choice.fallbackDataDir && path.resolve(choice.fallbackDataDir);
  if (fallback && (await clusterAt(asked)) === 'no' && (await clusterAt(fallback)) === 'yes') {
    // Made there by an earlier start that could not reach `asked`: a new empty cluster would hide it.
    choice.log(`embedded PostgreSQL: using the cluster in ${fallback} (none in ${asked})`);
    dataDir = fallback;
  } else if (!(await reachable(ids, asked))) {
    const b = await blocker(ids, asked);
    const present = await clusterAt(asked);
    if (present !== 'no') {
      const found = present === 'yes' ? `it holds the cluster in ${asked}` : `it may hold the cluster in ${asked}`;
      throw new EmbeddedPostgresUnavailable(
        b.folder,
        `${b.why}, and ${found}`,
        `let ${who(ids)} in (${letIn(ids, b.folder)}), or move the cluster out and set ${choice.setting} to its new folder`,
      );
    }
    if (!fallback) {
      throw new EmbeddedPostgresUnavailable(
        b.folder,
        b.why,
        `set ${choice.setting} to a folder outside it (such as /var/lib/hotline-12345/pg), or ${letIn(ids, b.folder)}`,
      );
    }
    dataDir = fallback;
    choice.log(`embedded PostgreSQL: ${b.folder}: ${b.why}; the data goes to ${dataDir} instead`);
  }
  await openFolder(ids, path.dirname(dataDir), choice.setting);
  return dataDir;
}

/** Create `dir` (mode 755 whatever the umask, so `ids` can pass) and check that we may write and `ids` may enter it. */
export async function openFolder(ids: PgIdentity, dir: string, setting: string): Promise<void> {
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
    throw new EmbeddedPostgresUnavailable(b.folder, b.why, `set ${setting} to another folder, or ${letIn(ids, b.folder)}`);
  }
}

/** The state folder outside any checkout: HOTLINE_STATE_DIR, or /var/lib/hotline-12345. */
export function hotlineStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.HOTLINE_STATE_DIR || '/var/lib/hotline-12345');
}
