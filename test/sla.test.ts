/** Clocks through the API, and the sweeper, with a clock the test moves. */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { sweepDueClocks } from '../server/jobs/sweeper.ts';
import { signIn, testApp, type TestApp } from './support/app.ts';
import { root } from '../scripts/harness/cluster.ts';

const DISTRICT = '120102';
const STREET = '120102001';

async function dispatchedOrder(h: TestApp, extra: object = {}) {
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const order = (
    await desk.post('/api/orders', {
      channel: 'phone',
      content: '楼道杂物堆积',
      categoryCode: 'housing.property',
      areaCode: '120102001001',
      ...extra,
    })
  ).json();
  await desk.post(`/api/orders/${order.id}/actions/accept`);
  await desk.post(`/api/orders/${order.id}/actions/dispatch`, { unitId: DISTRICT });
  return { desk, id: order.id as number };
}

const clocksOf = async (h: TestApp, id: number) => {
  const desk = await signIn(h, ['dispatcher']);
  return Object.fromEntries(((await desk.get(`/api/orders/${id}`)).json().clocks as { kind: string }[]).map((c) => [c.kind, c])) as Record<
    string,
    any
  >;
};
const slaEvents = async (h: TestApp, id: number) =>
  (await h.db.sql`select action, unit_id, at from order_events where order_id = ${id} and action like 'sla_%' order by id`).map(
    (e) => `${e.action}@${e.unit_id}`,
  );

t.test('clocks start and stop with the steps; hand-down restarts the claim clock', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Beijing
  const { id } = await dispatchedOrder(h);
  let c = await clocksOf(h, id);
  t.equal(c.accept.state, 'met');
  t.equal(c.transfer.state, 'met');
  t.equal(c.claim.state, 'running');
  t.equal(c.claim.unitId, DISTRICT);
  t.equal(c.claim.dueAt, '2026-11-25T16:00:00.000Z', 'a normal claim: by the end of the next working day (Wednesday 24:00 Beijing)');
  t.equal(c.resolve.dueAt, '2026-12-01T16:00:00.000Z', 'resolution: five working days');
  const district = await signIn(h, ['handler'], DISTRICT);
  h.clock.advance(3600_000);
  await district.post(`/api/orders/${id}/actions/claim`);
  c = await clocksOf(h, id);
  t.equal(c.claim.state, 'met');
  t.equal(c.first_reply.state, 'running');
  h.clock.advance(3600_000);
  await district.post(`/api/orders/${id}/actions/hand_down`, { unitId: STREET });
  c = await clocksOf(h, id);
  t.equal(c.claim.state, 'running', 'the claim clock runs again for the street');
  t.equal(c.claim.unitId, STREET);
  t.equal(c.claim.startedAt, '2026-11-24T04:00:00.000Z');
});

t.test('the resolution deadline across the National Day holiday lands on 2026-10-09', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-09-24T02:00:00Z'); // Thursday before Mid-Autumn and National Day
  const { id } = await dispatchedOrder(h);
  const c = await clocksOf(h, id);
  t.equal(c.resolve.dueAt, '2026-10-09T16:00:00.000Z', 'end of 2026-10-09 in Beijing');
});

t.test('warnings, overdue and escalations fire at their instants, each once, in order', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const { id } = await dispatchedOrder(h, { urgency: 'urgent', content: '楼道里闻到很浓的煤气味' });
  const c = await clocksOf(h, id);
  t.equal(c.claim.urgencyClass, 'danger');
  t.equal(c.claim.dueAt, '2026-11-24T02:15:00.000Z', 'danger: claim within 15 minutes');
  const sweep = () => sweepDueClocks(h.db.sql, h.clock.now());
  h.clock.set('2026-11-24T02:07:00Z');
  t.same(await slaEvents(h, id), []);
  await sweep();
  t.same(await slaEvents(h, id), [], 'nothing before half the time');
  h.clock.set('2026-11-24T02:07:31Z');
  await sweep();
  t.same(await slaEvents(h, id), [`sla_warn_50@${DISTRICT}`]);
  await sweep();
  t.same(await slaEvents(h, id), [`sla_warn_50@${DISTRICT}`], 'a second sweep fires nothing again');
  h.clock.set('2026-11-24T03:30:00Z'); // long past due: overdue and both escalations come at once
  await sweep();
  t.same(await slaEvents(h, id), [
    `sla_warn_50@${DISTRICT}`,
    `sla_warn_80@${DISTRICT}`,
    `sla_overdue@${DISTRICT}`,
    `sla_escalate_unit@${DISTRICT}`,
    `sla_escalate_parent@120000`,
  ]);
  t.equal((await clocksOf(h, id)).claim.state, 'overdue');
  const district = await signIn(h, ['handler'], DISTRICT);
  await district.post(`/api/orders/${id}/actions/claim`);
  t.equal((await clocksOf(h, id)).claim.state, 'missed', 'claimed late');
});

t.test('two sweepers at once fire each step exactly once', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const ids = [];
  for (let i = 0; i < 30; i++) ids.push((await dispatchedOrder(h, { urgency: 'urgent', content: `燃气泄漏 ${i}` })).id);
  h.clock.set('2026-11-24T02:13:00Z'); // past 50% and 80% of the 15-minute claim clocks
  const [a, b] = await Promise.all([
    sweepDueClocks(h.db.sql, h.clock.now(), { batch: 7 }),
    sweepDueClocks(h.db.sql, h.clock.now(), { batch: 7 }),
  ]);
  t.ok(a.clocks + b.clocks >= 30, `${a.clocks} + ${b.clocks} clocks`);
  const [{ n, distinct }] = (await h.db.sql`
    select count(*)::int as n, count(distinct (order_id, action))::int as distinct
    from order_events where action in ('sla_warn_50', 'sla_warn_80')`) as unknown as [{ n: number; distinct: number }];
  t.equal(n, 60, 'two warnings for each of 30 orders');
  t.equal(distinct, 60, 'none doubled');
});

t.test('an extension moves a deadline only when a supervisor approves it, recorded old and new', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const { id } = await dispatchedOrder(h);
  const district = await signIn(h, ['handler'], DISTRICT);
  const supervisor = await signIn(h, ['supervisor'], DISTRICT);
  await district.post(`/api/orders/${id}/actions/claim`);
  const before = (await clocksOf(h, id)).resolve.dueAt;
  const asked = await district.post(`/api/orders/${id}/actions/request_extension`, {
    clock: 'resolve',
    dueAt: '2026-12-08T16:00:00Z',
    reason: '需协调供热企业',
  });
  t.equal(asked.statusCode, 200);
  const extensionId = asked.json().event.payload.extensionId;
  t.ok(extensionId);
  t.equal((await clocksOf(h, id)).resolve.dueAt, before, 'a request moves nothing');
  t.equal(
    (
      await district.post(`/api/orders/${id}/actions/request_extension`, {
        clock: 'resolve',
        dueAt: '2026-12-09T16:00:00Z',
        reason: '再申请',
      })
    ).json().code,
    'EXTENSION_PENDING',
  );
  t.equal((await district.post(`/api/orders/${id}/actions/approve_extension`, { extensionId })).statusCode, 403, 'not by the handler');
  const ok = await supervisor.post(`/api/orders/${id}/actions/approve_extension`, { extensionId, note: '同意' });
  t.equal(ok.statusCode, 200);
  const c = (await clocksOf(h, id)).resolve;
  t.equal(c.dueAt, '2026-12-08T16:00:00.000Z');
  t.equal(c.extensions, 1);
  const [ev] = await h.db.sql`select payload from order_events where order_id = ${id} and action = 'deadline_extended'`;
  t.same({ old: ev!.payload.oldDueAt, new: ev!.payload.newDueAt }, { old: before, new: '2026-12-08T16:00:00.000Z' });
  t.equal((await supervisor.post(`/api/orders/${id}/actions/approve_extension`, { extensionId })).json().code, 'EXTENSION_NOT_PENDING');
  const earlier = await district.post(`/api/orders/${id}/actions/request_extension`, {
    clock: 'resolve',
    dueAt: '2026-11-30T16:00:00Z',
    reason: '缩短',
  });
  t.equal(earlier.json().code, 'EXTENSION_NOT_LATER');
  const second = await district.post(`/api/orders/${id}/actions/request_extension`, {
    clock: 'resolve',
    dueAt: '2026-12-15T16:00:00Z',
    reason: '仍需时间',
  });
  const rejected = await supervisor.post(`/api/orders/${id}/actions/reject_extension`, {
    extensionId: second.json().event.payload.extensionId,
    note: '不同意',
  });
  t.equal(rejected.statusCode, 200);
  t.equal((await clocksOf(h, id)).resolve.dueAt, '2026-12-08T16:00:00.000Z', 'a rejection moves nothing');
});

t.test('the board counts on-time, at-risk and overdue clocks per unit below, within one’s sight', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  await dispatchedOrder(h, { urgency: 'urgent', content: '燃气泄漏' }); // claim clock: 15 minutes
  await dispatchedOrder(h); // claim clock: 1 working day
  const supervisor = await signIn(h, ['supervisor'], '120000');
  h.clock.set('2026-11-24T02:20:00Z');
  await sweepDueClocks(h.db.sql, h.clock.now());
  const board = (await supervisor.get('/api/sla/board?unit=120000')).json();
  const hedong = board.rows.find((r: { unitId: string }) => r.unitId === DISTRICT);
  t.same(hedong.clocks.claim, { onTime: 1, atRisk: 0, overdue: 1 });
  t.equal(hedong.scope, 'subtree');
  const district = await signIn(h, ['supervisor'], DISTRICT);
  t.equal((await district.get('/api/sla/board?unit=120102')).json().rows[0].clocks.claim.overdue, 1, 'held by the district itself');
  t.equal((await district.get('/api/sla/board?unit=120103')).statusCode, 404, 'another district is out of sight');
  // Wednesday 11:00 in Beijing: 9 of the 15 office hours allowed have passed (warnings count office hours).
  h.clock.set('2026-11-25T03:00:00Z');
  await sweepDueClocks(h.db.sql, h.clock.now());
  const later = (await (await signIn(h, ['supervisor'], '120000')).get('/api/sla/board?unit=120000')).json();
  t.same(
    later.rows.find((r: { unitId: string }) => r.unitId === DISTRICT).clocks.claim,
    { onTime: 0, atRisk: 1, overdue: 1 },
    'the normal one is now at risk',
  );
});

t.test('a clock is counted wherever its unit sits in the tree, even after the unit moves', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const { id } = (
    await desk.post('/api/orders', {
      channel: 'phone',
      content: '楼道杂物堆积',
      categoryCode: 'housing.property',
      areaCode: '120102001001',
    })
  ).json();
  await desk.post(`/api/orders/${id}/actions/accept`);
  t.equal(
    (await desk.post(`/api/orders/${id}/actions/dispatch`, { unitId: STREET })).statusCode,
    200,
    'sent straight to the street (河东区)',
  );
  const pathOf = async () => (await h.db.sql`select unit_path from order_clocks where order_id = ${id} and kind = 'claim'`)[0]!.unit_path;
  t.equal(await pathOf(), `120000/${DISTRICT}/${STREET}/`, 'the holder’s ancestors, kept by the database');
  const city = await signIn(h, ['supervisor'], '120000');
  const claimsIn = async (unit: string, row: string) =>
    (await city.get(`/api/sla/board?unit=${unit}`)).json().rows.find((r: { unitId: string }) => r.unitId === row).clocks.claim.onTime;
  t.equal(await claimsIn('120000', DISTRICT), 1);
  // A street moved to another district (a boundary change): its running clocks follow it.
  await h.db.sql`update units set parent_id = '120103' where id = ${STREET}`;
  t.equal(await pathOf(), `120000/120103/${STREET}/`);
  t.equal(await claimsIn('120000', DISTRICT), 0);
  t.equal(await claimsIn('120000', '120103'), 1);
  t.equal((await city.get(`/api/sla/clocks?unit=120103`)).json().items[0].orderId, id, 'and the new district’s list shows it');
});

t.test('a stopped clock stays with the unit it ran at, not the one holding the order after', async (t) => {
  const h = await testApp(t);
  const { id } = await dispatchedOrder(h);
  const district = await signIn(h, ['handler'], DISTRICT);
  h.clock.advance(60_000);
  t.equal((await district.post(`/api/orders/${id}/actions/return`, { reasonCode: 'wrong_area' })).statusCode, 200);
  const c = await clocksOf(h, id);
  t.same([c.transfer.unitId, c.transfer.state], ['hotline', 'running'], 'a return restarts 转办: the hotline must dispatch again');
  t.same([c.claim.unitId, c.claim.state], [DISTRICT, 'met'], 'the district answered within the claim time by returning: its 签收 clock');
  t.equal(c.resolve.stoppedAt, null);
  t.equal(c.resolve.unitId, 'hotline', 'the running clocks went back with the order');
  // Rows stored the old way (with the holder after the step) are put back by migration 0013.
  await h.db.sql`update order_clocks set unit_id = 'hotline' where order_id = ${id} and kind = 'claim'`;
  await h.db.sql.unsafe(fs.readFileSync(path.join(root, 'db/migrations/0013_stopped_clocks_keep_their_unit.sql'), 'utf8'));
  t.equal((await clocksOf(h, id)).claim.unitId, DISTRICT);
});
