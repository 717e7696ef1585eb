/**
 * The service as an operator runs it: `npm start` with no DATABASE_URL starts an
 * embedded PostgreSQL whose data survives a stop, a restart, and even a SIGKILL.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { freePort, root } from '../scripts/harness/cluster.ts';
import { startService as startChild } from '../scripts/harness/service.ts';

/** With no DATABASE_URL: the embedded PostgreSQL. */
const startService = (env: Record<string, string>) => startChild({ ...env, DATABASE_URL: '' });

t.test('orders survive stop, restart and a killed process', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-restart-'));
  fs.chmodSync(dir, 0o755); // the server runs as the postgres user when we are root
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = {
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    EMBEDDED_PG_DIR: path.join(dir, 'pg'),
    ADMIN_PASSWORD: 'first-start-secret',
  };

  let svc = await startService(env);
  t.teardown(() => svc.child.kill('SIGKILL'));
  t.equal((await fetch(`${svc.base}/readyz`)).status, 200, 'ready once the database is up');
  const docs = await fetch(`${svc.base}/docs/json`);
  t.equal(docs.status, 200, 'the OpenAPI document is served');
  t.ok((await docs.json()).paths['/api/orders'], 'and describes the orders API');

  const login = await fetch(`${svc.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'first-start-secret' }),
  });
  t.equal(login.status, 200, 'the first start created the admin user');
  const { token } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const created = await fetch(`${svc.base}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ channel: 'phone', content: '自来水发黄，已经三天了' }),
  });
  t.equal(created.status, 201);
  const order = (await created.json()) as { id: number; number: string };

  svc.child.kill('SIGTERM');
  t.equal(await svc.exited, 0, 'SIGTERM shuts down cleanly');
  t.notOk(fs.existsSync(path.join(env.EMBEDDED_PG_DIR, 'postmaster.pid')), 'and stops the embedded database');

  svc = await startService(env);
  const again = await fetch(`${svc.base}/api/orders/${order.number}`, { headers: auth });
  t.equal(again.status, 200, 'the order is there after a restart');
  t.equal(((await again.json()) as { id: number }).id, order.id);

  svc.child.kill('SIGKILL');
  await svc.exited;
  t.ok(fs.existsSync(path.join(env.EMBEDDED_PG_DIR, 'postmaster.pid')), 'a killed service leaves its database running');

  svc = await startService(env);
  t.match(svc.output(), /left running by an earlier process/, 'the next start recovers the stale server');
  const afterKill = await fetch(`${svc.base}/api/orders/${order.id}`, { headers: auth });
  t.equal(afterKill.status, 200, 'and the order is still there');
  svc.child.kill('SIGTERM');
  t.equal(await svc.exited, 0);
});

t.test('the service refuses to start on a broken rules file, saying where', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-rules-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(path.join(root, 'rules'), dir, { recursive: true });
  fs.appendFileSync(path.join(dir, 'dispatch.yaml'), 'autoDispatchThreshold: 7\n');
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, RULES_DIR: dir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PORT: String(await freePort()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.equal(code, 1);
  t.match(out, /cannot start/);
  t.match(out, /dispatch\.yaml/);
  t.match(out, /"line":\d+/);
});
