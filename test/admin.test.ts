/**
 * 管理员: accounts, their sessions and their lockouts, each change recorded in the
 * security audit with the admin who made it. A disabled user, a reset password or
 * a revoked session ends the user's access at once, REST and live sockets alike.
 */
import t from 'tap';
import { operations, snapshot } from './support/hostile.ts';
import { baseline, toRequest } from './support/variants.ts';
import { dispatchedTo, signIn, testApp, type Client, type TestApp } from './support/app.ts';
import { closeOf, liveSocket } from './support/sockets.ts';

const PASSWORD = 'Tianjin-12345-desk';
const UNAUTHENTICATED = 4401;

interface Admin extends Client {
  patch(url: string, payload: unknown): ReturnType<Client['get']>;
  delete(url: string): ReturnType<Client['get']>;
}

async function admin(h: TestApp): Promise<Admin> {
  const c = await signIn(h, ['admin']);
  return {
    ...c,
    patch: (url, payload) => h.app.inject({ method: 'PATCH', url, payload: payload as object, headers: c.headers }),
    delete: (url) => h.app.inject({ method: 'DELETE', url, headers: c.headers }),
  };
}

const login = (h: TestApp, username: string, password = PASSWORD, from = '10.9.0.1') =>
  h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: from });

async function tokenOf(h: TestApp, username: string, password = PASSWORD): Promise<string> {
  const res = await login(h, username, password);
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.body}`);
  return res.json().token;
}

const me = (h: TestApp, token: string) =>
  h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });

async function audit(a: Admin, subject: string) {
  const res = await a.get(`/api/admin/audit?subject=${encodeURIComponent(subject)}`);
  if (res.statusCode !== 200) throw new Error(res.body);
  return (res.json().items as { actor: string; action: string; detail: Record<string, unknown> }[]).reverse();
}

async function newUser(a: Admin, body: Partial<Record<string, unknown>> = {}) {
  const res = await a.post('/api/admin/users', {
    username: 'zhang.san',
    displayName: '张三',
    unitId: '120102',
    roles: ['handler'],
    password: PASSWORD,
    ...body,
  });
  if (res.statusCode !== 201) throw new Error(`create: ${res.body}`);
  return res.json() as { id: number; username: string };
}

t.test('an admin creates a user: 201 with the user and never the hash; the user signs in; recorded', async (t) => {
  const h = await testApp(t);
  const a = await admin(h);
  const res = await a.post('/api/admin/users', {
    username: 'li.si',
    displayName: '李四',
    unitId: '120102001',
    roles: ['handler', 'supervisor'],
    password: PASSWORD,
  });
  t.equal(res.statusCode, 201, res.body);
  const user = res.json();
  t.match(user, { username: 'li.si', displayName: '李四', unitId: '120102001', roles: ['handler', 'supervisor'], disabled: false });
  t.ok(Number.isInteger(user.id));
  t.notMatch(res.body, /scrypt|password|hash/i, 'no password and no hash in the answer');
  t.equal(res.headers.location, `/api/admin/users/${user.id}`);
  t.equal((await login(h, 'li.si')).statusCode, 200, 'the new user signs in');
  const events = await audit(a, `user:${user.id}`);
  t.same(
    events.map((e) => [e.actor, e.action]),
    [[`user:${a.viewer.userId}`, 'user_created']],
  );
  t.notMatch(JSON.stringify(events), new RegExp(PASSWORD), 'the password is not in the audit');
  const one = await a.get(`/api/admin/users/${user.id}`);
  t.same(one.json(), user, 'read back the same');
});

t.test('password rules, an unknown unit and a taken username: refused, naming the field', async (t) => {
  const h = await testApp(t);
  const a = await admin(h);
  const base = { username: 'wang.wu', displayName: '王五', unitId: '120102', roles: ['operator'], password: PASSWORD };
  const cases: [string, object, number, string, string][] = [
    ['9 characters', { password: '123456789' }, 422, 'PASSWORD_TOO_SHORT', 'password'],
    ['the username itself', { username: 'wang.wu.long', password: 'wang.wu.long' }, 422, 'PASSWORD_HAS_USERNAME', 'password'],
    ['containing the username', { password: 'my-WANG.WU-2026' }, 422, 'PASSWORD_HAS_USERNAME', 'password'],
    ['an unknown unit', { unitId: '999999' }, 422, 'UNKNOWN_UNIT', 'unitId'],
  ];
  for (const [name, change, status, code, field] of cases) {
    const res = await a.post('/api/admin/users', { ...base, ...change });
    t.same([res.statusCode, res.json().code, res.json().details?.field], [status, code, field], name);
    t.match(res.json().message, /[\u4e00-\u9fff]/, `${name}: a Chinese message`);
  }
  t.equal(
    (await a.post('/api/admin/users', { ...base, password: '长度够了的中文密码十个' })).statusCode,
    201,
    'ten Chinese characters are ten characters',
  );
  const taken = await a.post('/api/admin/users', { ...base, password: 'another-long-password' });
  t.same([taken.statusCode, taken.json().code, taken.json().details?.field], [409, 'USERNAME_TAKEN', 'username']);
  t.equal(
    (await a.post('/api/admin/users', { ...base, username: 'Bad Name' })).statusCode,
    400,
    'a username that can never exist is a 400',
  );
  const reset = await a.post(`/api/admin/users/${(await a.get('/api/admin/users?role=operator')).json().items[0].id}/password`, {
    password: 'short',
  });
  t.same([reset.statusCode, reset.json().details?.field], [422, 'password'], 'a reset follows the same rules');
});

t.test('listing filters by unit and role', async (t) => {
  const h = await testApp(t);
  const a = await admin(h);
  await newUser(a, { username: 'h.hedong', unitId: '120102', roles: ['handler'] });
  await newUser(a, { username: 's.hedong', unitId: '120102', roles: ['supervisor'] });
  await newUser(a, { username: 'h.hexi', unitId: '120103', roles: ['handler'] });
  const names = async (q: string) =>
    ((await a.get(`/api/admin/users?${q}`)).json().items as { username: string }[]).map((u) => u.username).sort();
  t.same(await names('unitId=120102'), ['h.hedong', 's.hedong']);
  t.same(await names('role=handler'), ['h.hedong', 'h.hexi']);
  t.same(await names('unitId=120102&role=handler'), ['h.hedong']);
  const page = (await a.get('/api/admin/users?role=handler&limit=1')).json();
  t.same(
    page.items.map((u: { username: string }) => u.username),
    ['h.hedong'],
  );
  const rest = (await a.get(`/api/admin/users?role=handler&limit=1&after=${page.nextCursor}`)).json();
  t.same(
    [rest.items.map((u: { username: string }) => u.username), rest.nextCursor],
    [['h.hexi'], undefined],
    'the next page, and no further',
  );
  t.notMatch((await a.get('/api/admin/users')).body, /scrypt|passwordHash/);
});

t.test('only admins reach /api/admin, and every operation is documented in Chinese', async (t) => {
  const h = await testApp(t);
  const ops = operations((await h.app.inject('/docs/json')).json()).filter((op) => op.path.startsWith('/api/admin'));
  t.ok(ops.length >= 9, ops.map((op) => `${op.method} ${op.path}`).join(', '));
  const doc = (await h.app.inject('/docs/json')).json();
  for (const op of ops)
    t.match(doc.paths[op.path][op.method.toLowerCase()].summary, /[\u4e00-\u9fff]/, `${op.method} ${op.path}: Chinese summary`);
  const supervisor = await signIn(h, ['supervisor', 'dispatcher', 'operator', 'handler']);
  const before = await snapshot(h.db.sql);
  for (const op of ops) {
    // A valid request, so that only the role can be what refuses it.
    const res = await h.app.inject(toRequest(op, baseline(op, { id: String(supervisor.viewer.userId) }, supervisor.headers)));
    t.same([res.statusCode, res.json().code], [403, 'FORBIDDEN'], `${op.method} ${op.path}: 403 for every role but admin`);
  }
  t.same(await snapshot(h.db.sql), before, 'nothing written');
});

t.test('a disabled user: the token is refused at once, the socket closes 4401, sign-in fails; enabling needs a new sign-in', async (t) => {
  const h = await testApp(t);
  const a = await admin(h);
  const user = await newUser(a);
  const token = await tokenOf(h, user.username);
  const s = await liveSocket(t, h.app, token);
  t.equal((await s.subscribe({ topic: 'unit', unit: '120102' })).type, 'subscribed');
  const res = await a.patch(`/api/admin/users/${user.id}`, { disabled: true });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().disabled, true);
  t.equal((await me(h, token)).statusCode, 401, 'the very next request is refused');
  t.equal(await closeOf(s, 'the disabled user’s socket'), UNAUTHENTICATED);
  t.equal((await login(h, user.username)).statusCode, 401, 'a disabled user cannot sign in');
  t.equal((await a.patch(`/api/admin/users/${user.id}`, { disabled: false })).statusCode, 200);
  t.equal((await me(h, token)).statusCode, 401, 'enabling again does not bring back the old session');
  t.equal((await login(h, user.username)).statusCode, 200);
  const events = await audit(a, `user:${user.id}`);
  t.same(
    events.map((e) => [e.actor, e.action]),
    [
      [`user:${a.viewer.userId}`, 'user_created'],
      [`user:${a.viewer.userId}`, 'user_updated'],
      [`user:${a.viewer.userId}`, 'user_updated'],
    ],
  );
  t.same(events[1]!.detail.changes, { disabled: { from: false, to: true } });
  t.equal(events[1]!.detail.sessionsEnded, 1);
});

t.test('a password reset ends every session of the user and closes their sockets', async (t) => {
  const h = await testApp(t);
  const a = await admin(h);
  const user = await newUser(a);
  const [one, two] = [await tokenOf(h, user.username), await tokenOf(h, user.username)];
  const sockets = [await liveSocket(t, h.app, one), await liveSocket(t, h.app, two)];
  const res = await a.post(`/api/admin/users/${user.id}/password`, { password: 'a-brand-new-password' });
  t.equal(res.statusCode, 204, res.body);
  for (const token of [one, two]) t.equal((await me(h, token)).statusCode, 401, 'the session ended');
  for (const s of sockets) t.equal(await closeOf(s, 'a socket of the reset user'), UNAUTHENTICATED);
  t.equal((await login(h, user.username)).statusCode, 401, 'the old password no longer works');
  t.equal((await login(h, user.username, 'a-brand-new-password')).statusCode, 200);
  const last = (await audit(a, `user:${user.id}`)).at(-1)!;
  t.same([last.actor, last.action, last.detail.sessionsEnded], [`user:${a.viewer.userId}`, 'password_reset', 2]);
  t.equal((await a.post('/api/admin/users/999999/password', { password: 'a-brand-new-password' })).statusCode, 404);
});

t.test('sessions are listed by a non-secret id; revoking one closes its socket and no other', async (t) => {
  const h = await testApp(t);
  const a = await admin(h);
  const user = await newUser(a);
  const [one, two] = [await tokenOf(h, user.username), await tokenOf(h, user.username)];
  const [s1, s2] = [await liveSocket(t, h.app, one), await liveSocket(t, h.app, two)];
  const list = await a.get(`/api/admin/users/${user.id}/sessions`);
  t.equal(list.statusCode, 200);
  const items = list.json().items as { id: string; createdAt: string; expiresAt: string }[];
  t.equal(items.length, 2);
  const hashes = (await h.db.sql`select token_hash from sessions where user_id = ${user.id}`).map((r) => r.token_hash as string);
  for (const item of items) {
    t.match(item.id, /^[0-9a-f]{16}$/);
    t.notOk(hashes.includes(item.id), 'the id is not the token hash');
    t.notMatch(list.body, new RegExp(`${one}|${two}`), 'no token');
  }
  for (const hash of hashes) t.notMatch(list.body, hash, 'no full token hash');
  // Which id is whose: revoke the first, and see which token stops working.
  t.equal((await a.delete(`/api/admin/users/${user.id}/sessions/${items[0]!.id}`)).statusCode, 204);
  const alive = [(await me(h, one)).statusCode, (await me(h, two)).statusCode].sort();
  t.same(alive, [200, 401], 'one session ended, the other did not');
  const [ended, open] = (await me(h, one)).statusCode === 401 ? [s1, s2] : [s2, s1];
  t.equal(await closeOf(ended, 'the revoked session’s socket'), UNAUTHENTICATED);
  t.equal((await open.subscribe({ topic: 'unit', unit: '120102' })).type, 'subscribed', 'the other socket stays');
  t.equal((await a.delete(`/api/admin/users/${user.id}/sessions/${items[0]!.id}`)).statusCode, 404, 'already ended');
  const last = (await audit(a, `user:${user.id}`)).at(-1)!;
  t.same([last.actor, last.action, last.detail.session], [`user:${a.viewer.userId}`, 'session_revoked', items[0]!.id]);
});

t.test('a change of unit takes effect at once, over REST and on an open socket', async (t) => {
  const h = await testApp(t);
  const a = await admin(h);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const user = await newUser(a, { unitId: '120102', roles: ['supervisor'] });
  const token = await tokenOf(h, user.username);
  const s = await liveSocket(t, h.app, token);
  t.equal((await s.subscribe({ topic: 'unit', unit: '120102' })).type, 'subscribed');
  const moved = await a.patch(`/api/admin/users/${user.id}`, { unitId: '120103', displayName: '张三（河西）' });
  t.same([moved.statusCode, moved.json().unitId], [200, '120103'], moved.body);
  t.equal((await me(h, token)).json().unitId, '120103', 'REST sees the new unit');
  t.equal((await s.subscribe({ topic: 'unit', unit: '120103' })).type, 'subscribed', 'the socket may now watch the new unit');
  t.equal((await s.subscribe({ topic: 'unit', unit: '120102' })).type, 'error', 'and no longer the old one');
  const dispatch = (unit: string) => dispatchedTo(desk, unit);
  const old = await dispatch('120102');
  const fresh = await dispatch('120103');
  await s.next((m) => m.order?.id === fresh && m.action === 'dispatch', 'the new unit’s dispatch');
  t.notOk(
    s.messages.some((m) => m.order?.id === old),
    'the subscription made before the move no longer delivers the old unit’s orders',
  );
  const bad = await a.patch(`/api/admin/users/${user.id}`, { unitId: 'nowhere' });
  t.same([bad.statusCode, bad.json().details?.field], [422, 'unitId']);
  t.equal((await a.patch('/api/admin/users/999999', { displayName: 'x' })).statusCode, 404);
  const last = (await audit(a, `user:${user.id}`)).at(-1)!;
  t.same(last.detail.changes, { unitId: { from: '120102', to: '120103' }, displayName: { from: '张三', to: '张三（河西）' } });
});

t.test('an admin cannot lock themselves out', async (t) => {
  const h = await testApp(t);
  const a = await admin(h);
  for (const change of [{ disabled: true }, { roles: ['operator'] }]) {
    const res = await a.patch(`/api/admin/users/${a.viewer.userId}`, change);
    t.same([res.statusCode, res.json().code], [422, 'SELF_LOCKOUT'], JSON.stringify(change));
  }
  t.equal((await a.get('/api/auth/me')).statusCode, 200);
});

t.test('lockouts: listed, unlocked by an admin, and the unlock recorded', async (t) => {
  const h = await testApp(t);
  const a = await admin(h);
  const user = await newUser(a);
  for (let i = 0; i < 5; i++) await login(h, user.username, `wrong-${i}`, `10.8.0.${i}`);
  t.equal((await login(h, user.username)).statusCode, 429, 'locked');
  const list = (await a.get('/api/admin/lockouts')).json().items as { scope: string; key: string; lockedUntil: string }[];
  t.match(list, [{ scope: 'login_user', key: user.username }]);
  const res = await a.post('/api/admin/lockouts/unlock', { scope: 'login_user', key: user.username });
  t.equal(res.statusCode, 204, res.body);
  t.equal((await login(h, user.username)).statusCode, 200, 'signs in after the unlock');
  t.equal(
    (await a.post('/api/admin/lockouts/unlock', { scope: 'login_user', key: user.username })).statusCode,
    404,
    'nothing left to unlock',
  );
  const events = await audit(a, `login_user:${user.username}`);
  t.same(
    events.map((e) => [e.actor, e.action]),
    [
      ['system', 'login_locked'],
      [`user:${a.viewer.userId}`, 'login_unlocked'],
    ],
  );
  const all = (await a.get('/api/admin/audit?limit=5')).json().items as { action: string }[];
  t.equal(all[0]!.action, 'login_unlocked', 'the audit without a subject: newest first, everything');
});
