import t from 'tap';
import { signIn, testApp } from './support/app.ts';

t.test('the database refuses to rewrite or erase the audit trail', async (t) => {
  const h = await testApp(t);
  const { app, db } = h;
  const d = await signIn(h, ['operator', 'dispatcher']);
  const res = await app.inject({
    headers: d.headers,
    method: 'POST',
    url: '/api/orders',
    payload: { channel: 'phone', content: '楼上装修噪音' },
  });
  t.equal(res.statusCode, 201);
  const orderId = res.json().id as number;
  const [event] = await db.sql`select id from order_events where order_id = ${orderId}`;
  t.ok(event, 'the create event was written');

  await t.rejects(db.sql`update order_events set actor = 'someone else' where id = ${event!.id}`, {
    message: /append-only: UPDATE refused/,
  });
  await t.rejects(db.sql`delete from order_events where id = ${event!.id}`, { message: /append-only: DELETE refused/ });
  await t.rejects(db.sql`truncate order_events cascade`, { message: /append-only: TRUNCATE refused/ });

  const [after] = await db.sql`select actor, count(*) over () as n from order_events where order_id = ${orderId}`;
  t.equal(after!.actor, `user:${d.viewer.userId}`, 'the event is unchanged');
  t.equal(Number(after!.n), 1);
});

t.test('an order and its event commit together or not at all', async (t) => {
  const h = await testApp(t);
  const { app, db } = h;
  await signIn(h, ['operator', 'dispatcher']);
  // An area code the database rejects makes the whole statement fail: no order, no event.
  await t.rejects(
    db.sql`with o as (insert into orders (number, channel, content, current_unit_id, unit_path, status, created_at, updated_at, area_code)
      values (next_order_number(now()), 'phone', 'x', 'hotline', '{hotline}', 'received', now(), now(), 'bad') returning id)
      insert into order_events (order_id, at, actor, action, to_status) select id, now(), 't', 'create', 'received' from o`,
    { message: /orders_area_code_check/ },
  );
  const [{ orders, events }] =
    (await db.sql`select (select count(*) from orders)::int as orders, (select count(*) from order_events)::int as events`) as unknown as [
      { orders: number; events: number },
    ];
  t.equal(orders, 0);
  t.equal(events, 0);
  t.ok(app);
});

t.test('an action that fails part-way leaves neither change nor event', async (t) => {
  const h = await testApp(t);
  const { app, db } = h;
  const d = await signIn(h, ['operator', 'dispatcher']);
  const created = (
    await app.inject({ headers: d.headers, method: 'POST', url: '/api/orders', payload: { channel: 'web', content: '路灯不亮' } })
  ).json();
  await app.inject({ headers: d.headers, method: 'POST', url: `/api/orders/${created.id}/actions/accept` });
  // Dispatch to a unit that does not exist: refused inside the transaction.
  const res = await app.inject({
    headers: d.headers,
    method: 'POST',
    url: `/api/orders/${created.id}/actions/dispatch`,
    payload: { unitId: 'nope' },
  });
  t.equal(res.statusCode, 422);
  t.equal(res.json().field, 'unitId');
  const [row] = await db.sql`select status, dispatch_count from orders where id = ${created.id}`;
  t.equal(row!.status, 'accepted');
  t.equal(row!.dispatch_count, 0);
  const events = await db.sql`select action from order_events where order_id = ${created.id} order by id`;
  t.same(
    events.map((e) => e.action),
    ['create', 'accept'],
  );
});
