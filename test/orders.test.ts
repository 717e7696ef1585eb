import t from 'tap';
import { signIn, testApp, type Client, type TestApp } from './support/app.ts';

const complaint = {
  channel: 'phone',
  citizenName: '张先生',
  citizenPhone: '13812345678',
  content: '小区楼下烧烤店油烟很大，晚上十点后还在营业',
  locationText: '河东区大王庄街道天星河畔社区',
  areaCode: '120102',
};

/** The hotline desk: an operator who also dispatches and calls back. */
const desk = (h: TestApp) => signIn(h, ['operator', 'dispatcher']);
const handlerAt = (h: TestApp, unitId: string) => signIn(h, ['handler'], unitId);

t.test('an order gets a readable number, the hotline centre as owner, and a create event', async (t) => {
  const h = await testApp(t);
  const d = await desk(h);
  h.clock.set('2026-11-23T17:30:00Z'); // 01:30 on the 24th in Beijing
  const res = await d.post('/api/orders', complaint);
  t.equal(res.statusCode, 201);
  const order = res.json();
  t.match(order.number, /^12345-20261124-\d{6}$/, 'numbered by the Beijing date');
  t.equal(order.status, 'received');
  t.equal(order.statusLabel, '已登记');
  t.equal(order.currentUnitId, 'hotline');
  t.equal(order.createdAt, '2026-11-23T17:30:00.000Z', 'timestamps come from the injected clock');
  t.equal(res.headers.location, `/api/orders/${order.id}`);

  const byNumber = await d.get(`/api/orders/${order.number}`);
  t.equal(byNumber.statusCode, 200);
  t.equal(byNumber.json().id, order.id);
  const timeline = (await d.get(`/api/orders/${order.id}/timeline`)).json();
  t.same(
    timeline.events.map((e: { action: string; toStatus: string }) => [e.action, e.toStatus]),
    [['create', 'received']],
  );
});

t.test('50 concurrent identical requests with one Idempotency-Key make exactly one order', async (t) => {
  const h = await testApp(t);
  const d = await desk(h);
  const results = await Promise.all(
    Array.from({ length: 50 }, () => d.post('/api/orders', complaint, { 'idempotency-key': 'call-7f3a9c2e-0001' })),
  );
  const codes = results.map((r) => r.statusCode);
  t.equal(codes.filter((c) => c === 201).length, 1, 'one 201');
  t.equal(codes.filter((c) => c === 200).length, 49, 'the rest 200');
  t.equal(new Set(results.map((r) => r.json().id)).size, 1, 'all answer with the same order');
  const [{ n }] = (await h.db.sql`select count(*)::int as n from orders`) as unknown as [{ n: number }];
  t.equal(n, 1);
  const [{ e }] = (await h.db.sql`select count(*)::int as e from order_events`) as unknown as [{ e: number }];
  t.equal(e, 1, 'and exactly one create event');
});

t.test('the same channel message id is one order, even without a key', async (t) => {
  const h = await testApp(t);
  const d = await desk(h);
  const wechat = { ...complaint, channel: 'wechat', channelMessageId: '23456789012345678901' };
  const results = await Promise.all(Array.from({ length: 20 }, () => d.post('/api/orders', wechat)));
  t.equal(new Set(results.map((r) => r.json().id)).size, 1);
  t.equal(results.filter((r) => r.statusCode === 201).length, 1);
  // The same message id on another channel is another message.
  const web = await d.post('/api/orders', { ...wechat, channel: 'web' });
  t.equal(web.statusCode, 201);
});

t.test('a key reused for different content is refused, not silently answered', async (t) => {
  const h = await testApp(t);
  const d = await desk(h);
  const key = { 'idempotency-key': 'web-form-42-abcdef' };
  t.equal((await d.post('/api/orders', complaint, key)).statusCode, 201);
  const other = await d.post('/api/orders', { ...complaint, content: '完全不同的诉求' }, key);
  t.equal(other.statusCode, 422);
  t.equal(other.json().code, 'IDEMPOTENCY_KEY_REUSED');
  t.equal(other.json().field, 'Idempotency-Key');
});

t.test('the whole life: accept, dispatch, claim, hand back, re-dispatch, reply, close, reopen', async (t) => {
  const h = await testApp(t);
  const d = await desk(h);
  const hexi = await handlerAt(h, '120103');
  const hedong = await handlerAt(h, '120102');
  const id = (await d.post('/api/orders', complaint)).json().id;
  let who: Client = d;
  const act = async (action: string, body?: object) => {
    h.clock.advance(60_000);
    const res = await who.post(`/api/orders/${id}/actions/${action}`, body);
    t.equal(res.statusCode, 200, `${action} succeeds: ${res.body.slice(0, 200)}`);
    return res.json().order;
  };
  t.equal((await act('accept')).status, 'accepted');
  let order = await act('dispatch', { unitId: '120103' });
  t.equal(order.currentUnitId, '120103');
  t.same(order.unitPath, ['hotline', '120103']);
  who = hexi;
  order = await act('return', { reasonCode: 'wrong_area', reason: '地址在河东区' });
  t.equal(order.status, 'returned');
  t.equal(order.currentUnitId, 'hotline', 'a return goes back to whoever sent it');
  t.equal(order.returnCount, 1);
  who = d;
  order = await act('dispatch', { unitId: '120102' });
  t.equal(order.dispatchCount, 2);
  who = hedong;
  t.equal((await act('claim')).status, 'claimed');
  order = await act('reply', { text: '已责令烧烤店安装油烟净化设施并规范营业时间' });
  t.equal(order.replyText, '已责令烧烤店安装油烟净化设施并规范营业时间');
  who = d;
  order = await act('close', { satisfaction: 'basically_satisfied' });
  t.equal(order.status, 'closed');
  t.ok(order.closedAt);
  order = await act('reopen', { reason: '烧烤店夜间仍在营业' });
  t.equal(order.status, 'reopened');
  t.equal(order.reopenCount, 1);
  t.equal(order.currentUnitId, '120102', 'reopened back to the same unit');
  t.equal(order.closedAt, null);

  const { events } = (await d.get(`/api/orders/${id}/timeline`)).json();
  t.same(
    events.map((e: { action: string }) => e.action),
    ['create', 'accept', 'dispatch', 'return', 'dispatch', 'claim', 'reply', 'close', 'reopen'],
  );
  const ret = events[3];
  t.equal(ret.reason, '地址在河东区');
  t.same(ret.payload, { reasonCode: 'wrong_area', fromUnitId: '120103', returnCount: 1 });
  t.equal(ret.fromStatus, 'dispatched');
  t.equal(ret.unitId, 'hotline');
  t.equal(new Date(events[8].at).getTime() - new Date(events[0].at).getTime(), 8 * 60_000, 'every step at its own instant');
});

t.test('an illegal action answers 409 naming the state and the action, and writes nothing', async (t) => {
  const h = await testApp(t);
  const d = await desk(h);
  const id = (await d.post('/api/orders', complaint)).json().id;
  const res = await d.post(`/api/orders/${id}/actions/close`);
  t.equal(res.statusCode, 409);
  t.equal(res.json().code, 'ILLEGAL_TRANSITION');
  t.match(res.json().message, /已登记.*received.*办结.*close/);
  const { events } = (await d.get(`/api/orders/${id}/timeline`)).json();
  t.equal(events.length, 1);
});

t.test("of 200 claims pressed at once by a unit's handlers, exactly one wins", async (t) => {
  const h = await testApp(t);
  const d = await desk(h);
  const id = (await d.post('/api/orders', complaint)).json().id;
  await d.post(`/api/orders/${id}/actions/accept`);
  await d.post(`/api/orders/${id}/actions/dispatch`, { unitId: '120102' });
  const handlers = await Promise.all(Array.from({ length: 4 }, () => handlerAt(h, '120102')));
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => handlers[i % 4]!.post(`/api/orders/${id}/actions/claim`)));
  t.equal(results.filter((r) => r.statusCode === 200).length, 1);
  t.equal(results.filter((r) => r.statusCode === 409).length, 199);
  const [{ n }] = (await h.db.sql`select count(*)::int as n from order_events where order_id = ${id} and action = 'claim'`) as unknown as [
    { n: number },
  ];
  t.equal(n, 1);
});

t.test('merge into a master records the link on both orders; transfer-out is final', async (t) => {
  const h = await testApp(t);
  const d = await desk(h);
  const master = (await d.post('/api/orders', complaint)).json();
  const dup = (await d.post('/api/orders', { ...complaint, citizenPhone: '13900001111' })).json();
  const merged = await d.post(`/api/orders/${dup.id}/actions/merge`, { masterId: master.id });
  t.equal(merged.statusCode, 200);
  t.equal(merged.json().order.status, 'merged');
  t.equal(merged.json().order.mergedIntoId, master.id);
  const masterEvents = (await d.get(`/api/orders/${master.id}/timeline`)).json().events;
  t.equal(masterEvents.at(-1).action, 'merged_in');
  t.equal(masterEvents.at(-1).payload.duplicateNumber, dup.number);
  const intoMerged = await d.post(`/api/orders/${master.id}/actions/merge`, { masterId: dup.id });
  t.equal(intoMerged.statusCode, 422, 'a merged order cannot be a master');
  const missing = await d.post(`/api/orders/${master.id}/actions/merge`, { masterId: 999999 });
  t.equal(missing.statusCode, 422);
  t.equal(missing.json().field, 'masterId');

  const police = (await d.post('/api/orders', { ...complaint, content: '有人在楼道里打架' })).json();
  const tr = await d.post(`/api/orders/${police.id}/actions/transfer`, { target: '110', reason: '治安类警情' });
  t.equal(tr.json().order.status, 'transferred_out');
  t.equal(tr.json().order.transferTarget, '110');
  t.equal((await d.post(`/api/orders/${police.id}/actions/accept`)).statusCode, 409);
});

t.test('list filters and keyset pagination', async (t) => {
  const h = await testApp(t);
  const d = await desk(h);
  const made: number[] = [];
  for (let i = 0; i < 7; i++) {
    h.clock.advance(3_600_000);
    const area = i % 2 ? '120102001' : '120101002003';
    const channel = i < 4 ? 'phone' : 'web';
    made.push((await d.post('/api/orders', { ...complaint, channel, areaCode: area, content: `诉求 ${i}` })).json().id);
  }
  await d.post(`/api/orders/${made[0]}/actions/accept`);
  await d.post(`/api/orders/${made[0]}/actions/dispatch`, { unitId: '120102' });

  const page1 = (await d.get('/api/orders?limit=3')).json();
  t.same(
    page1.items.map((o: { id: number }) => o.id),
    [made[6], made[5], made[4]],
    'newest first',
  );
  const page2 = (await d.get(`/api/orders?limit=3&cursor=${page1.nextCursor}`)).json();
  t.same(
    page2.items.map((o: { id: number }) => o.id),
    [made[3], made[2], made[1]],
  );
  const page3 = (await d.get(`/api/orders?limit=3&cursor=${page2.nextCursor}`)).json();
  t.same(
    page3.items.map((o: { id: number }) => o.id),
    [made[0]],
  );
  t.equal(page3.nextCursor, null);

  const inDistrict = (await d.get('/api/orders?area=120102')).json().items;
  t.same(
    inDistrict.map((o: { id: number }) => o.id),
    [made[5], made[3], made[1]],
    'an area matches the areas under it',
  );
  t.equal((await d.get('/api/orders?channel=web')).json().items.length, 3);
  t.same(
    (await d.get('/api/orders?status=dispatched')).json().items.map((o: { id: number }) => o.id),
    [made[0]],
  );
  t.equal((await d.get('/api/orders?status=dispatched&status=received')).json().items.length, 7);
  t.same(
    (await d.get('/api/orders?unit=120102')).json().items.map((o: { id: number }) => o.id),
    [made[0]],
  );
  const from = new Date(Date.parse('2026-11-24T02:00:00Z') + 2.5 * 3_600_000).toISOString();
  const to = new Date(Date.parse('2026-11-24T02:00:00Z') + 4.5 * 3_600_000).toISOString();
  const ranged = (await d.get(`/api/orders?createdFrom=${from}&createdTo=${to}`)).json().items;
  t.same(
    ranged.map((o: { id: number }) => o.id),
    [made[3], made[2]],
  );
});

t.test('unknown orders answer 404 by id and by number', async (t) => {
  const h = await testApp(t);
  const d = await desk(h);
  for (const ref of ['424242', '12345-20261124-999999']) {
    const res = await d.get(`/api/orders/${ref}`);
    t.equal(res.statusCode, 404);
    t.equal(res.json().code, 'ORDER_NOT_FOUND');
  }
  t.equal((await d.post('/api/orders/424242/actions/accept')).statusCode, 404);
});
