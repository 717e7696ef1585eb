/**
 * Request types on the order, their deadlines, and consultations closed on the call
 * (直办): the answer step and its refusals, the entries read out, the callback rating
 * of an answer, a 知识缺口 sent to the knowledge team, and the reports that count them.
 */
import t from 'tap';
import { codeIn } from './support/notice.ts';
import { signIn, testApp, type Client, type TestApp } from './support/app.ts';

const STREET = '120102001';

/** A knowledge entry written straight into the table: the fixture, not the knowledge service under test. */
async function entry(h: TestApp, fields: { title: string; status?: string; expiresOn?: string | null; areaCode?: string | null }) {
  const [row] = await h.db.sql<{ id: string }[]>`
    insert into kb_entries (title, body, status, unit_id, version, area_code, expires_on, created_at, created_by, updated_at, updated_by)
    values (${fields.title}, ${`${fields.title}：请携带身份证到窗口办理。`}, ${fields.status ?? 'published'}, 'hotline-kb', 1,
      ${fields.areaCode ?? null}, ${fields.expiresOn ?? null}, now(), 'test', now(), 'test')
    returning id`;
  return Number(row!.id);
}

const newOrder = (desk: Client, body: Record<string, unknown>) =>
  desk.post('/api/orders', { channel: 'phone', citizenPhone: '13800001111', areaCode: STREET, ...body });

const countOrders = async (h: TestApp) => Number((await h.db.sql`select count(*) from orders`)[0]!.count);
const countEvents = async (h: TestApp, id: number) =>
  Number((await h.db.sql`select count(*) from order_events where order_id = ${id}`)[0]!.count);

t.test('the request type: read by the rules, set by the operator, refused when unknown', async (t) => {
  const h = await testApp(t);
  const op = await signIn(h, ['operator']);
  const asked = (await newOrder(op, { content: '请问新生儿怎么办理医保？需要什么材料？' })).json();
  t.equal(asked.requestType, 'consultation', 'a question is a consultation');
  t.equal(asked.requestTypeLabel, '咨询');
  const complained = (await newOrder(op, { content: '楼下饭店油烟太大，熏得家里没法开窗' })).json();
  t.equal(complained.requestType, 'complaint');

  // A complaint phrased as a question: the operator knows better and says so.
  const set = (await newOrder(op, { content: '为什么小区门口的路灯坏了一个月都没人修？', requestType: 'complaint' })).json();
  t.equal(set.requestType, 'complaint', 'the operator’s choice is stored');
  const [stored] = await h.db.sql`select request_type from orders where id = ${set.id}`;
  t.equal(stored!.request_type, 'complaint');

  const before = await countOrders(h);
  const bad = await newOrder(op, { content: '请问', requestType: 'question' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, /requestType/, 'the message names the field');
  t.equal(await countOrders(h), before, 'nothing written');
});

t.test('deadlines by request type, and the notice promising the type’s', async (t) => {
  const h = await testApp(t);
  const op = await signIn(h, ['operator']);
  const clocksOf = async (id: number) =>
    new Map(
      (
        await h.db.sql<
          { kind: string; due_at: Date; started_at: Date }[]
        >`select kind, due_at, started_at from order_clocks where order_id = ${id}`
      ).map((c) => [c.kind, c]),
    );

  const consultation = await newOrder(op, { content: '请问公积金怎么提取？', requestType: 'consultation' });
  t.match(consultation.json().notice, /1个工作日内.*答复您的咨询/, 'the notice promises a consultation’s day');
  await op.post(`/api/orders/${consultation.json().id}/actions/accept`);
  const c = await clocksOf(consultation.json().id);
  // Accepted Tuesday 2026-11-24 10:00 Beijing: 1 working day ends at 24:00 on Wednesday.
  t.same(new Date(c.get('resolve')!.due_at), new Date('2026-11-25T16:00:00Z'), 'answered within 1 working day');

  const complaint = await newOrder(op, { content: '楼道里堆满杂物没人管', requestType: 'complaint' });
  t.match(complaint.json().notice, /5个工作日内/, 'a complaint keeps 5 working days');

  // The board cut by request type: the consultation's running clocks, not the complaint's.
  const board = async (type: string) =>
    (await op.get(`/api/sla/board?unit=hotline&requestType=${type}`)).json().rows.find((r: { scope: string }) => r.scope === 'self');
  const sum = (row: { totals: { onTime: number } }) => row.totals.onTime;
  t.equal(sum(await board('complaint')), 1, 'the complaint’s accept clock only');
  t.equal(sum(await board('consultation')), 2, 'the consultation’s transfer and resolve clocks');

  const praise = await newOrder(op, { content: '表扬一下社区王书记，帮我们解决了漏水', requestType: 'praise' });
  t.match(praise.json().notice, /转达/, 'praise is passed on, with no deadline promised');
  t.notMatch(praise.json().notice, /工作日内/);
  await op.post(`/api/orders/${praise.json().id}/actions/accept`);
  const p = await clocksOf(praise.json().id);
  t.notOk(p.has('resolve'), 'praise keeps no resolution clock');
  t.ok(p.has('transfer'), 'but is passed on in time');
});

t.test('直办: an operator answers on the call and the order closes with its entries recorded', async (t) => {
  const h = await testApp(t);
  const op = await signIn(h, ['operator']);
  const kb = await entry(h, { title: '新生儿参加居民医保' });
  const order = (await newOrder(op, { content: '请问刚出生的孩子医保怎么上？' })).json();

  const res = await op.post(`/api/orders/${order.id}/actions/answer`, {
    text: '新生儿出生后可在三个月内办理参保，带出生医学证明。',
    kbEntryIds: [kb],
  });
  t.equal(res.statusCode, 200, res.body);
  const { order: after, event } = res.json();
  t.equal(after.status, 'closed');
  t.equal(after.replyText, '新生儿出生后可在三个月内办理参保，带出生医学证明。');
  t.ok(after.acceptedAt && after.repliedAt && after.closedAt, 'accepted, replied and closed at once');
  t.equal(event.action, 'answer');
  t.same(event.payload.kbEntryIds, [kb], 'the timeline shows which entries were read out');

  const uses = await h.db.sql`select entry_id, version, event_id from order_kb_uses where order_id = ${order.id}`;
  t.same(
    uses.map((u) => [Number(u.entry_id), u.version, Number(u.event_id)]),
    [[kb, 1, event.id]],
  );
  const clocks = await h.db.sql`select kind, stopped_at, due_at from order_clocks where order_id = ${order.id}`;
  t.ok(clocks.length > 0 && clocks.every((c) => c.stopped_at !== null && c.stopped_at < c.due_at), 'every clock stopped, met');

  // Not a consultation is allowed too: an operator may answer a plea for help with what it needs.
  const help = (await newOrder(op, { content: '帮帮忙，我的社保卡丢了怎么办', requestType: 'help' })).json();
  t.equal((await op.post(`/api/orders/${help.id}/actions/answer`, { text: '可在津心办挂失补办。' })).statusCode, 200);

  // 三率: an answer on the call responds and resolves.
  const rates = (await op.get('/api/reports/rates?from=2026-11-24&to=2026-11-24&unit=hotline&requestType=consultation')).json();
  const total = rates.rows.find((r: { scope: string }) => r.scope === 'total');
  t.match(total, { received: 1, responded: 1, resolved: 1 }, 'counted responded and resolved, cut by request type');
});

t.test('the answer step’s refusals write nothing', async (t) => {
  const h = await testApp(t);
  const op = await signIn(h, ['operator']);
  const dispatcher = await signIn(h, ['dispatcher']);
  const handler = await signIn(h, ['handler'], '120102');
  const draft = await entry(h, { title: '草稿条目', status: 'draft' });
  const expired = await entry(h, { title: '过期条目', expiresOn: '2026-11-01' });
  const elsewhere = await entry(h, { title: '河西区条目', areaCode: '120103' });
  const order = (await newOrder(op, { content: '请问居住证怎么办？' })).json();
  const before = await countEvents(h, order.id);

  for (const [ids, why] of [
    [[draft], 'a draft'],
    [[expired], 'an expired entry'],
    [[elsewhere], 'an entry for another district'],
    [[999999], 'an entry that does not exist'],
  ] as const) {
    const res = await op.post(`/api/orders/${order.id}/actions/answer`, { text: '答复', kbEntryIds: ids });
    t.equal(res.statusCode, 422, why);
    t.equal(res.json().code, 'KB_ENTRY_UNUSABLE');
    t.equal(res.json().field, 'kbEntryIds');
  }
  t.equal((await dispatcher.post(`/api/orders/${order.id}/actions/answer`, { text: '答复' })).statusCode, 403, 'not by a dispatcher');
  t.equal(
    (await handler.post(`/api/orders/${order.id}/actions/answer`, { text: '答复' })).statusCode,
    404,
    'a handler does not even see it',
  );
  t.equal((await op.post(`/api/orders/${order.id}/actions/answer`, { text: '' })).statusCode, 400, 'no empty answer');
  t.equal(await countEvents(h, order.id), before, 'nothing written');

  const sent = (await newOrder(op, { content: '请问居住证怎么办？', categoryCode: 'other' })).json();
  await dispatcher.post(`/api/orders/${sent.id}/actions/accept`);
  await dispatcher.post(`/api/orders/${sent.id}/actions/dispatch`, { unitId: '120102' });
  const late = await op.post(`/api/orders/${sent.id}/actions/answer`, { text: '答复' });
  t.equal(late.statusCode, 409, 'not from a dispatched order');
  t.equal(late.json().code, 'ILLEGAL_TRANSITION');
});

t.test('an answer is rated like any reply; 不满意 sends it to the dispatcher’s queue', async (t) => {
  const h = await testApp(t);
  const op = await signIn(h, ['operator']);
  const dispatcher = await signIn(h, ['dispatcher']);
  const created = await newOrder(op, { content: '请问个税汇算什么时候开始？' });
  const one = created.json();
  await op.post(`/api/orders/${one.id}/actions/answer`, { text: '每年3月1日至6月30日。' });

  // The citizen rates it from the tracking page, once.
  const code = codeIn(one.notice)!;
  const rating = (satisfaction: string) =>
    h.app.inject({ method: 'POST', url: `/api/track/${one.number}/rating`, payload: { code, satisfaction } });
  const first = await rating('satisfied');
  t.equal(first.statusCode, 200, first.body);
  t.equal(first.json().status, 'closed');
  t.equal((await rating('unsatisfied')).statusCode, 409, 'a rating given is not undone');
  const [rated] = await h.db.sql`select satisfaction from orders where id = ${one.id}`;
  t.equal(rated!.satisfaction, 'satisfied');
  t.equal(
    (await op.post(`/api/orders/${one.id}/actions/rate`, { satisfaction: 'basically_satisfied' })).statusCode,
    409,
    'nor by the desk',
  );

  const two = (await newOrder(op, { content: '请问护照怎么办？' })).json();
  await op.post(`/api/orders/${two.id}/actions/answer`, { text: '到出入境窗口办理。' });
  const reopened = await op.post(`/api/orders/${two.id}/actions/reopen`, { reason: '窗口说要预约，答复不完整' });
  t.equal(reopened.statusCode, 200, reopened.body);
  t.equal(reopened.json().order.status, 'accepted', 'back in the queue: no unit ever had it');
  t.equal(reopened.json().event.toStatus, 'accepted');
  const running = await h.db.sql`select kind from order_clocks where order_id = ${two.id} and stopped_at is null order by kind`;
  t.same(
    running.map((c) => c.kind),
    ['resolve', 'transfer'],
    'time to dispatch and to resolve, no claim clock at the hotline',
  );
  t.equal(
    (await dispatcher.post(`/api/orders/${two.id}/actions/dispatch`, { unitId: '120102' })).statusCode,
    200,
    'the dispatcher sends it on',
  );
});

t.test('知识缺口: a consultation no entry answers goes to the knowledge team, which answers it', async (t) => {
  const h = await testApp(t);
  const op = await signIn(h, ['operator']);
  const team = await signIn(h, ['kb_admin'], 'hotline-kb');
  const gap = await newOrder(op, { content: '请问养的鹦鹉需要办证吗？', requestType: 'consultation', knowledgeGap: true });
  t.equal(gap.statusCode, 201, gap.body);
  t.equal(gap.json().status, 'dispatched');
  t.equal(gap.json().currentUnitId, 'hotline-kb');
  t.match(gap.json().notice, /知识库组/);
  t.equal((await team.post(`/api/orders/${gap.json().id}/actions/claim`)).statusCode, 200);
  t.equal((await team.post(`/api/orders/${gap.json().id}/actions/reply`, { text: '鹦鹉不属于犬只，无需办理养犬登记。' })).statusCode, 200);
  // The team's answer is also the first draft of the entry that was missing.
  const drafts = await h.db
    .sql`select title, body, status, unit_id, source_order_id from kb_entries where source_order_id = ${gap.json().id}`;
  t.match(drafts, [
    { title: '请问养的鹦鹉需要办证吗？', body: '鹦鹉不属于犬只，无需办理养犬登记。', status: 'draft', unit_id: 'hotline-kb' },
  ]);
  const versions = await h.db
    .sql`select change from kb_entry_versions v join kb_entries e on e.id = v.entry_id where e.source_order_id = ${gap.json().id}`;
  t.same(
    versions.map((v) => v.change),
    ['create'],
    'with its first version',
  );

  const before = await countOrders(h);
  const wrong = await newOrder(op, { content: '楼上漏水', requestType: 'complaint', knowledgeGap: true });
  t.equal(wrong.statusCode, 422);
  t.equal(wrong.json().field, 'knowledgeGap');
  t.equal(await countOrders(h), before, 'nothing written');
});

t.test('reports: 直办率 by day and operator, entries most used, questions with no entry', async (t) => {
  const h = await testApp(t);
  const op = await signIn(h, ['operator']);
  const kb = await entry(h, { title: '公积金提取' });
  for (let i = 0; i < 2; i++) {
    const o = (await newOrder(op, { content: `请问公积金怎么取？${i}` })).json();
    await op.post(`/api/orders/${o.id}/actions/answer`, { text: '可在线上办理提取。', kbEntryIds: [kb] });
  }
  const plain = (await newOrder(op, { content: '请问鹦鹉要办证吗？电话13912345678' })).json();
  await op.post(`/api/orders/${plain.id}/actions/answer`, { text: '不需要。' });
  await newOrder(op, { content: '楼下饭店油烟太大', requestType: 'complaint' });
  const q = 'from=2026-11-24&to=2026-11-24';

  const byDay = (await op.get(`/api/reports/direct?${q}`)).json();
  t.match(byDay.rows, [{ day: '2026-11-24', orders: 4, consultations: 3, answered: 3, fromKnowledge: 2, directRate: 0.75 }]);
  t.equal(byDay.rows[0].knowledgeHitRate, 0.6667);
  const byOperator = (await op.get(`/api/reports/direct?${q}&by=operator`)).json();
  t.match(byOperator.rows, [{ userId: op.viewer.userId, orders: 4, answered: 3, fromKnowledge: 2 }]);
  const used = (await op.get(`/api/reports/kb-entries?${q}`)).json();
  t.match(used.rows, [{ rank: 1, entryId: kb, title: '公积金提取', uses: 2, orders: 2 }]);
  const gaps = (await op.get(`/api/reports/kb-gaps?${q}`)).json();
  t.equal(gaps.rows.length, 1);
  t.equal(gaps.rows[0].count, 1);
  t.notMatch(gaps.rows[0].examples[0], /13912345678/, 'the citizen’s number is masked');
  const csv = await op.get(`/api/reports/direct?${q}&format=csv`);
  t.match(csv.headers['content-type'], /text\/csv/);
  t.match(csv.body, /直办率/);
  const handler = await signIn(h, ['handler'], '120102');
  t.equal((await handler.get(`/api/reports/direct?${q}`)).statusCode, 403, 'a city-wide report');
});

t.test('entries past their expiry date are marked expired at start and on schedule, once', async (t) => {
  const h = await testApp(t, { kbExpireSchedule: '0 0 1 1 *' });
  const past = await entry(h, { title: '去年的通知', expiresOn: '2026-11-20' });
  const current = await entry(h, { title: '今年的通知', expiresOn: '2027-01-20' });
  await h.app.ready();
  const rows = await h.db.sql`select id, status, version from kb_entries order by id`;
  t.same(
    rows.map((r) => [Number(r.id), r.status, r.version]),
    [
      [past, 'expired', 2],
      [current, 'published', 1],
    ],
    'the expired one has a new version, the other is untouched',
  );
  const [v] = await h.db.sql`select change, actor from kb_entry_versions where entry_id = ${past}`;
  t.match(v, { change: 'expire', actor: 'system' });
});

t.test('直办 as the call is logged: one request logs, answers and closes, or writes nothing', async (t) => {
  const h = await testApp(t);
  const op = await signIn(h, ['operator']);
  const dispatcher = await signIn(h, ['dispatcher']);
  const kb = await entry(h, { title: '居住证办理' });
  const draft = await entry(h, { title: '草稿', status: 'draft' });
  const body = {
    content: '请问居住证在哪里办？要带什么？',
    requestType: 'consultation',
    answer: { text: '居住证可在津心办申请，带身份证和居住证明。', kbEntryIds: [kb] },
  };
  const key = { 'idempotency-key': 'call-20261124-0001' };
  const res = await op.post('/api/orders', { channel: 'phone', areaCode: STREET, ...body }, key);
  t.equal(res.statusCode, 201, res.body);
  const order = res.json();
  t.equal(order.status, 'closed', 'closed at once, though the rules might have dispatched it');
  t.equal(order.currentUnitId, 'hotline');
  t.match(order.notice, /当场答复/);
  t.match(order.notice, /查询码/, 'and the caller may rate it');
  const events = await h.db.sql`select action, payload from order_events where order_id = ${order.id} order by id`;
  t.same(
    events.map((e) => e.action),
    ['create', 'answer'],
  );
  t.same(events[1]!.payload.kbEntryIds, [kb]);
  const uses = await h.db.sql`select entry_id from order_kb_uses where order_id = ${order.id}`;
  t.same(
    uses.map((u) => Number(u.entry_id)),
    [kb],
  );
  const again = await op.post('/api/orders', { channel: 'phone', areaCode: STREET, ...body }, key);
  t.equal(again.json().id, order.id, 'a retry makes no second order');
  t.equal((await h.db.sql`select count(*)::int as n from order_kb_uses where order_id = ${order.id}`)[0]!.n, 1, 'nor a second use');

  const before = await countOrders(h);
  const unusable = await op.post('/api/orders', { channel: 'phone', ...body, answer: { text: '答复', kbEntryIds: [draft] } });
  t.equal(unusable.statusCode, 422);
  t.equal(unusable.json().field, 'kbEntryIds');
  const notYours = await dispatcher.post('/api/orders', { channel: 'phone', ...body });
  t.equal(notYours.statusCode, 403, 'a dispatcher does not answer on the call');
  const both = await op.post('/api/orders', { channel: 'phone', ...body, knowledgeGap: true });
  t.equal(both.statusCode, 400);
  t.equal(both.json().field, 'knowledgeGap');
  t.equal(await countOrders(h), before, 'nothing written');
});
