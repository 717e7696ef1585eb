/**
 * 派单异议 through the API on a real database, with a clock the test moves: an
 * objection upheld (re-dispatched, clocks afresh for the unit found responsible, a
 * training example and a catalogue proposal, counted by the report and the
 * assessment) and one rejected (the objecting unit designated), the desks' lists at
 * each step, who may do what, a second objection, bad input, the working-day deadline.
 */
import t from 'tap';
import { signIn, testApp, type Client, type TestApp } from './support/app.ts';

const STREET = '120102001'; // 大王庄街道
const URBAN = '120102:urban'; // 河东区城管委
const HOUR = 3600_000;

async function ok(res: Promise<import('light-my-request').Response>) {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`${r.statusCode} ${r.body}`);
  return r.json();
}

/** A 环境卫生 order (the catalogue names the 街道) accepted and dispatched to the street. */
async function streetOrder(desk: Client): Promise<{ id: number; number: string }> {
  const o = await ok(
    desk.post('/api/orders', {
      channel: 'phone',
      content: '十一经路路灯杆倒伏，垃圾堆满路边',
      categoryCode: 'urban.sanitation',
      areaCode: STREET,
    }),
  );
  await ok(desk.post(`/api/orders/${o.id}/actions/accept`));
  await ok(desk.post(`/api/orders/${o.id}/actions/dispatch`, { unitId: STREET }));
  return o;
}

const objection = {
  reasonCode: 'other_unit_duty',
  reason: '路灯设施的维护属区城管委',
  dutyUnitId: URBAN,
  dutyBasis: '《河东区城市管理委员会职能配置、内设机构和人员编制规定》第三条',
};

const clocksOf = (h: TestApp, id: number) =>
  h.db.sql`select kind, unit_id, started_at, due_at, stopped_at from order_clocks where order_id = ${id} order by kind`;
const inbox = async (who: Client) =>
  (await ok(who.get('/api/orders/workbench'))).items as { order: { id: number }; pendingObjection: unknown }[];
const pending = async (who: Client) => (await ok(who.get('/api/objections'))).items as { orderId: number; [k: string]: unknown }[];

t.test('an objection upheld: re-dispatched with fresh clocks, learnt from, proposed, reported and assessed', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Beijing
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const street = await signIn(h, ['handler'], STREET);
  const district = await signIn(h, ['handler'], '120102');
  const urban = await signIn(h, ['handler'], URBAN);
  const reviewer = await signIn(h, ['reviewer']);
  const admin = await signIn(h, ['admin']);
  const order = await streetOrder(desk);
  const url = (action: string) => `/api/orders/${order.id}/actions/${action}`;
  const count = async () =>
    (await h.db.sql`select (select count(*) from order_objections)::int as x, (select count(*) from order_events)::int as e`)[0]!;

  const before = await count();
  const bad = await street.post(url('object'), { ...objection, reasonCode: 'not_mine' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { code: 'VALIDATION_FAILED', field: 'reasonCode' });
  const missing = await street.post(url('object'), { ...objection, dutyUnitId: undefined });
  t.match(missing.json(), { statusCode: 400, code: 'MISSING_FIELD', field: 'dutyUnitId' }, 'this reason must name the duty unit (rules)');
  const unknown = await street.post(url('object'), { ...objection, dutyUnitId: 'nowhere' });
  t.match(unknown.json(), { statusCode: 422, code: 'UNKNOWN_UNIT', field: 'dutyUnitId' });
  t.same(await count(), before, 'nothing written');
  const notHolder = await district.post(url('object'), objection);
  t.equal(notHolder.statusCode, 403, 'the district sees the order but does not hold it');
  t.equal(notHolder.json().code, 'FORBIDDEN');

  const clocksBefore = await clocksOf(h, order.id);
  const filed = await ok(street.post(url('object'), objection));
  t.match(filed.event, { action: 'object', toStatus: 'dispatched', reason: objection.reason, payload: { reasonCode: 'other_unit_duty' } });
  const [row] = await h.db.sql`select * from order_objections where order_id = ${order.id}`;
  t.match(row, {
    unit_id: STREET,
    status: 'pending',
    duty_unit_id: URBAN,
    category_code: 'urban.sanitation',
    reason_code: 'other_unit_duty',
  });
  t.equal(new Date(row!.due_at).toISOString(), '2026-11-25T16:00:00.000Z', 'one working day: the end of Wednesday in Beijing');
  t.equal(filed.event.payload.objectionId, Number(row!.id));
  t.same(await clocksOf(h, order.id), clocksBefore, 'the clocks keep running as they were');

  const again = await street.post(url('object'), objection);
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'OBJECTION_PENDING');
  const giveBack = await street.post(url('return'), { reasonCode: 'not_our_jurisdiction' });
  t.match(giveBack.json(), { statusCode: 409, code: 'OBJECTION_PENDING' }, 'no return while under review');
  t.match(await ok(street.post(url('claim'))), { order: { status: 'claimed' } }, 'the unit may still claim it');

  const mine = (await inbox(street)).find((i) => i.order.id === order.id);
  t.match(mine?.pendingObjection, { id: Number(row!.id), reasonCode: 'other_unit_duty', dutyUnitId: URBAN }, 'the unit’s desk: 异议审核中');
  const listed = await pending(reviewer);
  t.equal(listed.length, 1);
  t.match(listed[0], { orderId: order.id, orderNumber: order.number, unitId: STREET, reasonLabel: '属其他单位职责', dutyUnitId: URBAN });
  t.match(listed[0], {
    dutyBasis: objection.dutyBasis,
    dueAt: '2026-11-25T16:00:00.000Z',
    timeLeftMs: Date.parse('2026-11-25T16:00:00Z') - h.clock.now().getTime(),
  });
  t.equal((await desk.get('/api/objections')).statusCode, 403, 'the list is the reviewer’s');

  const objectionId = Number(row!.id);
  t.equal((await desk.post(url('uphold_objection'), { objectionId })).statusCode, 403, 'a dispatcher does not decide objections');
  t.equal((await street.post(url('reject_objection'), { objectionId, note: '不' })).statusCode, 403);

  h.clock.advance(2 * HOUR);
  const now = h.clock.now();
  const upheld = await ok(reviewer.post(url('uphold_objection'), { objectionId, note: '经核，路灯属区城管委' }));
  t.match(upheld.order, { status: 'dispatched', currentUnitId: URBAN, unitPath: ['hotline', URBAN], designated: false });
  t.match(upheld.event, { action: 'uphold_objection', unitId: URBAN, payload: { objectionId, replacedUnitId: STREET } });
  const clocks = await clocksOf(h, order.id);
  for (const kind of ['claim', 'resolve']) {
    const c = clocks.find((x) => x.kind === kind)!;
    t.equal(new Date(c.started_at).toISOString(), now.toISOString(), `${kind} restarted at the clock's now`);
    t.equal(c.unit_id, URBAN, `${kind} runs for the unit found responsible`);
    t.ok(new Date(c.due_at) > now && c.stopped_at === null, `${kind} has a new deadline`);
  }
  t.match(await h.db.sql`select status, decided_at, redispatched_unit_id, decision_note from order_objections where id = ${objectionId}`, [
    { status: 'upheld', redispatched_unit_id: URBAN, decision_note: '经核，路灯属区城管委' },
  ]);
  t.match(await h.db.sql`select source, category_code, unit_id from training_examples where order_id = ${order.id}`, [
    { source: 'redispatch', category_code: 'urban.sanitation', unit_id: URBAN },
  ]);

  t.notOk(
    (await inbox(street)).some((i) => i.order.id === order.id),
    'the old unit no longer holds it',
  );
  t.equal((await street.post(url('reply'), { text: '已处理完毕，路灯已修复' })).statusCode, 404, 'nor sees it');
  t.ok(
    (await inbox(urban)).some((i) => i.order.id === order.id && i.pendingObjection === null),
    'the new unit has it to claim',
  );
  t.same(await pending(reviewer), [], 'the reviewer’s list no longer shows it');
  const twice = await reviewer.post(url('reject_objection'), { objectionId, note: '重复审核' });
  t.match(twice.json(), { statusCode: 409, code: 'OBJECTION_NOT_PENDING' });

  const proposals = (await ok(admin.get('/api/objections/proposals'))).items;
  t.match(proposals, [
    {
      objectionId,
      orderId: order.id,
      categoryCode: 'urban.sanitation',
      fromUnitId: STREET,
      toUnitId: URBAN,
      categoryName: '环境卫生与垃圾',
    },
  ]);
  t.equal((await reviewer.get('/api/objections/proposals')).statusCode, 403, 'the proposals are for the rules’ owner');

  const report = await ok(admin.get('/api/reports/objections?from=2026-11-01&to=2026-11-30&unit=120102'));
  const total = report.rows.find((r: { scope: string }) => r.scope === 'total');
  t.match(total, { objections: 1, upheld: 1, rejected: 0, pending: 0, upheldOrders: 1, dispatchedOrders: 1, accuracy: 0 });
  const streetRow = report.rows.find((r: { unitId: string }) => r.unitId === STREET);
  t.match(streetRow, { objections: 1, upheld: 1, dispatchedOrders: 1, accuracy: 0 });
  const urbanRow = report.rows.find((r: { unitId: string }) => r.unitId === URBAN);
  t.match(
    urbanRow,
    { objections: 0, dispatchedOrders: 1, accuracy: 1 },
    'the upheld re-dispatch is a dispatch to the unit found responsible',
  );
  t.match(report.matters, [{ categoryCode: 'urban.sanitation', objections: 1, upheld: 1 }]);
  const csv = await admin.get('/api/reports/objections?from=2026-11-01&to=2026-11-30&unit=120102&format=csv');
  t.match(csv.headers['content-type'], /^text\/csv/);
  const lines = csv.body
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/);
  t.equal(lines[0], '单位编码,单位名称,范围,派入工单,提出异议,异议成立,异议不成立,审核中,异议成立工单,派单准确率');
  t.ok(lines.includes(`${STREET},大王庄街道办事处,下级单位,1,1,1,0,0,1,0.00%`), 'the street’s line, as on the page');

  const supervisor = await signIn(h, ['supervisor'], '120102');
  const assessment = await ok(supervisor.get('/api/reports/assessment?month=2026-11'));
  const units = assessment.groups.flatMap((g: { units: unknown[] }) => g.units) as { unitId: string; counts: Record<string, number> }[];
  t.equal(units.find((u) => u.unitId === STREET)?.counts.upheldObjections, 1, 'the street answers for its upheld objection');
  t.equal(units.find((u) => u.unitId === '120102')?.counts.upheldObjections, 1, 'and so does its district');
  t.equal(units.find((u) => u.unitId === URBAN)?.counts.upheldObjections, 0);

  const trail = (await ok(admin.get(`/api/orders/${order.id}/timeline`))).events.map((e: { action: string }) => e.action);
  t.match(trail, ['create', 'accept', 'dispatch', 'object', 'claim', 'uphold_objection']);
});

t.test('an objection rejected: the unit is designated, may neither return nor object again, and handles it', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-27T02:00:00Z'); // Friday 10:00 in Beijing
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const street = await signIn(h, ['handler'], STREET);
  const reviewer = await signIn(h, ['reviewer']);
  const order = await streetOrder(desk);
  const url = (action: string) => `/api/orders/${order.id}/actions/${action}`;

  const filed = await ok(
    street.post(url('object'), { reasonCode: 'not_government_duty', reason: '属物业管理区域', dutyBasis: '《天津市物业管理条例》' }),
  );
  const objectionId = filed.event.payload.objectionId as number;
  const [row] = await h.db.sql`select due_at from order_objections where id = ${objectionId}`;
  t.equal(
    new Date(row!.due_at).toISOString(),
    '2026-11-30T16:00:00.000Z',
    'filed on a Friday: due at the end of the next working day, Monday',
  );
  t.equal((await pending(reviewer)).length, 1);
  t.ok((await inbox(street)).find((i) => i.order.id === order.id)?.pendingObjection);

  const missingNote = await reviewer.post(url('reject_objection'), { objectionId });
  t.match(missingNote.json(), { statusCode: 400, field: 'note' });
  const rejected = await ok(reviewer.post(url('reject_objection'), { objectionId, note: '路边公共区域，属街道环境卫生职责' }));
  t.match(rejected.order, { status: 'dispatched', currentUnitId: STREET, designated: true });
  t.match(rejected.event, { action: 'reject_objection', reason: '路边公共区域，属街道环境卫生职责', payload: { designated: true } });
  t.match(await h.db.sql`select status, redispatched_unit_id from order_objections where id = ${objectionId}`, [
    { status: 'rejected', redispatched_unit_id: null },
  ]);
  t.same(await pending(reviewer), []);
  t.equal((await inbox(street)).find((i) => i.order.id === order.id)?.pendingObjection, null, 'no longer under review on the unit’s desk');

  const giveBack = await street.post(url('return'), { reasonCode: 'not_our_jurisdiction' });
  t.match(giveBack.json(), { statusCode: 422, code: 'ORDER_DESIGNATED' });
  const again = await street.post(url('object'), objection);
  t.match(again.json(), { statusCode: 422, code: 'ORDER_DESIGNATED' });
  t.equal((await h.db.sql`select count(*)::int as n from order_objections where order_id = ${order.id}`)[0]!.n, 1);
  await ok(street.post(url('claim')));
  const replied = await ok(street.post(url('reply'), { text: '已安排环卫工人清运路边垃圾，并扶正路灯杆' }));
  t.equal(replied.order.status, 'replied');
  t.same(await h.db.sql`select id from objection_proposals`, [], 'a rejected objection proposes nothing');
});
