/**
 * Nothing lost, nothing doubled: the service killed under load, shut down with
 * requests in flight, and its database restarted under load.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import t, { type Test } from 'tap';
import { WebSocket } from 'ws';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { testDatabase } from './support/app.ts';
import { seedClaimClocks } from '../scripts/harness/claim-clocks.ts';
import { sweepDueClocks } from '../server/jobs/sweeper.ts';
import { freePort, root } from '../scripts/harness/cluster.ts';
import { bearer, startService } from '../scripts/harness/service.ts';

const PASSWORD = 'faults-admin-secret';
const complaint = (key: string) =>
  JSON.stringify({ channel: 'phone', citizenPhone: '13800000000', content: `${key}：楼道灯坏了一个月没人修`, areaCode: '120102' });

interface Outcome {
  key: string;
  status: number | null; // null: no HTTP answer at all
  error?: string;
  order?: { id: number; number: string };
}

async function post(base: string, headers: Record<string, string>, key: string, timeoutMs = 15_000): Promise<Outcome> {
  try {
    const res = await fetch(`${base}/api/orders`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': key },
      body: complaint(key),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as { id: number; number: string };
    return { key, status: res.status, order: res.ok ? { id: body.id, number: body.number } : undefined };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { key, status: null, error: cause?.code ?? (err as Error).name };
  }
}

/** `clients` loops posting new keys until `stop()`; every outcome is kept. */
function load(base: string, headers: Record<string, string>, clients: number, tag: string) {
  const outcomes: Outcome[] = [];
  let stopped = false;
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; !stopped; i++) outcomes.push(await post(base, headers, `${tag}-${c}-${i}`));
  });
  return {
    outcomes,
    acked: () => outcomes.filter((o) => o.status !== null && o.status < 300),
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 30_000) {
  for (const end = Date.now() + limitMs; Date.now() < end;) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Each key has exactly one order, and each order its creation event. */
async function checkExactlyOnce(t: Test, url: string, keys: string[], acked: Outcome[]) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`
      select o.idempotency_key as key, o.id, count(*) over (partition by o.idempotency_key) as copies,
        (select count(*) from order_events e where e.order_id = o.id and e.action = 'create') as creates
      from orders o where o.idempotency_key = any(${keys}::text[])`;
    const byKey = new Map(rows.map((r) => [r.key as string, r]));
    t.equal(rows.filter((r) => Number(r.copies) !== 1).length, 0, 'no key made two orders');
    t.equal(rows.filter((r) => Number(r.creates) !== 1).length, 0, 'every order has exactly one creation event');
    const lost = acked.filter((o) => Number(byKey.get(o.key)?.id) !== o.order!.id);
    t.same(lost, [], `every one of the ${acked.length} acknowledged orders is there, as acknowledged`);
  } finally {
    await sql.end();
  }
}

t.test('SIGKILL while 32 clients post: every acknowledged order survives, exactly once, and retries find it', async (t) => {
  const db = await testDatabase(t);
  const env = { DATABASE_URL: db.url, PORT: String(await freePort()), ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' };
  let svc = await startService(env);
  t.teardown(() => svc.child.kill('SIGKILL'));
  const auth = await bearer(svc.base, 'admin', PASSWORD);
  const run = load(svc.base, auth, 32, 'kill');
  await until('100 acknowledged orders', () => run.acked().length >= 100);
  svc.child.kill('SIGKILL');
  await run.stop();
  await svc.exited;
  const cut = run.outcomes.filter((o) => o.status === null);
  t.ok(cut.length > 0, `the kill cut ${cut.length} requests off mid-flight`);

  svc = await startService(env);
  const acked = run.acked();
  // Every client retries what it sent, answered or not, with the same key.
  const retries = await Promise.all(run.outcomes.map((o) => post(svc.base, auth, o.key)));
  t.same(
    retries.filter((r) => r.status !== 200 && r.status !== 201),
    [],
    'every retry is answered 2xx',
  );
  const ackedIds = new Map(acked.map((o) => [o.key, o.order!.id]));
  t.same(
    retries.filter((r) => ackedIds.has(r.key) && r.order!.id !== ackedIds.get(r.key)),
    [],
    'a retry of an acknowledged request returns the same order',
  );
  await checkExactlyOnce(
    t,
    db.url,
    run.outcomes.map((o) => o.key),
    acked,
  );
});

t.test('SIGTERM: requests in flight finish, WebSockets close with 1001, the process exits 0', async (t) => {
  const db = await testDatabase(t);
  const env = { DATABASE_URL: db.url, PORT: String(await freePort()), ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' };
  const svc = await startService(env);
  t.teardown(() => svc.child.kill('SIGKILL'));
  const auth = await bearer(svc.base, 'admin', PASSWORD);
  const ws = new WebSocket(svc.base.replace('http', 'ws') + '/ws');
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'auth', token: auth.authorization.slice(7) }));
  await new Promise((resolve) => ws.once('message', resolve));

  const run = load(svc.base, auth, 16, 'term');
  await until('some acknowledged orders', () => run.acked().length >= 20);
  svc.child.kill('SIGTERM');
  t.equal(await closed, 1001, 'the live socket is closed as "going away"');
  t.equal(await svc.exited, 0, 'the process exits cleanly');
  await run.stop();
  // After the signal a request is either answered in full or turned away at the door
  // (refused, or its idle keep-alive connection closed under it): none is cut off
  // after the service acted on it, so a turned-away request left nothing behind.
  const turnedAway = run.outcomes.filter((o) => o.status === null);
  const atTheDoor = ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']; // undici's name for a socket closed by the peer
  t.same(
    turnedAway.filter((o) => !atTheDoor.includes(o.error!)),
    [],
    'no request hung or failed otherwise',
  );
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  const behind = await sql`select idempotency_key from orders where idempotency_key = any(${turnedAway.map((o) => o.key)}::text[])`;
  await sql.end();
  t.same(behind, [], `none of the ${turnedAway.length} requests turned away was half done`);
  await checkExactlyOnce(
    t,
    db.url,
    run.acked().map((o) => o.key),
    run.acked(),
  );
});

t.test('PostgreSQL restarts under load: fast 503s with Retry-After, /readyz says so, the service recovers', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-pg-restart-'));
  fs.chmodSync(dir, 0o755); // the server runs as the postgres user when we are root
  const pgOpts = { dataDir: path.join(dir, 'pg'), port: await freePort() };
  let pg = await startEmbeddedPostgres(pgOpts);
  t.teardown(async () => {
    await pg.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const env = { DATABASE_URL: pg.url, PORT: String(await freePort()), ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn', DB_TIMEOUT_MS: '2000' };
  const svc = await startService(env);
  t.teardown(() => svc.child.kill('SIGKILL'));
  await until('ready', async () => (await fetch(`${svc.base}/readyz`)).status === 200, 120_000);
  const auth = await bearer(svc.base, 'admin', PASSWORD);

  const before = load(svc.base, auth, 8, 'pg-before');
  await until('orders before the outage', () => before.acked().length >= 50);
  await pg.stop();
  await before.stop();

  const down = await Promise.all(Array.from({ length: 8 }, (_, i) => post(svc.base, auth, `pg-down-${i}`, 10_000)));
  t.same(
    down.map((o) => o.status),
    Array(8).fill(503),
    'writes are refused with 503 while the database is away, none hangs',
  );
  const probe = await fetch(`${svc.base}/api/orders`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: complaint('probe'),
  });
  t.equal(probe.headers.get('retry-after'), '5', 'with a Retry-After');
  t.equal((await fetch(`${svc.base}/readyz`)).status, 503, '/readyz says not ready');

  pg = await startEmbeddedPostgres(pgOpts);
  await until('ready again', async () => (await fetch(`${svc.base}/readyz`)).status === 200);
  // Clients honour Retry-After (shortened here): a pooled connection may still meet the old server once.
  const again = await Promise.all(
    down.map(async (o) => {
      for (let attempt = 1; ; attempt++) {
        const r = await post(svc.base, auth, o.key);
        if (r.status !== 503 || attempt === 5) return r;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }),
  );
  t.same(
    again.map((o) => o.status),
    Array(8).fill(201),
    'the refused requests succeed when retried',
  );
  const answered = [...before.acked(), ...again.filter((o) => o.status === 201)];
  await checkExactlyOnce(
    t,
    pg.url,
    [...before.outcomes, ...again].map((o) => o.key),
    answered,
  );
});

t.test('two sweepers, one killed mid-sweep: every escalation step still happens exactly once', async (t) => {
  const db = await testDatabase(t);
  const now = new Date('2026-11-24T06:00:00Z');
  const due = 20_000;
  await seedClaimClocks(db.sql, { orders: due, now, dueEvery: 1 });

  const sweeper = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/sweep-child.ts', db.url, now.toISOString(), '100'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? null : code)));
    return { child, exited, output: () => out };
  };
  const fired = async () => Number((await db.sql`select count(*) as n from order_events where actor = 'system:sweeper'`)[0]!.n);
  const stillDue = async () => Number((await db.sql`select count(*) as n from order_clocks where next_at <= ${now.toISOString()}`)[0]!.n);
  const a = sweeper();
  const b = sweeper();
  t.teardown(() => (a.child.kill('SIGKILL'), b.child.kill('SIGKILL')));
  await until('both sweepers connected', () => a.output().includes('started') && b.output().includes('started'));
  a.child.stdin!.write('go\n');
  b.child.stdin!.write('go\n');
  await until('the sweepers at work', async () => (await fired()) >= 2000);
  a.child.kill('SIGKILL');
  t.equal(await a.exited, null, 'sweeper A was killed');
  t.ok((await stillDue()) > 0, 'while clocks were still due');
  t.equal(await b.exited, 0, 'sweeper B finished');
  const byB = JSON.parse(
    b
      .output()
      .split('\n')
      .find((l) => l.startsWith('{'))!,
  ) as { clocks: number };
  t.ok(byB.clocks < due, `the work was shared: B swept ${byB.clocks} of ${due}`);
  // What A held when it died was rolled back; the next sweep (any instance) does it.
  await sweepDueClocks(db.sql, now);

  const [counts] = await db.sql`
    select count(*) as events, count(distinct (order_id, action)) as distinct_steps,
      (select count(*) from order_clocks where next_at <= ${now.toISOString()}) as still_due
    from order_events where actor = 'system:sweeper'`;
  t.equal(Number(counts!.events), due, 'one step per due clock');
  t.equal(Number(counts!.distinct_steps), due, 'none of them twice');
  t.equal(Number(counts!.still_due), 0, 'and no clock is left due');
});
