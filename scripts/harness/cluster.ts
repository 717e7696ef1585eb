import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hotlineStateDir, pgIdentity, runOptions } from '../../db/embedded-access.ts';
import { pgBinaries } from '../../db/embedded-programs.ts';

/**
 * Where a test run keeps its throwaway cluster and the address of it. tap starts
 * the before-script, the test files and the after-script as children of one
 * runner, so the runner's pid names the run: two runs in one checkout (a person
 * and an editor, say) never share or stop each other's cluster.
 */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const runsDir = path.join(root, '.tmp', 'test-runs');
export const clusterDir = path.join(runsDir, String(process.ppid), 'pg');
export const stateFile = path.join(runsDir, String(process.ppid), 'state.json');
/** Names this checkout's folders outside it, so two checkouts never share one. */
export const checkoutKey = createHash('sha256').update(root).digest('hex').slice(0, 12);
/**
 * Where the runs' clusters go when the postgres user cannot enter the checkout
 * (as root under /root): `<HOTLINE_STATE_DIR>/test-pg-<checkout key>/<run>/pg`.
 */
export const outsideRunsDir = () => path.join(hotlineStateDir(), `test-pg-${checkoutKey}`);
export const TEMPLATE = 'hotline_template';

export interface ClusterState {
  /** A URL to the maintenance database, used to create and drop per-test databases. */
  adminUrl: string;
  embedded: boolean;
  /** The embedded cluster's data folder: `clusterDir`, or its place under `outsideRunsDir()`. */
  clusterDir?: string;
}

export function readState(): ClusterState {
  if (!fs.existsSync(stateFile)) {
    throw new Error(`${stateFile} is missing: run the tests with \`npm test\`, whose before-script starts the database`);
  }
  return JSON.parse(fs.readFileSync(stateFile, 'utf8')) as ClusterState;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Fast shutdown of a test cluster, as the postgres user when we are root, with the programs it started from. */
export async function stopCluster(dir: string): Promise<void> {
  if (!fs.existsSync(path.join(dir, 'postmaster.pid'))) return;
  const ids = await pgIdentity();
  const { pg_ctl } = await pgBinaries(ids);
  await promisify(execFile)(pg_ctl, ['stop', '-w', '-m', 'fast', '-D', dir], runOptions(ids));
}
