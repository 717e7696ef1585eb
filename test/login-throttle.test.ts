/**
 * Guessing passwords: each username and each client address has a budget of wrong
 * guesses; past it the login answers 429 with Retry-After, and no password is
 * hashed until the lock lifts. Each lock lasts longer than the one before. Time is
 * the test clock; the hash's scheduling is checked on the gate itself, not timed.
 */
import t from 'tap';
import { createUser } from '../db/queries/users.ts';
import { HashGate, LOGIN_GATE, verificationsStarted } from '../server/passwords.ts';
import { testApp, type TestApp } from './support/app.ts';

// The budgets of server/core/login.ts, as a user would meet them.
const USER_FAILURES = 5;
const ADDR_FAILURES = 30;
const FIRST_LOCK_S = 60;

const PASSWORD = 'correct horse battery staple';

async function user(h: TestApp, username: string) {
  return createUser(h.db.db, { username, displayName: username, unitId: 'hotline', roles: ['operator'], password: PASSWORD });
}

const login = (h: TestApp, username: string, password: string, from: string) =>
  h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: from });

const securityEvents = (h: TestApp, subject: string) =>
  h.db.sql`select actor, action, subject, detail from security_events where subject = ${subject} order by id`;

t.test('a username past its budget: 429 with Retry-After, even for the right password, and no password is hashed', async (t) => {
  const h = await testApp(t);
  await user(h, 'victim.user');
  await user(h, 'other.user');
  // Each guess from its own address, so only the username's budget is in play.
  for (let i = 1; i <= USER_FAILURES; i++) {
    const res = await login(h, 'victim.user', `wrong-guess-${i}`, `10.1.0.${i}`);
    t.same([res.statusCode, res.json().code], [401, 'BAD_CREDENTIALS'], `guess ${i} is checked and wrong`);
  }
  const hashedBefore = verificationsStarted();
  const locked = await login(h, 'victim.user', PASSWORD, '10.1.0.99');
  t.equal(locked.statusCode, 429, 'the right password is refused while the username is locked');
  const body = locked.json();
  t.equal(body.code, 'LOGIN_LOCKED');
  t.match(body.message, /[\u4e00-\u9fff]/, 'the message is Chinese');
  t.ok(body.requestId, 'the usual error shape');
  const retryAfter = Number(locked.headers['retry-after']);
  t.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= FIRST_LOCK_S, `Retry-After: ${locked.headers['retry-after']}`);
  t.equal((await login(h, 'victim.user', 'another-guess', '10.1.0.98')).statusCode, 429, 'a wrong guess is refused the same way');
  t.equal(verificationsStarted(), hashedBefore, 'no password was hashed for a locked username');

  const other = await login(h, 'other.user', PASSWORD, `10.1.0.${USER_FAILURES}`);
  t.equal(other.statusCode, 200, 'another user signs in during the lockout, from the guesser’s own address too');

  const events = await securityEvents(h, 'login_user:victim.user');
  t.same(
    events.map((e) => [e.actor, e.action]),
    [['system', 'login_locked']],
    'the lockout is in the security audit',
  );
  t.ok(events[0]!.detail.lockedUntil, 'with the time it lasts');

  // The lock lifts with time; five more wrong guesses lock it for twice as long.
  h.clock.advance(retryAfter * 1000);
  for (let i = 1; i <= USER_FAILURES; i++) t.equal((await login(h, 'victim.user', `again-${i}`, `10.1.1.${i}`)).statusCode, 401);
  const longer = await login(h, 'victim.user', PASSWORD, '10.1.1.99');
  t.equal(longer.statusCode, 429);
  t.ok(Number(longer.headers['retry-after']) > FIRST_LOCK_S, `the second lock is longer: Retry-After ${longer.headers['retry-after']}`);
  h.clock.advance(Number(longer.headers['retry-after']) * 1000);
  t.equal((await login(h, 'victim.user', PASSWORD, '10.1.1.99')).statusCode, 200, 'after it, the right password signs in');
  t.equal((await securityEvents(h, 'login_user:victim.user')).length, 2, 'both lockouts recorded');
});

t.test('the per-address budget counts guesses across usernames', async (t) => {
  const h = await testApp(t);
  await user(h, 'real.user');
  const from = '10.2.0.1';
  for (let i = 0; i < ADDR_FAILURES; i++) {
    const res = await login(h, `nobody${i}`, 'guess', from);
    if (res.statusCode !== 401) t.fail(`guess ${i}: ${res.statusCode} ${res.body}`);
  }
  const hashedBefore = verificationsStarted();
  const locked = await login(h, 'real.user', PASSWORD, from);
  t.same([locked.statusCode, locked.json().code], [429, 'LOGIN_LOCKED'], 'the address is locked, whatever username it tries');
  t.ok(Number(locked.headers['retry-after']) >= 1, `Retry-After: ${locked.headers['retry-after']}`);
  t.equal(verificationsStarted(), hashedBefore, 'nothing hashed for a locked address');
  t.equal((await login(h, 'real.user', PASSWORD, '10.2.0.2')).statusCode, 200, 'the same user from another address signs in');
  t.same(
    (await securityEvents(h, `login_addr:${from}`)).map((e) => e.action),
    ['login_locked'],
  );
});

t.test('a flood of wrong guesses for one user: few are checked, and another user signs in meanwhile', async (t) => {
  const h = await testApp(t);
  await user(h, 'flooded.user');
  await user(h, 'bystander');
  const flood = Array.from({ length: 24 }, (_, i) => login(h, 'flooded.user', `flood-${i}`, '10.3.0.1'));
  const real = login(h, 'bystander', PASSWORD, '10.3.0.2');
  const answers = await Promise.all(flood);
  t.equal((await real).statusCode, 200, 'the bystander signed in while the flood was queued');
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.statusCode] = (counts[a.statusCode] ?? 0) + 1;
  t.same(Object.keys(counts).sort(), ['401', '429'], `only 401 and 429: ${JSON.stringify(counts)}`);
  // The lock is re-read right before each hash, so concurrency adds at most the gate's width.
  t.ok(counts[401]! <= USER_FAILURES + LOGIN_GATE.concurrency - 1, `${counts[401]} guesses were checked`);
  for (const a of answers.filter((x) => x.statusCode === 429)) t.ok(Number(a.headers['retry-after']) >= 1, `${a.json().code}: Retry-After`);
});

t.test('the hash gate: a clean sign-in is not queued behind a flood, and one key cannot fill the queue', async (t) => {
  const gate = new HashGate({ concurrency: 1, perKey: 3, maxWaiting: 10 });
  const order: string[] = [];
  const pending = new Map<string, () => void>();
  const job = (name: string) => () =>
    new Promise<string>((resolve) => {
      order.push(name);
      pending.set(name, () => resolve(name));
    });
  const finish = async (name: string) => {
    pending.get(name)!();
    await new Promise((r) => setImmediate(r));
  };
  const f1 = gate.run('flood', false, job('f1'));
  const f2 = gate.run('flood', false, job('f2'));
  const f3 = gate.run('flood', true, job('f3'));
  t.ok(f1 && f2 && f3, 'three from one key are admitted');
  t.equal(gate.run('flood', false, job('f4')), null, 'a fourth from the same key is refused at once');
  const real = gate.run('desk', true, job('real'));
  t.ok(real, 'the clean sign-in is admitted');
  await new Promise((r) => setImmediate(r));
  t.same(order, ['f1'], 'one at a time');
  await finish('f1');
  t.same(order, ['f1', 'f3'], 'the flood’s one clean attempt goes first');
  await finish('f3');
  t.same(order, ['f1', 'f3', 'real'], 'then the clean sign-in, ahead of the suspect one queued before it');
  await finish('real');
  await finish('f2');
  t.same(await Promise.all([f1, f2, f3, real]), ['f1', 'f2', 'f3', 'real']);
  const full = new HashGate({ concurrency: 1, perKey: 5, maxWaiting: 2 });
  const held = [full.run('a', true, job('a1')), full.run('b', true, job('b1')), full.run('c', true, job('c1'))];
  t.ok(held.every(Boolean), 'one running, two waiting');
  t.equal(full.run('d', true, job('d1')), null, 'past maxWaiting everyone is refused');
  await new Promise((r) => setImmediate(r));
  for (const n of ['a1', 'b1', 'c1']) await finish(n);
  t.same(await Promise.all(held), ['a1', 'b1', 'c1'], 'each ran in turn');
});
