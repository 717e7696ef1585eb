/**
 * 回访 (callbacks): the queue of replied orders with their deadline, 未接通 counted per
 * reply, the limit closing the order as not reached (未回访), and the refusals, which
 * write nothing.
 */
import t from 'tap';
import { dispatchedTo, signIn, testApp, type Client, type TestApp } from './support/app.ts';

async function repliedOrder(h: TestApp, desk: Client, handler: Client): Promise<number> {
  const id = await dispatchedTo(desk, '120102');
  for (const [action, body] of [
    ['claim', {}],
    ['reply', { text: '已安排维修班组检修线路，路灯今晚恢复照明' }],
  ] as const) {
    const res = await handler.post(`/api/orders/${id}/actions/${action}`, body);
    if (res.statusCode !== 200) throw new Error(`${action}: ${res.body}`);
  }
  return id;
}

const trail = async (h: TestApp, id: number) =>
  (await h.db.sql`select action, to_status, payload from order_events where order_id = ${id} order by id`).map((e) => ({
    action: e.action,
    to: e.to_status,
    payload: e.payload,
  }));
const row = async (h: TestApp, id: number) =>
  (await h.db.sql`select status, satisfaction, closed_at, updated_at from orders where id = ${id}`)[0]!;

t.test('the queue: replied orders oldest first with their deadline; misses counted; the third closes as 未回访', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z'); // Tuesday 10:00 Beijing
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const handler = await signIn(h, ['handler'], '120102');
  const older = await repliedOrder(h, desk, handler);
  h.clock.advance(60_000);
  const newer = await repliedOrder(h, desk, handler);
  await dispatchedTo(desk, '120102'); // not replied: not in the queue

  const queue = (await desk.get('/api/callbacks')).json();
  t.same(
    queue.items.map((i: { order: { id: number } }) => i.order.id),
    [older, newer],
    'oldest reply first, nothing else',
  );
  t.equal(queue.items[0].callback.dueAt, '2026-11-26T16:00:00.000Z', '2 working days after the reply, to 24:00 Beijing');
  t.match(queue.items[0].callback, { overdue: false, attempts: 0, lastMissedAt: null });
  t.match(queue.items[0].order, { citizenPhone: null }, 'no number in the queue without a reveal');
  t.match(queue.policy, { withinLabel: '答复后 2 个工作日', attempts: 3 });

  const miss = () => desk.post(`/api/orders/${older}/actions/callback_missed`, { note: '无人接听' });
  const first = await miss();
  t.equal(first.statusCode, 200, first.body);
  t.match(first.json(), { order: { status: 'replied' }, event: { action: 'callback_missed', payload: { attempt: 1, limit: 3 } } });
  h.clock.advance(3_600_000);
  t.match((await miss()).json(), { order: { status: 'replied' }, event: { payload: { attempt: 2 } } });
  const listed = (await desk.get('/api/callbacks')).json().items[0];
  t.match(listed.callback, { attempts: 2, lastMissedAt: '2026-11-24T03:01:00.000Z' }, 'the queue shows the count and the last try');

  const third = await miss();
  t.match(third.json(), {
    order: { status: 'closed', satisfaction: null },
    event: { toStatus: 'closed', payload: { attempt: 3, limit: 3, callbackUnreached: true } },
  });
  t.match(await row(h, older), { status: 'closed', satisfaction: null });
  t.ok((await row(h, older)).closed_at, 'closed at the last try');
  const [resolve] = await h.db.sql`select stopped_at from order_clocks where order_id = ${older} and kind = 'resolve'`;
  t.ok(resolve?.stopped_at, 'its resolution clock stops as at any close');
  t.same(
    (await desk.get('/api/callbacks')).json().items.map((i: { order: { id: number } }) => i.order.id),
    [newer],
    'and it leaves the queue',
  );
  t.equal((await miss()).statusCode, 409, 'a closed order has no callback to miss');
});

t.test('the count restarts with a new reply after 重办', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const handler = await signIn(h, ['handler'], '120102');
  const id = await repliedOrder(h, desk, handler);
  await desk.post(`/api/orders/${id}/actions/callback_missed`);
  await desk.post(`/api/orders/${id}/actions/callback_missed`);
  t.equal((await desk.post(`/api/orders/${id}/actions/reopen`, { reason: '路灯还是不亮' })).statusCode, 200);
  h.clock.advance(60_000);
  await handler.post(`/api/orders/${id}/actions/claim`);
  await handler.post(`/api/orders/${id}/actions/reply`, { text: '已再次派员检修，更换了损坏的路灯灯头' });
  const again = (await desk.post(`/api/orders/${id}/actions/callback_missed`)).json();
  t.match(again, { order: { status: 'replied' }, event: { payload: { attempt: 1 } } }, 'the first try after the new reply');
});

t.test('refusals write nothing: not from an order not replied, not by a handler, not an unknown field', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const dispatcher = await signIn(h, ['dispatcher']);
  const operator = await signIn(h, ['operator']);
  const handler = await signIn(h, ['handler'], '120102');
  const open = await dispatchedTo(desk, '120102');
  const replied = await repliedOrder(h, desk, handler);
  const before = { open: await trail(h, open), replied: await trail(h, replied), row: await row(h, replied) };

  const notReplied = await desk.post(`/api/orders/${open}/actions/callback_missed`);
  t.equal(notReplied.statusCode, 409);
  t.equal(notReplied.json().code, 'ILLEGAL_TRANSITION');
  const byHandler = await handler.post(`/api/orders/${replied}/actions/callback_missed`);
  t.equal(byHandler.statusCode, 403, 'the unit that replied does not rate its own reply');
  t.equal((await desk.post(`/api/orders/${replied}/actions/callback_missed`, { attempt: 9 })).statusCode, 400);
  t.equal((await handler.get('/api/callbacks')).statusCode, 403, 'nor does a handler see the queue');

  t.same(await trail(h, open), before.open);
  t.same(await trail(h, replied), before.replied);
  t.same(await row(h, replied), before.row, 'the order untouched');
  t.equal((await dispatcher.post(`/api/orders/${replied}/actions/callback_missed`)).statusCode, 200, 'a dispatcher may');
  t.equal((await operator.post(`/api/orders/${replied}/actions/callback_missed`)).statusCode, 200, 'and an operator');
});
