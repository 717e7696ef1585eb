import t from 'tap';
import { signIn, testApp } from './support/app.ts';

t.test('a confident complaint dispatches itself (智能派单), with every step recorded', async (t) => {
  const h = await testApp(t);
  const { app } = h;
  const d = await signIn(h, ['operator', 'dispatcher']);
  const res = await app.inject({
    headers: d.headers,
    method: 'POST',
    url: '/api/orders',
    payload: { channel: 'web', content: '河东区大王庄街道诚厚里社区楼上邻居半夜跺脚，噪音太吵了' },
  });
  t.equal(res.statusCode, 201);
  const order = res.json();
  t.equal(order.status, 'dispatched');
  t.equal(order.currentUnitId, '120102001001');
  t.same(order.unitPath, ['hotline', '120102001001']);
  t.equal(order.categoryCode, 'env.neighbour_noise');
  t.equal(order.areaCode, '120102001001');
  t.ok(order.acceptedAt);
  t.ok(order.dispatchedAt);
  const { events } = (await app.inject({ url: `/api/orders/${order.id}/timeline`, headers: d.headers })).json();
  t.same(
    events.map((e: { action: string; actor: string; toStatus: string }) => [e.action, e.actor, e.toStatus]),
    [
      ['create', `user:${d.viewer.userId}`, 'received'],
      ['accept', 'system:classifier', 'accepted'],
      ['dispatch', 'system:classifier', 'dispatched'],
    ],
  );
  t.equal(events[2].unitId, '120102001001');
});

t.test('an unsure complaint waits for the dispatcher, with its classification and reasons', async (t) => {
  const h = await testApp(t);
  const { app, db } = h;
  const d = await signIn(h, ['operator', 'dispatcher']);
  const res = await app.inject({
    headers: d.headers,
    method: 'POST',
    url: '/api/orders',
    payload: { channel: 'phone', content: '我们杨庄村的路灯都不亮了，晚上出门很危险' },
  });
  const order = res.json();
  t.equal(order.status, 'received');
  t.equal(order.currentUnitId, 'hotline');
  t.equal(order.areaCode, null, 'an ambiguous place is not guessed');
  const [row] = await db.sql`select classification from orders where id = ${order.id}`;
  const c = row!.classification;
  t.equal(c.autoDispatch, false);
  t.ok(c.candidates.length > 1, 'the candidates are kept for the dispatcher');
  t.ok(c.explanation.some((e: { rule: string }) => e.rule === 'area:ambiguous'));
});

t.test('POST /api/classify explains itself and writes nothing', async (t) => {
  const h = await testApp(t);
  const { app, db } = h;
  const d = await signIn(h, ['operator', 'dispatcher']);
  const res = await app.inject({
    headers: d.headers,
    method: 'POST',
    url: '/api/classify',
    payload: { text: '家里闻到很浓的煤气味，怕出事' },
  });
  t.equal(res.statusCode, 200);
  const c = res.json();
  t.equal(c.urgency, 'urgent');
  t.equal(c.urgencyClass, 'danger');
  t.equal(c.category.code, 'utility.gas');
  t.same(c.explanation.find((e: { rule: string }) => e.rule === 'urgency:U-GAS').matched, ['煤气味']);
  const police = (
    await app.inject({ headers: d.headers, method: 'POST', url: '/api/classify', payload: { text: '楼下有人打架，还拿着刀' } })
  ).json();
  t.equal(police.transfer, '110');
  t.equal(police.autoDispatch, false);
  const located = (
    await app.inject({
      headers: d.headers,
      method: 'POST',
      url: '/api/classify',
      payload: { text: '门口的路灯坏了', location: '苗庄镇杨庄村' },
    })
  ).json();
  t.equal(located.area.code, '120117103229', 'the structured location is used');
  const [{ n }] = (await db.sql`select count(*)::int as n from orders`) as unknown as [{ n: number }];
  t.equal(n, 0);
  t.equal((await app.inject({ headers: d.headers, method: 'POST', url: '/api/classify', payload: { text: '' } })).json().field, 'text');
});

t.test('the community negative list holds on a manual dispatch too', async (t) => {
  const h = await testApp(t);
  const { app } = h;
  const d = await signIn(h, ['operator', 'dispatcher']);
  const post = (url: string, payload?: object) => app.inject({ headers: d.headers, method: 'POST', url, payload });
  // An operator-chosen category and area: no automatic dispatch.
  const order = (
    await post('/api/orders', {
      channel: 'phone',
      content: '小区里有人私搭乱建',
      categoryCode: 'urban.illegal_construction',
      areaCode: '120101001001',
    })
  ).json();
  t.equal(order.status, 'received');
  await post(`/api/orders/${order.id}/actions/accept`);
  const refused = await post(`/api/orders/${order.id}/actions/dispatch`, { unitId: '120101001001' });
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().code, 'NEGATIVE_LIST');
  t.match(refused.json().message, /NL-01/);
  t.equal(refused.json().field, 'unitId');
  const toStreet = await post(`/api/orders/${order.id}/actions/dispatch`, { unitId: '120101001' });
  t.equal(toStreet.statusCode, 200, 'the street may take it');

  const automatic = (await post('/api/orders', { channel: 'web', content: '劝业场街花园路社区有人违章搭建，在小区门口盖了间房' })).json();
  t.equal(automatic.status, 'dispatched');
  t.equal(automatic.currentUnitId, '120101001', 'automatic routing keeps it at the street');
});

t.test('an operator may name the category and area, but only real ones', async (t) => {
  const h = await testApp(t);
  const { app } = h;
  const d = await signIn(h, ['operator', 'dispatcher']);
  const bad = await app.inject({
    headers: d.headers,
    method: 'POST',
    url: '/api/orders',
    payload: { channel: 'phone', content: 'x', categoryCode: 'made.up' },
  });
  t.equal(bad.statusCode, 422);
  t.equal(bad.json().field, 'categoryCode');
  const nowhere = await app.inject({
    headers: d.headers,
    method: 'POST',
    url: '/api/orders',
    payload: { channel: 'phone', content: 'x', areaCode: '120199001001' },
  });
  t.equal(nowhere.statusCode, 422);
  t.equal(nowhere.json().field, 'areaCode');
});
