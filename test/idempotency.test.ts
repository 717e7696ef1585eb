/**
 * Idempotency keys belong to whoever sent them: each desk user has a key space
 * (`user:<id>`), and each web submitter one (`web:` and the phone's digits). A key
 * never finds, nor names, another actor's order.
 */
import t from 'tap';
import type { Response } from 'light-my-request';
import { signIn, testApp, type TestApp } from './support/app.ts';

const complaint = { channel: 'phone', content: '河东区大王庄街道路灯不亮，晚上很黑', citizenPhone: '13812345678' };
const form = { name: '刘女士', phone: '13912345678', content: '河东区大王庄街道诚厚里社区楼上邻居半夜跺脚，噪音太吵了' };
const KEY = 'shared-key-0001';

const web = (h: TestApp, payload: object, key = KEY): Promise<Response> =>
  h.app.inject({ method: 'POST', url: '/api/channels/web', payload, headers: { 'idempotency-key': key } });
const scopes = async (h: TestApp) =>
  (await h.db.sql`select number, idempotency_scope as scope from orders where idempotency_key = ${KEY} order by id`).map(
    (r) => r.scope as string,
  );

t.test('the same key from two desk users makes two orders; each user’s retry finds their own', async (t) => {
  const h = await testApp(t);
  const [a, b] = [await signIn(h, ['operator']), await signIn(h, ['operator'])];
  const first = await a.post('/api/orders', complaint, { 'idempotency-key': KEY });
  const second = await b.post('/api/orders', complaint, { 'idempotency-key': KEY });
  t.same([first.statusCode, second.statusCode], [201, 201], 'two operators, two orders');
  t.not(first.json().id, second.json().id);
  const retryA = await a.post('/api/orders', complaint, { 'idempotency-key': KEY });
  const retryB = await b.post('/api/orders', complaint, { 'idempotency-key': KEY });
  t.same([retryA.statusCode, retryA.json().id], [200, first.json().id], "a's retry finds a's order");
  t.same([retryB.statusCode, retryB.json().id], [200, second.json().id], "b's retry finds b's order");
  t.same(await scopes(h), [`user:${a.viewer.userId}`, `user:${b.viewer.userId}`]);
});

t.test("a web submitter's key does not find a desk order, nor another submitter's", async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator']);
  const deskOrder = (await desk.post('/api/orders', complaint, { 'idempotency-key': KEY })).json();
  const mine = await web(h, form);
  t.equal(mine.statusCode, 201, 'the web form makes its own order');
  t.not(mine.json().number, deskOrder.number);
  t.notMatch(mine.body, deskOrder.number, 'and never names the desk order');
  const someoneElse = await web(h, { ...form, phone: '022-23456789' });
  t.equal(someoneElse.statusCode, 201, 'another phone, another key space');
  const again = await web(h, { ...form, phone: '13912345678' });
  t.same([again.statusCode, again.json().number], [200, mine.json().number], 'the same submitter retrying finds their order');
  t.same(await scopes(h), [`user:${desk.viewer.userId}`, 'web:13912345678', 'web:02223456789']);
});

t.test('a key reused with another body is refused with 422 that names no order', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator']);
  const deskOrder = (await desk.post('/api/orders', complaint, { 'idempotency-key': KEY })).json();
  const webOrder = (await web(h, form)).json();
  const before = await h.db.sql`select count(*)::int as n from orders`;
  const refused = [
    await desk.post('/api/orders', { ...complaint, content: '完全不同的诉求，小区门口积水' }, { 'idempotency-key': KEY }),
    await web(h, { ...form, content: '完全不同的诉求，小区门口积水' }),
  ];
  for (const res of refused) {
    t.equal(res.statusCode, 422);
    t.match(res.json(), { code: 'IDEMPOTENCY_KEY_REUSED', field: 'Idempotency-Key', message: /Idempotency-Key/ });
    t.notMatch(res.body, /12345-\d{8}-\d{6}/, 'no order number in the answer');
    t.notMatch(res.body, new RegExp(`${deskOrder.number}|${webOrder.number}|"id"`));
  }
  t.same(await h.db.sql`select count(*)::int as n from orders`, before, 'nothing written');
});
