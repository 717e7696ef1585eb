// The board's server side: one 督办 per order per window (serialised on the order's
// lock), the board's order lines, and live events that carry what a board patches
// with, phone numbers masked.
import t from 'tap';
import { dispatchedTo, signIn, testApp } from './support/app.ts';
import { DEFAULT_SUPERVISION } from '../server/core/deadlines.ts';
import type { LiveEvent } from '../server/plugins/live.ts';

t.test('two 督办 at once: one passes, the other is refused with SUPERVISE_TOO_SOON; after the window one more passes', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const id = await dispatchedTo(desk, '120102:urban');
  const [a, b] = await Promise.all([signIn(h, ['supervisor'], '120102'), signIn(h, ['supervisor'], '120000')]);
  const answers = await Promise.all([
    a.post(`/api/orders/${id}/actions/supervise`, { note: '请今日办结' }),
    b.post(`/api/orders/${id}/actions/supervise`, {}),
  ]);
  t.same(answers.map((r) => r.statusCode).sort(), [200, 409]);
  const refused = answers.find((r) => r.statusCode === 409)!.json();
  t.equal(refused.code, 'SUPERVISE_TOO_SOON');
  t.match(refused.message, /已于 \d{4}-\d\d-\d\d \d\d:\d\d 督办，\d{4}-\d\d-\d\d \d\d:\d\d 前不能再次督办/);
  const events = await h.db.sql`select count(*)::int as n from order_events where order_id = ${id} and action = 'supervise'`;
  t.equal(events[0]!.n, 1, 'one 督办 recorded');

  t.equal(DEFAULT_SUPERVISION.window.unit, 'hours');
  h.clock.advance(DEFAULT_SUPERVISION.window.amount * 3_600_000 - 60_000);
  // A day later the morning's sessions have ended: a supervisor of the next shift.
  const next = await signIn(h, ['supervisor'], '120102');
  t.equal((await next.post(`/api/orders/${id}/actions/supervise`, {})).statusCode, 409, 'a minute before the window ends');
  h.clock.advance(60_000);
  t.equal((await next.post(`/api/orders/${id}/actions/supervise`, {})).statusCode, 200, 'the window over');
  t.equal((await next.post(`/api/orders/${id}/actions/urge`, { note: '再催' })).statusCode, 200, '催办 is not limited');
  t.equal((await next.post(`/api/orders/${id}/actions/urge`, {})).statusCode, 200);
});

t.test("the board's lines: the subtree's orders with clocks, text (phones masked), version and pending extensions", async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const id = await dispatchedTo(desk, '120102:urban');
  const handler = await signIn(h, ['handler'], '120102:urban');
  const clock = (await h.db.sql`select due_at from order_clocks where order_id = ${id} and kind = 'claim'`)[0]!;
  const asked = await handler.post(`/api/orders/${id}/actions/request_extension`, {
    clock: 'claim',
    dueAt: new Date(new Date(clock.due_at).getTime() + 86_400_000).toISOString(),
    reason: '联系人电话13912345678不通',
  });
  t.equal(asked.statusCode, 200, asked.body);
  const sup = await signIn(h, ['supervisor'], '120102');
  const board = (await sup.get('/api/sla/board/orders?unit=120102')).json();
  t.equal(board.unit.path, '120000/120102/');
  const line = board.orders.find((o: { id: number }) => o.id === id);
  t.ok(line, 'the order is on its district board');
  const latest = await h.db.sql`select max(id)::int as v from order_events where order_id = ${id}`;
  t.equal(line.version, latest[0]!.v);
  t.ok(line.clocks.every((c: { unitPath: string }) => c.unitPath.startsWith('120000/120102/')));
  t.same(
    line.extensions.map((x: { clock: string; reason: string }) => [x.clock, x.reason.includes('13912345678')]),
    [['claim', false]],
    'the reason with its phone number masked',
  );
  const other = (await signIn(h, ['supervisor'], '120103')).get('/api/sla/board/orders?unit=120102');
  t.equal((await other).statusCode, 404, "another district's board is out of sight");
  const elsewhere = (await (await signIn(h, ['supervisor'], '120103')).get('/api/sla/board/orders?unit=120103')).json();
  t.notOk(
    elsewhere.orders.some((o: { id: number }) => o.id === id),
    "not on another district's board",
  );
});

t.test('live events carry the running clocks and the text with phone numbers masked; the boards it leaves hear of it', async (t) => {
  const h = await testApp(t);
  const seen: LiveEvent[] = [];
  // Settles when the feed delivers this order's return: the feed is LISTEN/NOTIFY, so it
  // is waited on, never counted in event-loop turns (a busy machine takes more of them).
  let returned: () => void = () => {};
  const returnArrived = new Promise<void>((resolve) => (returned = resolve));
  let orderId = 0;
  const stop = h.app.live.subscribe((e) => {
    seen.push(e);
    if (e.action === 'return' && e.order.id === orderId) returned();
  });
  t.teardown(stop);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const created = (
    await desk.post('/api/orders', {
      channel: 'phone',
      content: '路灯不亮，回电13812345678',
      categoryCode: 'other',
      areaCode: '120102001',
    })
  ).json();
  orderId = created.id;
  await desk.post(`/api/orders/${created.id}/actions/accept`);
  await desk.post(`/api/orders/${created.id}/actions/dispatch`, { unitId: '120102:urban' });
  const handler = await signIn(h, ['handler'], '120102:urban');
  t.equal(
    (await handler.post(`/api/orders/${created.id}/actions/return`, { reasonCode: 'not_our_jurisdiction', reason: '非本单位职责' }))
      .statusCode,
    200,
  );
  await returnArrived;
  const dispatch = seen.find((e) => e.action === 'dispatch' && e.order.id === created.id)!;
  t.ok(dispatch, 'the dispatch event arrived');
  t.notMatch(dispatch.wire, /13812345678/, 'no phone number on the wire');
  t.match(dispatch.board.content, /路灯不亮/);
  t.ok(
    dispatch.board.clocks.some((c) => c.kind === 'claim' && c.unitPath.startsWith('120000/120102/')),
    'the claim clock runs in 河东区',
  );
  t.notMatch(dispatch.wire, /"ancestors"|formerAncestors/, 'the routing fields stay internal');
  const back = seen.find((e) => e.action === 'return' && e.order.id === created.id)!;
  t.ok(back, 'the return event arrived');
  t.same(back.ancestors, ['hotline'], 'held by the hotline again');
  t.ok(back.formerAncestors?.includes('120102'), "河东区's boards hear it leave");
  t.notOk(
    back.board.clocks.some((c) => c.unitPath.startsWith('120000/120102/')),
    'no clock of it runs in 河东区 any more',
  );
});
