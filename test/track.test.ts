/**
 * The citizen's tracking page and rating, as a guesser would try them: one
 * failure budget per order number, shared by both routes, whatever the address.
 */
import t from 'tap';
import type { Response } from 'light-my-request';
import { signIn, testApp, type TestApp } from './support/app.ts';
import { codeIn } from './support/notice.ts';

const form = {
  name: '刘女士',
  phone: '13912345678',
  content: '河东区大王庄街道诚厚里社区楼上邻居半夜跺脚，噪音太吵了',
  location: '诚厚里社区5号楼',
};

async function submit(h: TestApp, key = 'track-form-0001') {
  const res = await h.app.inject({ method: 'POST', url: '/api/channels/web', payload: form, headers: { 'idempotency-key': key } });
  if (res.statusCode !== 201) throw new Error(`web form failed: ${res.body}`);
  const secret = codeIn(res.json().notice);
  if (!secret) throw new Error(`no query code in the notice: ${res.json().notice}`);
  return { number: res.json().number as string, secret };
}

/** A wrong code of the right shape, different for each i (each is the real code with a chance of 31^-8). */
const wrong = (i: number) => `ZZZ${Array.from(String(i).padStart(5, '0'), (d) => 'ABCDEFGHJK'[Number(d)]).join('')}`;

function look(h: TestApp, number: string, secret: string, remoteAddress = '10.0.0.1'): Promise<Response> {
  return h.app.inject({ method: 'GET', url: `/api/track/${number}?code=${secret}`, remoteAddress });
}
function rate(h: TestApp, number: string, secret: string, remoteAddress = '10.0.0.1', satisfaction = 'unsatisfied'): Promise<Response> {
  return h.app.inject({ method: 'POST', url: `/api/track/${number}/rating`, payload: { code: secret, satisfaction }, remoteAddress });
}

t.test('200 guesses from 40 addresses at one number: only the budget is answered, then even the right code is refused', async (t) => {
  const h = await testApp(t);
  const { number, secret } = await submit(h);
  const results: Response[] = [];
  // Five rounds of 40 at once, one per address, half on the tracking page and half on the rating.
  for (let round = 0; round < 5; round++) {
    results.push(
      ...(await Promise.all(
        Array.from({ length: 40 }, (_, a) => {
          const i = round * 40 + a;
          return i % 2 ? rate(h, number, wrong(i), `10.7.${a}.1`) : look(h, number, wrong(i), `10.7.${a}.1`);
        }),
      )),
    );
  }
  const codes = results.map((r) => r.statusCode);
  t.equal(codes.filter((c) => c === 404).length, 5, 'five wrong guesses answered "not found"');
  t.equal(codes.filter((c) => c === 429).length, 195, 'the other 195 refused');
  const locked = results.find((r) => r.statusCode === 429)!;
  t.match(locked.json(), { statusCode: 429, code: 'TRACK_LOCKED', requestId: String });
  t.match(locked.json().message, /秒后再试/);
  t.ok(Number(locked.headers['retry-after']) > 0, 'with Retry-After');

  const right = await look(h, number, secret, '10.8.0.1');
  t.equal(right.statusCode, 429, 'the right code is refused while the number is locked');
  t.equal((await rate(h, number, secret, '10.8.0.2')).statusCode, 429, 'and so is a rating with it');
  const [order] = await h.db.sql`select status from orders where number = ${number}`;
  t.equal(order!.status, 'dispatched', 'nothing was reopened');

  const audit = await h.db.sql`select actor, action, subject, detail from security_events`;
  t.equal(audit.length, 1, 'the lockout is in the security audit, once');
  t.match(audit[0], { actor: 'system', action: 'track_locked', subject: number, detail: { scope: 'track' } });

  h.clock.advance(Number(locked.headers['retry-after']) * 1000);
  t.equal((await look(h, number, secret, '10.8.0.3')).statusCode, 200, 'after the cool-down the right code works');
});

t.test('the budget is shared by both routes and doubles with each lock; the right code starts afresh', async (t) => {
  const h = await testApp(t);
  const { number, secret } = await submit(h);
  for (let i = 0; i < 4; i++) t.equal((await (i % 2 ? rate : look)(h, number, wrong(i))).statusCode, 404);
  t.equal((await look(h, number, secret)).statusCode, 200, 'four failures, then the right code');
  for (let i = 0; i < 4; i++) t.equal((await look(h, number, wrong(i))).statusCode, 404, 'the count started afresh');

  t.equal((await rate(h, number, wrong(9))).statusCode, 404, 'the fifth failure is answered, and locks');
  const first = await look(h, number, secret);
  t.equal(first.statusCode, 429);
  const firstLock = Number(first.headers['retry-after']);
  h.clock.advance(firstLock * 1000);
  for (let i = 0; i < 5; i++) t.equal((await rate(h, number, wrong(i))).statusCode, 404);
  const second = await look(h, number, secret);
  t.equal(second.statusCode, 429);
  t.equal(Number(second.headers['retry-after']), firstLock * 2, 'the second lock lasts twice as long');
  h.clock.advance(firstLock * 1000);
  t.equal((await look(h, number, secret)).statusCode, 429, 'still locked halfway');
  h.clock.advance(firstLock * 1000);
  t.equal((await look(h, number, secret)).statusCode, 200);
  t.equal((await h.db.sql`select 1 from security_events where action = 'track_locked'`).length, 2);
});

t.test('a number that does not exist answers exactly as a wrong code does, and runs out of budget too', async (t) => {
  const h = await testApp(t);
  const { number } = await submit(h);
  const missing = number.replace(/\d{6}$/, '999999');
  const shape = (r: Response) => {
    const { requestId, ...body } = r.json();
    return {
      status: r.statusCode,
      body: { ...body, message: body.message.replace(missing, number) },
      hasRequestId: typeof requestId === 'string',
    };
  };
  for (let i = 0; i < 5; i++) {
    const [a, b] = [await look(h, number, wrong(i)), await look(h, missing, wrong(i))];
    t.same(shape(b), shape(a), `guess ${i + 1}: the same answer`);
  }
  const [a, b] = [await look(h, number, wrong(7)), await look(h, missing, wrong(7))];
  t.same([a.statusCode, b.statusCode], [429, 429], 'both locked after five');
  t.same(shape(b), shape(a));
  t.equal(a.headers['retry-after'], b.headers['retry-after']);
});

t.test('a rating is taken once per reply: after it, another is refused with 409 and changes nothing', async (t) => {
  const h = await testApp(t);
  const { number, secret } = await submit(h);
  const [{ id }] = (await h.db.sql`select id from orders where number = ${number}`) as unknown as [{ id: number }];
  const handler = await signIn(h, ['handler'], '120102001001');
  const replyOnce = async (text: string) => {
    t.equal((await handler.post(`/api/orders/${id}/actions/claim`)).statusCode, 200);
    t.equal((await handler.post(`/api/orders/${id}/actions/reply`, { text })).statusCode, 200);
  };
  const state = async () => ({
    order: (await h.db.sql`select status, satisfaction, reopen_count, closed_at, updated_at from orders where id = ${id}`)[0],
    events: (await h.db.sql`select id, action from order_events where order_id = ${id} order by id`).map((e) => `${e.id}:${e.action}`),
  });
  const refused = async (satisfaction: string, why: string) => {
    const before = await state();
    const res = await rate(h, number, secret, '10.0.0.1', satisfaction);
    t.equal(res.statusCode, 409, why);
    t.match(res.json(), { code: 'RATING_CLOSED', message: /评价/ });
    t.same(await state(), before, `${why}: nothing changed, no event written`);
  };

  await replyOnce('已上门协调，楼上住户承诺夜间注意');
  t.same((await rate(h, number, secret, '10.0.0.1', 'satisfied')).json(), { status: 'closed', statusLabel: '已办结' });
  await refused('unsatisfied', 'a closed order is not reopened by a second rating');
  await refused('satisfied', 'nor rated again');

  // The hotline reopens it (回访 found it unresolved); the unit replies again, and that reply may be rated once.
  const desk = await signIn(h, ['operator']);
  t.equal((await desk.post(`/api/orders/${id}/actions/reopen`, { reason: '回访：仍未解决' })).statusCode, 200);
  await refused('satisfied', 'no rating while the order is being handled again');
  await replyOnce('已上门协调楼上住户，并为其更换门窗密封条，夜间噪音已减轻');
  const both = await Promise.all([rate(h, number, secret, '10.0.0.2', 'unsatisfied'), rate(h, number, secret, '10.0.0.3', 'satisfied')]);
  t.same(both.map((r) => r.statusCode).sort(), [200, 409], 'two ratings at once: one is taken');
  t.equal(both.find((r) => r.statusCode === 409)!.json().code, 'RATING_CLOSED');
  const rated = (await state()).events.filter((e) => /:(close|reopen)$/.test(e));
  t.equal(rated.length, 3, 'one rating event for each reply, and the desk reopen');
  await refused('basically_satisfied', 'and no third');
});
