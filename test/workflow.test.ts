/** The daily work of handlers, dispatchers and supervisors, with everyone's limits. */
import t from 'tap';
import { signIn, testApp, type Client } from './support/app.ts';

// 河东区 → 大王庄街道 → 诚厚里社区; 河西区 is a sibling district.
const DISTRICT = '120102';
const STREET = '120102001';
const COMMUNITY = '120102001001';
const OTHER_DISTRICT = '120103';

async function world(t: { teardown(fn: () => unknown): void }) {
  const h = await testApp(t);
  const [desk, district, street, community, stranger, districtSupervisor] = await Promise.all([
    signIn(h, ['operator', 'dispatcher']),
    signIn(h, ['handler'], DISTRICT),
    signIn(h, ['handler'], STREET),
    signIn(h, ['handler'], COMMUNITY),
    signIn(h, ['handler'], OTHER_DISTRICT),
    signIn(h, ['supervisor'], DISTRICT),
  ]);
  /** An order the desk took and dispatched to `unit` by hand. */
  const dispatched = async (unit: string, extra: object = {}) => {
    const order = (
      await desk.post('/api/orders', {
        channel: 'phone',
        content: '楼道里堆满杂物，物业不管',
        citizenPhone: '13812345678',
        categoryCode: 'housing.property',
        areaCode: COMMUNITY,
        ...extra,
      })
    ).json();
    await desk.post(`/api/orders/${order.id}/actions/accept`);
    const res = await desk.post(`/api/orders/${order.id}/actions/dispatch`, { unitId: unit });
    if (res.statusCode !== 200) throw new Error(res.body);
    return order.id as number;
  };
  return { h, desk, district, street, community, stranger, districtSupervisor, dispatched };
}

const act = (c: Client, id: number, action: string, body?: object) => c.post(`/api/orders/${id}/actions/${action}`, body);

t.test('sign-in: wrong password, forged, expired and revoked tokens are refused', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator']);
  const bad = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'x' } });
  t.equal(bad.statusCode, 401);
  t.equal(bad.json().code, 'BAD_CREDENTIALS');
  t.equal((await h.app.inject('/api/orders')).statusCode, 401, 'no token');
  const forged = await h.app.inject({ url: '/api/orders', headers: { authorization: `Bearer ${'x'.repeat(43)}` } });
  t.equal(forged.statusCode, 401);
  t.equal((await desk.get('/api/auth/me')).json().unitId, 'hotline');

  h.clock.advance(13 * 3600_000);
  t.equal((await desk.get('/api/orders')).statusCode, 401, 'expired after the session lifetime');

  const again = await signIn(h, ['operator']);
  t.equal((await again.post('/api/auth/logout')).statusCode, 204);
  t.equal((await again.get('/api/orders')).statusCode, 401, 'revoked by logout');
  const [row] = await h.db.sql`select count(*)::int as n from sessions where token_hash = ${again.token}`;
  t.equal(row!.n, 0, 'tokens are stored only as hashes');
});

t.test('handlers see their subtree only; outside it an order does not exist', async (t) => {
  const w = await world(t);
  const id = await w.dispatched(DISTRICT);
  for (const c of [w.district, w.districtSupervisor, w.desk]) t.equal((await c.get(`/api/orders/${id}`)).statusCode, 200);
  t.equal((await w.stranger.get(`/api/orders/${id}`)).statusCode, 404, 'another district: 404, not 403');
  t.equal((await w.stranger.get(`/api/orders/${id}/timeline`)).statusCode, 404);
  t.equal((await act(w.stranger, id, 'claim')).statusCode, 404);
  t.equal((await w.street.get(`/api/orders/${id}`)).statusCode, 404, 'a unit below does not see what is above it');
  t.same((await w.stranger.get('/api/orders')).json().items, [], 'nor in lists');
  t.same((await w.stranger.get(`/api/orders?unit=${DISTRICT}`)).json().items, [], 'nor by filtering for it');
  t.same(
    (await w.district.get('/api/orders')).json().items.map((o: { id: number }) => o.id),
    [id],
  );
});

t.test('wrong role and wrong state are refused, naming why', async (t) => {
  const w = await world(t);
  const id = await w.dispatched(DISTRICT);
  const byDesk = await act(w.desk, id, 'claim');
  t.equal(byDesk.statusCode, 403, 'a dispatcher does not claim for a unit');
  t.match(byDesk.json().message, /承办人/);
  t.equal((await act(w.districtSupervisor, id, 'merge', { masterId: 1 })).statusCode, 403);
  t.equal((await act(w.district, id, 'reply', { text: '已处理' })).statusCode, 409, 'reply before claim');
  t.equal((await act(w.district, id, 'close')).statusCode, 403, 'closing is the callback desk’s');
});

t.test('hand down district → street → community, each claiming again; the negative list holds', async (t) => {
  const w = await world(t);
  const id = await w.dispatched(DISTRICT);
  t.equal((await act(w.district, id, 'claim')).statusCode, 200);
  const skip = await act(w.district, id, 'hand_down', { unitId: COMMUNITY });
  t.equal(skip.statusCode, 422, 'only to the level directly below');
  t.equal(skip.json().code, 'NOT_BELOW');
  t.equal((await act(w.district, id, 'hand_down', { unitId: STREET })).json().order.status, 'dispatched');
  t.equal((await act(w.district, id, 'claim')).statusCode, 403, 'the district sees it below, but it is the street’s to claim');
  t.equal((await act(w.street, id, 'claim')).statusCode, 200);
  const down = await act(w.street, id, 'hand_down', { unitId: COMMUNITY });
  t.equal(down.statusCode, 200);
  t.same(down.json().order.unitPath, ['hotline', DISTRICT, STREET, COMMUNITY]);

  const enforcement = await w.dispatched(DISTRICT, { categoryCode: 'urban.illegal_construction' });
  await act(w.district, enforcement, 'claim');
  await act(w.district, enforcement, 'hand_down', { unitId: STREET });
  await act(w.street, enforcement, 'claim');
  const refused = await act(w.street, enforcement, 'hand_down', { unitId: COMMUNITY });
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().code, 'NEGATIVE_LIST');
});

t.test('returns go back up; at the limit the dispatcher designates and no more returns', async (t) => {
  const w = await world(t);
  const id = await w.dispatched(DISTRICT);
  const first = await act(w.district, id, 'return', { reasonCode: 'not_our_jurisdiction', reason: '属市级部门职责' });
  t.equal(first.json().order.currentUnitId, 'hotline');
  t.equal(first.json().order.returnCount, 1);
  await act(w.desk, id, 'dispatch', { unitId: OTHER_DISTRICT });
  await act(w.stranger, id, 'return', { reasonCode: 'wrong_area' });
  await act(w.desk, id, 'dispatch', { unitId: DISTRICT });
  const third = await act(w.district, id, 'return', { reasonCode: 'other', reason: '仍有异议' });
  t.equal(third.json().order.returnCount, 3);
  t.equal(third.json().event.payload.escalatedToDispatcher, true);
  const designated = await act(w.desk, id, 'dispatch', { unitId: DISTRICT, designate: true, note: '经研判由河东区承办' });
  t.equal(designated.json().order.designated, true);
  const refused = await act(w.district, id, 'return', { reasonCode: 'wrong_area' });
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().code, 'ORDER_DESIGNATED');
  t.equal((await act(w.district, id, 'claim')).statusCode, 200, 'so it is handled');
});

t.test('redispatch by the dispatcher or by the sending unit', async (t) => {
  const w = await world(t);
  const id = await w.dispatched(DISTRICT);
  const r = await act(w.desk, id, 'redispatch', { unitId: OTHER_DISTRICT });
  t.same(r.json().order.unitPath, ['hotline', OTHER_DISTRICT]);
  const id2 = await w.dispatched(DISTRICT);
  await act(w.district, id2, 'claim');
  await act(w.district, id2, 'hand_down', { unitId: STREET });
  t.equal((await act(w.district, id2, 'redispatch', { unitId: '120102002' })).json().order.currentUnitId, '120102002');
  t.equal((await act(w.street, id2, 'redispatch', { unitId: STREET })).statusCode, 404, 'the replaced street no longer sees it');
});

t.test('co-handling: assists claim and answer, then the lead replies and the desk closes', async (t) => {
  const w = await world(t);
  const urban = await signIn(w.h, ['handler'], `${DISTRICT}:urban`);
  const id = await w.dispatched(DISTRICT);
  await act(w.district, id, 'claim');
  t.equal((await act(w.district, id, 'assign_assist', { unitIds: [`${DISTRICT}:urban`] })).statusCode, 200);
  t.equal((await urban.get(`/api/orders/${id}`)).statusCode, 200, 'an assisting unit sees the order');
  t.equal((await act(w.district, id, 'reply', { text: '已处理' })).json().code, 'ASSISTS_PENDING');
  t.equal((await act(urban, id, 'assist_reply', { text: '先签收' })).statusCode, 409, 'claim before answering');
  t.equal((await act(urban, id, 'assist_claim')).statusCode, 200);
  t.equal((await act(urban, id, 'assist_reply', { text: '已清理楼道杂物' })).statusCode, 200);
  t.equal((await act(w.district, id, 'reply', { text: '经城管委协助，楼道里堆放的杂物已清理完毕' })).json().order.status, 'replied');
  t.equal((await act(w.desk, id, 'close', { satisfaction: 'satisfied' })).json().order.status, 'closed');
  const actions = (await w.desk.get(`/api/orders/${id}/timeline`)).json().events.map((e: { action: string }) => e.action);
  t.same(actions.slice(-6), ['claim', 'assign_assist', 'assist_claim', 'assist_reply', 'reply', 'close']);
});

t.test('an unsatisfied callback reopens to the same unit, counted; urge and supervise are visible to it', async (t) => {
  const w = await world(t);
  const id = await w.dispatched(DISTRICT);
  await act(w.district, id, 'claim');
  t.equal((await act(w.districtSupervisor, id, 'urge', { note: '群众反映强烈，请今日办结' })).statusCode, 200);
  t.equal((await act(w.stranger, id, 'urge')).statusCode, 404);
  t.equal((await act(w.district, id, 'supervise')).statusCode, 403, 'a handler does not supervise');
  const sup = await act(w.districtSupervisor, id, 'supervise', { note: '列入督办' });
  t.ok(sup.json().order.supervisedAt);
  await act(w.district, id, 'reply', { text: '已协调物业公司清理楼道里的杂物' });
  const reopened = await act(w.desk, id, 'reopen', { reason: '回访不满意：杂物仍在' });
  t.equal(reopened.json().order.status, 'reopened');
  t.equal(reopened.json().order.reopenCount, 1);
  t.equal(reopened.json().order.currentUnitId, DISTRICT);
  const seen = (await w.district.get(`/api/orders/${id}/timeline`)).json().events;
  t.ok(seen.some((e: { action: string; reason: string }) => e.action === 'urge' && e.reason === '群众反映强烈，请今日办结'));
  t.ok(seen.some((e: { action: string }) => e.action === 'supervise'));
  t.equal((await act(w.district, id, 'claim')).statusCode, 200, 'the unit claims it again');
});

t.test('a merged duplicate hears the master’s result when it closes', async (t) => {
  const w = await world(t);
  const master = await w.dispatched(DISTRICT);
  const dup = (
    await w.desk.post('/api/orders', {
      channel: 'web',
      content: '楼道杂物堆积，没人清理',
      areaCode: COMMUNITY,
      categoryCode: 'housing.property',
    })
  ).json();
  t.equal(
    (await act(w.district, dup.id, 'merge', { masterId: master })).statusCode,
    404,
    'still at the hotline: out of the district’s sight',
  );
  t.equal((await act(w.desk, dup.id, 'merge', { masterId: master })).statusCode, 200);
  await act(w.district, master, 'claim');
  await act(w.district, master, 'reply', { text: '楼道里堆放的杂物已由物业清理完毕' });
  await act(w.desk, master, 'close', { satisfaction: 'satisfied' });
  const events = (await w.desk.get(`/api/orders/${dup.id}/timeline`)).json().events;
  const told = events.find((e: { action: string }) => e.action === 'master_result');
  t.ok(told, 'the duplicate records the master result');
  t.equal(told.reason, '楼道里堆放的杂物已由物业清理完毕');
});

t.test('phones are masked until the unit claims; every reveal is recorded', async (t) => {
  const w = await world(t);
  const id = await w.dispatched(DISTRICT);
  t.equal((await w.district.get(`/api/orders/${id}`)).json().citizenPhone, '138****5678');
  t.equal((await w.district.get('/api/orders')).json().items[0].citizenPhone, '138****5678');
  const early = await w.district.get(`/api/orders/${id}?reveal=phone`);
  t.equal(early.statusCode, 403);
  t.equal(early.json().code, 'PHONE_MASKED');
  await act(w.district, id, 'claim');
  t.equal((await w.district.get(`/api/orders/${id}?reveal=phone`)).json().citizenPhone, '13812345678');
  t.equal((await w.desk.get(`/api/orders/${id}?reveal=phone`)).json().citizenPhone, '13812345678');
  t.equal((await w.stranger.get(`/api/orders/${id}?reveal=phone`)).statusCode, 404);
  const views = (await w.desk.get(`/api/orders/${id}/timeline`))
    .json()
    .events.filter((e: { action: string }) => e.action === 'phone_viewed');
  t.same(
    views.map((e: { actor: string; payload: { viewerUnitId: string } }) => [e.actor, e.payload.viewerUnitId]),
    [
      [`user:${w.district.viewer.userId}`, DISTRICT],
      [`user:${w.desk.viewer.userId}`, 'hotline'],
    ],
  );
});

t.test('the OpenAPI document names the roles of every action', async (t) => {
  const { app } = await testApp(t);
  const doc = (await app.inject('/docs/json')).json();
  const claim = doc.paths['/api/orders/{id}/actions/claim'].post;
  t.match(claim.description, /承办人\(handler\)/);
  t.match(doc.paths['/api/orders/{id}/actions/merge'].post.description, /派单员\(dispatcher\)/);
  t.ok(doc.components.securitySchemes.bearer);
});

t.test('intake suggests earlier open complaints about the same matter', async (t) => {
  const w = await world(t);
  const first = await w.dispatched(DISTRICT, { content: '诚厚里社区3号楼楼道里堆满杂物，物业一直不管' });
  const other = await w.dispatched(DISTRICT, { content: '小区绿化带被人种了菜', categoryCode: 'urban.greening' });
  const again = (
    await w.desk.post('/api/orders', {
      channel: 'phone',
      content: '诚厚里社区3号楼楼道杂物堆满了，物业不管',
      categoryCode: 'housing.property',
      areaCode: COMMUNITY,
    })
  ).json();
  const similar = (await w.desk.get(`/api/orders/${again.id}/similar`)).json().items;
  t.same(
    similar.map((s: { id: number }) => s.id),
    [first],
    'the same matter, not the other category',
  );
  t.ok(similar[0].similarity > 0.3);
  t.notOk(similar.some((s: { id: number }) => s.id === other));
  t.equal((await w.district.get(`/api/orders/${again.id}/similar`)).statusCode, 403);
  w.h.clock.advance(8 * 86_400_000);
  const later = await signIn(w.h, ['dispatcher']); // a week on, the morning's sign-in has expired
  t.same((await later.get(`/api/orders/${again.id}/similar`)).json().items, [], 'older than the window');
});
