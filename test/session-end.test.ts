/**
 * A live socket lives no longer than its session: logout, expiry and a revoked
 * session close it with 4401, on whichever instance it is connected to, and every
 * subscribe checks the session again. Time is the test clock.
 */
import t from 'tap';
import { connect } from '../db/client.ts';
import { buildApp } from '../server/app.ts';
import { createUser } from '../db/queries/users.ts';
import { signIn, testApp, type TestApp } from './support/app.ts';
import { closeOf, liveSocket } from './support/sockets.ts';

const TTL = 12 * 3600_000;
const PASSWORD = 'two-desks-password';

async function tokenOf(h: TestApp): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'two.desks', password: PASSWORD } });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json().token;
}
const UNAUTHENTICATED = 4401;

t.test('logout closes that session’s socket with 4401; the user’s other session stays', async (t) => {
  const h = await testApp(t);
  await createUser(h.db.db, {
    username: 'two.desks',
    displayName: '两处登录',
    unitId: '120102',
    roles: ['supervisor'],
    password: PASSWORD,
  });
  const [first, second] = [await tokenOf(h), await tokenOf(h)];
  const a = await liveSocket(t, h.app, first);
  const b = await liveSocket(t, h.app, second);
  t.equal((await a.subscribe({ topic: 'unit', unit: '120102' })).type, 'subscribed');
  t.equal((await b.subscribe({ topic: 'unit', unit: '120102' })).type, 'subscribed');
  const out = await h.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${first}` } });
  t.equal(out.statusCode, 204);
  t.equal(await closeOf(a, 'the logged-out socket'), UNAUTHENTICATED, 'closed 4401 after logout');
  t.equal((await b.subscribe({ topic: 'unit', unit: '120102' })).type, 'subscribed', 'the other session’s socket still works');
  t.equal(b.ws.readyState, b.ws.OPEN);
});

t.test('the socket closes with 4401 once its session expires (test clock)', async (t) => {
  const h = await testApp(t, { sessionTtlMs: TTL });
  const sup = await signIn(h, ['supervisor'], '120102');
  const s = await liveSocket(t, h.app, sup.token);
  t.equal((await s.subscribe({ topic: 'unit', unit: '120102' })).type, 'subscribed');
  h.clock.advance(TTL - 60_000);
  t.equal((await s.subscribe({ topic: 'queue' })).type, 'error', 'a minute before the end the socket still answers');
  h.clock.advance(60_000);
  t.equal(await closeOf(s, 'the expired socket'), UNAUTHENTICATED);
});

t.test('logout through one instance closes the socket held by another', async (t) => {
  const h = await testApp(t);
  // Instance B has a pool and a LISTEN connection of its own, as another process would.
  const otherDb = connect((h.db as typeof h.db & { url: string }).url, { max: 4 });
  const other = await buildApp({ db: otherDb, clock: h.clock });
  t.teardown(async () => {
    await other.close();
    await otherDb.close();
  });
  const sup = await signIn(h, ['supervisor'], '120102');
  const s = await liveSocket(t, other, sup.token);
  t.equal((await s.subscribe({ topic: 'unit', unit: '120102' })).type, 'subscribed');
  t.equal((await sup.post('/api/auth/logout')).statusCode, 204, 'logged out through instance A');
  t.equal(await closeOf(s, 'the socket on instance B'), UNAUTHENTICATED);
});

t.test('every subscribe checks the session, even when no notice of its end arrived', async (t) => {
  const h = await testApp(t);
  const sup = await signIn(h, ['supervisor'], '120102');
  const s = await liveSocket(t, h.app, sup.token);
  t.equal((await s.subscribe({ topic: 'unit', unit: '120102' })).type, 'subscribed');
  // Revoked behind the service's back: no notification is sent.
  await h.db.sql`update sessions set revoked_at = now() where user_id = ${sup.viewer.userId}`;
  s.ws.send(JSON.stringify({ type: 'subscribe', topic: 'unit', unit: '120102' }));
  t.equal(await closeOf(s, 'subscribing with a revoked session'), UNAUTHENTICATED);
  t.equal(s.messages.filter((m) => m.type === 'subscribed').length, 1, 'the second subscribe was not answered');
});

t.test('when the LISTEN connection is lost, the sockets are checked once it is back', async (t) => {
  const h = await testApp(t);
  const sup = await signIn(h, ['supervisor'], '120102');
  const s = await liveSocket(t, h.app, sup.token);
  t.equal((await s.subscribe({ topic: 'unit', unit: '120102' })).type, 'subscribed');
  await h.db.sql`update sessions set revoked_at = now() where user_id = ${sup.viewer.userId}`;
  const killed = await h.db.sql`
    select pg_terminate_backend(pid) from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen %'`;
  t.ok(killed.length >= 1, 'the listening connection was cut');
  t.equal(await closeOf(s, 'the socket after the LISTEN reconnect'), UNAUTHENTICATED);
});
