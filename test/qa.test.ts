/**
 * 人工质检 on real PostgreSQL with a clock the test moves: which closed orders are
 * sampled (a flagged reply, a 不满意 one, a deterministic share of the rest, each
 * once however many draws run at once), the score on the rubric and its refusals,
 * and the assessment's 答复质量 from the inspectors' scores.
 */
import t from 'tap';
import { sampleBucket } from '../server/core/qa.ts';
import { loadRules } from '../server/rules/load.ts';
import { type Client, ok, signIn, testApp, type TestApp } from './support/app.ts';

const A = '120102'; // 河东区
const B = '120103'; // 河西区
const NOV = Date.parse('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Beijing
const HOUR = 3600_000;
const rubric = loadRules('rules').qaRubric;
const share = rubric.sampleShare;
const GOOD_REPLY = '已安排物业清理楼道杂物，通道恢复畅通';
const FLAGGED_REPLY = { text: '已处理', qualityReason: '电话中已向诉求人详细说明' };
const full = Object.fromEntries(rubric.items.map((i) => [i.code, i.max]));

interface World {
  h: TestApp;
  desk: Client;
  handlers: Record<string, Client>;
  qa: Client;
}

async function world(t: { teardown(fn: () => unknown): void }): Promise<World> {
  const h = await testApp(t);
  h.clock.set(new Date(NOV));
  const [desk, a, b, qa] = await Promise.all([
    signIn(h, ['operator', 'dispatcher']),
    signIn(h, ['handler'], A),
    signIn(h, ['handler'], B),
    signIn(h, ['qa']),
  ]);
  return { h, desk, handlers: { [A]: a!, [B]: b! }, qa };
}

const act = (who: Client, id: number, action: string, body?: object) => ok(who.post(`/api/orders/${id}/actions/${action}`, body));

/** Logged, dispatched to the unit, claimed and replied to (flagged or not); closed 满意 unless told otherwise. */
async function replied(w: World, unit: string, reply: object = { text: GOOD_REPLY }, close = true): Promise<number> {
  const o = await ok(
    w.desk.post('/api/orders', {
      channel: 'phone',
      content: '楼道里堆满杂物，联系电话13812345678',
      citizenPhone: '13812345678',
      categoryCode: 'housing.property',
      areaCode: unit,
    }),
  );
  await act(w.desk, o.id, 'accept');
  await act(w.desk, o.id, 'dispatch', { unitId: unit });
  await act(w.handlers[unit]!, o.id, 'claim');
  await act(w.handlers[unit]!, o.id, 'reply', reply);
  if (close) await act(w.desk, o.id, 'close', { satisfaction: 'satisfied' });
  return o.id as number;
}

const samples = async (w: World) =>
  (await w.h.db.sql<{ order_id: string; reason: string }[]>`select order_id, reason from qa_samples order by order_id`).map(
    (r) => [Number(r.order_id), r.reason] as const,
  );
const pending = async (w: World) => (await ok(w.qa.get('/api/qa/samples?status=pending'))).items as any[];

t.test('a flagged reply and a 不满意 are always sampled at their close; the rest by the share', async (t) => {
  const w = await world(t);
  const flagged = await replied(w, A, FLAGGED_REPLY);
  const good = await replied(w, A);
  // 不满意: the citizen reopens; the unit answers again; the second close samples it.
  const unhappy = await replied(w, A, { text: GOOD_REPLY }, false);
  await act(w.desk, unhappy, 'reopen', { reason: '杂物仍在' });
  t.same(await samples(w), [[flagged, 'flagged'], ...(sampleBucket(good) < share * 10_000 ? [[good, 'random']] : [])]);
  await act(w.handlers[A]!, unhappy, 'claim');
  await act(w.handlers[A]!, unhappy, 'reply', { text: '已再次安排物业清理楼道杂物，现场已清空' });
  await act(w.desk, unhappy, 'close', { satisfaction: 'basically_satisfied' });
  const rows = new Map(await samples(w));
  t.equal(rows.get(flagged), 'flagged', 'sent past a warning: sampled');
  t.equal(rows.get(unhappy), 'dissatisfied', 'rated 不满意 once: sampled when it closes again');
  t.equal(rows.has(good), sampleBucket(good) < share * 10_000, 'a clean reply only by its bucket');

  // A replied order not yet closed is not sampled.
  const open = await replied(w, A, FLAGGED_REPLY, false);
  t.notOk(new Map(await samples(w)).has(open), 'not closed, not sampled');

  // The list: complaint, the reply, the rating, the checks; the phone masked.
  const item = (await pending(w)).find((s) => s.order.id === flagged);
  t.match(item, {
    reason: 'flagged',
    status: 'pending',
    unitId: A,
    unitName: '河东区人民政府',
    order: { citizenPhone: '138****5678', satisfaction: 'satisfied', matterName: String, reopenCount: 0 },
    reply: { text: '已处理', direct: false, checks: { findings: Array, reason: '电话中已向诉求人详细说明' } },
    score: null,
  });
  t.ok(item.reply.checks.findings.length > 0, `the findings: ${item.reply.checks.findings}`);
  t.notMatch(item.order.content, '13812345678', 'the number in the complaint masked');
  t.match(
    (await pending(w)).find((s) => s.order.id === unhappy),
    { reason: 'dissatisfied', order: { reopenCount: 1 } },
  );
  t.equal((await w.desk.get('/api/qa/samples')).statusCode, 403, 'the desk is not an inspector');
});

t.test('the random share is deterministic, about the share, and never samples an order twice', async (t) => {
  const w = await world(t);
  // 直办: answered as logged, closed at once.
  const ids: number[] = [];
  for (let i = 0; i < 200; i++) {
    const o = await ok(
      w.desk.post('/api/orders', {
        channel: 'phone',
        content: `咨询第${i}件：居住证怎么办理`,
        requestType: 'consultation',
        answer: { text: '可携带身份证到派出所办理居住证。' },
      }),
    );
    ids.push(o.id);
  }
  const expected = ids.filter((id) => sampleBucket(id) < share * 10_000);
  const first = await samples(w);
  t.same(
    first.map(([id]) => id),
    expected,
    'sampled at their close: exactly the orders whose bucket falls in the share',
  );
  t.ok(first.every(([, reason]) => reason === 'random'));
  t.ok(expected.length >= 200 * share * 0.4 && expected.length <= 200 * share * 2, `${expected.length} of 200 at ${share}`);

  // The draw samples again what has no sample: two at once, then once more.
  t.same(
    await ok(w.qa.post('/api/qa/draw', { month: '2026-11' })),
    { considered: 200 - expected.length, chosen: { flagged: 0, dissatisfied: 0, random: 0 }, sampled: 0 },
    'nothing more to sample',
  );
  await w.h.db.sql`delete from qa_samples`;
  const both = await Promise.all([
    ok(w.qa.post('/api/qa/draw', { month: '2026-11' })),
    ok(w.qa.post('/api/qa/draw', { month: '2026-11' })),
  ]);
  t.equal(both[0].sampled + both[1].sampled, expected.length, 'two draws at once write each sample once between them');
  t.same(await samples(w), first, 'the same orders, for the same reasons, on rerun');
  t.equal((await ok(w.qa.post('/api/qa/draw', { month: '2026-11' }))).sampled, 0, 'a third draw adds nothing');
  const [dups] = await w.h.db.sql`select count(*) - count(distinct order_id) as n from qa_samples`;
  t.equal(Number(dups!.n), 0);
  t.equal((await w.desk.post('/api/qa/draw', { month: '2026-11' })).statusCode, 403);
  t.equal((await w.qa.post('/api/qa/draw', { month: '2026-13' })).statusCode, 400);
});

t.test('scoring on the rubric: pass, fail, refusals, once', async (t) => {
  const w = await world(t);
  const [first, second] = [await replied(w, A, FLAGGED_REPLY), await replied(w, B, FLAGGED_REPLY)];
  const list = await pending(w);
  const sampleOf = (orderId: number) => list.find((s) => s.order.id === orderId).id as number;
  const score = (who: Client, id: number, body: object) => who.post(`/api/qa/samples/${id}/score`, body);

  // The rubric the desk reads: items adding to 100, the pass mark.
  const r = await ok(w.qa.get('/api/qa/rubric'));
  t.equal(
    r.items.reduce((n: number, i: any) => n + i.max, 0),
    100,
  );

  const [bad, unknown, missing, negative] = await Promise.all([
    score(w.qa, sampleOf(first), { items: { ...full, on_point: rubric.items[0]!.max + 1 } }),
    score(w.qa, sampleOf(first), { items: { ...full, speed: 3 } }),
    score(w.qa, sampleOf(first), { items: { ...full, in_time: undefined } }),
    score(w.qa, sampleOf(first), { items: { ...full, wording: -1 } }),
  ]);
  t.match(bad.json(), { statusCode: 400, field: 'items.on_point' }, 'over the item’s max');
  t.match(unknown.json(), { statusCode: 400, field: 'items.speed' }, 'not on the rubric');
  t.match(missing.json(), { statusCode: 400, field: 'items.in_time' }, 'an item left out');
  t.match(negative.json(), { statusCode: 400, field: 'items.wording' });
  t.equal((await pending(w)).length, 2, 'a refused score writes nothing');

  const supervisor = await signIn(w.h, ['supervisor'], A);
  t.equal((await score(supervisor, sampleOf(first), { items: full })).statusCode, 403, 'a supervisor does not score');
  t.equal((await score(w.handlers[A]!, sampleOf(first), { items: full })).statusCode, 403, 'nor a handler');
  t.equal((await score(w.qa, 999_999, { items: full })).statusCode, 404);

  w.h.clock.advance(HOUR);
  const passed = await ok(score(w.qa, sampleOf(first), { items: full, comment: '答复简短，但已电话说明' }));
  t.match(passed, { status: 'scored', score: { total: 100, passed: true, comment: '答复简短，但已电话说明', items: full } });
  const low = { ...full, on_point: 10, clear_result: 10, basis: 10 };
  const failed = await ok(score(w.qa, sampleOf(second), { items: low }));
  const lowTotal = Object.values(low).reduce((n, x) => n + x, 0);
  t.ok(lowTotal < rubric.passMark);
  t.match(failed.score, { total: lowTotal, passed: false, comment: null });

  const again = await score(w.qa, sampleOf(first), { items: low });
  t.match(again.json(), { statusCode: 409, code: 'QA_ALREADY_SCORED' }, 'one score per sample');
  t.equal((await ok(w.qa.get(`/api/qa/samples/${sampleOf(first)}`))).score.total, 100, 'the first stands');

  t.same(await pending(w), [], 'scored samples leave the pending list');
  t.same(
    (await ok(w.qa.get('/api/qa/samples?status=scored'))).items.map((s: any) => s.order.id),
    [second, first],
    'the latest scored first',
  );

  // The score is on the order's trail, in the same transaction.
  const events = await w.h.db.sql`select actor, payload, reason from order_events where action = 'qa_score' and order_id = ${first}`;
  t.equal(events.length, 1);
  t.match(events[0], { actor: `user:${w.qa.viewer.userId}`, reason: '答复简短，但已电话说明', payload: { total: 100, passed: true } });
  const trail = await ok(w.desk.get(`/api/orders/${first}/timeline`));
  t.ok(JSON.stringify(trail).includes('qa_score'), 'seen on the timeline');

  // Two inspectors scoring the same sample at once: one wins, the other is told it is scored.
  const third = await replied(w, A, FLAGGED_REPLY);
  const id = (await pending(w)).find((s) => s.order.id === third).id;
  const qa2 = await signIn(w.h, ['qa']);
  const racing = await Promise.all([score(w.qa, id, { items: full }), score(qa2, id, { items: low })]);
  t.same(racing.map((x) => x.statusCode).sort(), [200, 409]);
  const [n] = await w.h.db.sql`select count(*)::int as n from order_events where action = 'qa_score' and order_id = ${third}`;
  t.equal(n!.n, 1, 'one audit event');
});

t.test('the assessment’s 答复质量 is the inspectors’ mean where they scored, the checks’ rate elsewhere', async (t) => {
  const w = await world(t);
  // A: one clean reply and one flagged, B: the same; the flagged ones are sampled.
  await replied(w, A);
  const aFlagged = await replied(w, A, FLAGGED_REPLY);
  await replied(w, B);
  await replied(w, B, FLAGGED_REPLY);
  const aSample = (await pending(w)).find((s) => s.order.id === aFlagged).id;
  const items = { ...full, on_point: 20, basis: 10 }; // 100 − 5 − 10 = 85
  t.equal((await ok(w.qa.post(`/api/qa/samples/${aSample}/score`, { items }))).score.total, 85);

  w.h.clock.set('2026-11-26T02:00:00Z');
  const supervisor = await signIn(w.h, ['supervisor'], '120000');
  const body = await ok(supervisor.get('/api/reports/assessment?month=2026-11'));
  const unit = (id: string) => body.groups.find((g: any) => g.level === 'district').units.find((u: any) => u.unitId === id);
  t.match(unit(A).counts, { replies: 2, repliesPassed: 1, inspected: 1, inspectionPoints: 85 });
  t.equal(unit(A).rates.replyQuality, 0.85, 'A: the one score, 85 / 100, not the checks’ 1 of 2');
  t.match(unit(B).counts, { replies: 2, repliesPassed: 1, inspected: 0 });
  t.equal(unit(B).rates.replyQuality, 0.5, 'B: nothing scored yet, the checks’ rate');
  t.ok(unit(A).score > unit(B).score, `${unit(A).score} > ${unit(B).score}: the rest alike`);

  const report = await ok(supervisor.get('/api/qa/report?month=2026-11'));
  t.match(report, { month: '2026-11', passMark: rubric.passMark });
  t.match(
    report.units.find((u: any) => u.unitId === A),
    { unitName: '河东区人民政府', scored: 1, points: 85, meanScore: 85, passRate: 1 },
  );
  t.match(
    report.units.find((u: any) => u.unitId === B),
    { scored: 0, meanScore: null, passRate: null },
  );
  t.match(report.total, { scored: 1, meanScore: 85 });
  t.ok(report.total.sampled >= 2);
  t.same((await ok(supervisor.get('/api/qa/report?month=2026-10'))).units, [], 'another month has its own samples');
  t.equal((await (await signIn(w.h, ['handler'], A)).get('/api/qa/report?month=2026-11')).statusCode, 403, 'a handler does not read it');
});
