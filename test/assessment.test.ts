/**
 * 考核 over a small history made through the API, with a clock the test moves: the
 * scores follow from the data and the shipped weights, ranks within the districts,
 * the month against the one before, a changed rating, CSV, who may read it, bad input.
 */
import t from 'tap';
import { loadRules } from '../server/rules/load.ts';
import { type Client, ok, signIn, testApp, type TestApp } from './support/app.ts';

const A = '120102'; // 河东区
const B = '120103'; // 河西区
const C = '120101'; // 和平区
const HOUR = 3600_000;
const OCT = Date.parse('2026-10-13T02:00:00Z'); // Tuesday 10:00 in Beijing
const NOV = Date.parse('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Beijing
const w = loadRules('rules').assessmentWeights;
const GOOD_REPLY = '已安排物业清理楼道杂物，通道恢复畅通';

/**
 * October: A returns its only order; B claims, replies and closes one 满意.
 * November: A claims, replies and closes two 满意; B closes one 满意 and has one
 * replied, awaiting the callback; C returns one and replies to the other with a
 * reply that fails the checks (sent with a reason), closed 满意.
 * Every step well within its deadline. The assessment is made on 26 November.
 */
async function history(h: TestApp) {
  let desk!: Client, a!: Client, b!: Client, c!: Client;
  const at = async (ms: number) => {
    h.clock.set(new Date(ms));
    [desk, a, b, c] = await Promise.all([
      signIn(h, ['operator', 'dispatcher']),
      signIn(h, ['handler'], A),
      signIn(h, ['handler'], B),
      signIn(h, ['handler'], C),
    ]);
  };
  const act = (who: Client, id: number, action: string, body?: object) => ok(who.post(`/api/orders/${id}/actions/${action}`, body));
  const order = async (unit: string) => {
    const o = await ok(
      desk.post('/api/orders', { channel: 'phone', content: '楼道里堆满杂物', categoryCode: 'housing.property', areaCode: unit }),
    );
    await act(desk, o.id, 'accept');
    await act(desk, o.id, 'dispatch', { unitId: unit });
    return o.id as number;
  };
  const handled = async (who: Client, id: number, close: boolean) => {
    await act(who, id, 'claim');
    await act(who, id, 'reply', { text: GOOD_REPLY });
    if (close) await act(desk, id, 'close', { satisfaction: 'satisfied' });
  };

  await at(OCT);
  const aOct = await order(A);
  const bOct = await order(B);
  await at(OCT + HOUR);
  await act(a, aOct, 'return', { reasonCode: 'wrong_area' });
  await handled(b, bOct, true);

  await at(NOV);
  const ids = { a1: await order(A), a2: await order(A), b1: await order(B), b2: await order(B), c1: await order(C), c2: await order(C) };
  await at(NOV + HOUR);
  await handled(a, ids.a1, true);
  await handled(a, ids.a2, true);
  await handled(b, ids.b1, true);
  await handled(b, ids.b2, false);
  await act(c, ids.c1, 'return', { reasonCode: 'wrong_area' });
  await act(c, ids.c2, 'claim');
  await act(c, ids.c2, 'reply', { text: '已处理', qualityReason: '电话中已向诉求人详细说明' });
  await act(desk, ids.c2, 'close', { satisfaction: 'satisfied' });

  await at(Date.parse('2026-11-26T02:00:00Z'));
  return { desk, ids };
}

type Unit = Record<string, any>;
const districtsOf = (body: any) => body.groups.find((g: any) => g.level === 'district');
const unitOf = (body: any, id: string): Unit => districtsOf(body).units.find((u: Unit) => u.unitId === id);
const close = (x: number, y: number) => Math.abs(x - y) < 0.006;

t.test('the scores and ranks follow from the data and the weights', async (t) => {
  const h = await testApp(t);
  const { desk, ids } = await history(h);
  const supervisor = await signIn(h, ['supervisor'], '120000');
  const body = await ok(supervisor.get('/api/reports/assessment?month=2026-11'));
  t.equal(body.month, '2026-11');
  t.equal(body.previousMonth, '2026-10');
  t.same(body.weights, w, 'the weights of rules/assessment.yaml');
  t.same(
    body.groups.map((g: any) => [g.level, g.label]),
    [
      ['district', '区'],
      ['street', '街道（乡镇）'],
      ['city_department', '市级部门'],
      ['district_department', '区级部门'],
    ],
  );

  const a = unitOf(body, A);
  const b = unitOf(body, B);
  const c = unitOf(body, C);
  t.equal(a.unitName, '河东区人民政府');
  t.same(a.rates, { response: 1, resolution: 1, satisfaction: 1, onTime: 1, replyQuality: 1, returns: 0, objections: 0 });
  t.match(a.counts, { received: 2, responded: 2, resolved: 2, rated: 2, satisfied: 2, replies: 2, repliesPassed: 2, dispatchedOrders: 2 });
  t.equal(a.counts.upheldObjections, 0, 'no objection was upheld (test/objections.test.ts counts one)');
  t.same(b.rates, { response: 1, resolution: 0.5, satisfaction: 1, onTime: 1, replyQuality: 1, returns: 0, objections: 0 });
  t.same(c.rates, { response: 1, resolution: 1, satisfaction: 1, onTime: 1, replyQuality: 0, returns: 0.5, objections: 0 });
  t.match(c.counts, { received: 1, replies: 1, repliesPassed: 0, dispatchedOrders: 2, returnedOrders: 1 });

  // The weights share out 100 points and every term has a rate: a term's shortfall costs its weight times the shortfall.
  const expected: Record<string, number> = { [A]: 100, [B]: 100 - w.resolution * 0.5, [C]: 100 - w.replyQuality - w.returns * 0.5 };
  for (const u of [a, b, c]) t.ok(close(u.score, expected[u.unitId]!), `${u.unitName}: ${u.score} is ${expected[u.unitId]}`);
  const order = [A, B, C].sort((x, y) => expected[y]! - expected[x]!);
  const ranked = districtsOf(body).units.filter((u: Unit) => u.rank !== null);
  t.same(
    ranked.map((u: Unit) => u.unitId),
    order,
    'ranked by score, the best first',
  );
  t.equal(a.rank, 1, 'all on time, satisfied, well replied: first');
  t.equal(ranked.length, 3, 'the districts without orders have no score and no rank');
  t.ok(
    districtsOf(body)
      .units.slice(3)
      .every((u: Unit) => u.score === null && u.rank === null),
    'and come after the ranked ones',
  );

  // October: A only returned an order (on time, no answer to score), B did everything well.
  const aOctober = (100 * (w.onTime + w.objections)) / (w.onTime + w.returns + w.objections);
  t.ok(close(a.previousScore, aOctober), `A in October: ${a.previousScore}`);
  t.equal(b.previousScore, 100);
  t.same([a.previousRank, b.previousRank, c.previousRank], [2, 1, null]);
  t.same([a.rankChange, b.rankChange, c.rankChange], [1, b.previousRank - b.rank, null]);
  t.ok(close(a.scoreChange, 100 - aOctober));
  t.equal(c.scoreChange, null, 'no October score, no change');

  t.test('a citizen unsatisfied with one reply moves the score by the weight the rules give 满意率', async (t) => {
    await ok(desk.post(`/api/orders/${ids.b2}/actions/reopen`, { reason: '杂物仍在' }));
    const after = unitOf(await ok(supervisor.get('/api/reports/assessment?month=2026-11')), B);
    t.match(after.counts, { rated: 2, satisfied: 1, resolved: 1 });
    t.equal(after.rates.satisfaction, 0.5);
    t.ok(close(b.score - after.score, w.satisfaction * 0.5), `${b.score} → ${after.score}`);
  });

  t.test('CSV: BOM, Chinese headers, one line per unit', async (t) => {
    const res = await supervisor.get('/api/reports/assessment.csv?month=2026-11');
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    t.match(res.headers['content-disposition'], /^attachment; filename="assessment_2026-11\.csv"; filename\*=UTF-8''/);
    t.ok(res.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 BOM');
    const lines = res.rawPayload.subarray(3).toString('utf8').split('\r\n');
    t.equal(
      lines[0],
      '考核分组,排名,单位编码,单位名称,得分,上月得分,得分变化,上月排名,名次变化,' +
        '响应率,解决率,满意率,按时率,答复质量,退单率,异议成立率,' +
        '工单量,已响应,已办结,参评,满意（含基本满意）,按时,超时完成,超期未完成,自动质检答复,自动质检通过答复,人工质检工单,人工质检总分,派入工单,退单工单,异议成立',
    );
    const json = await ok(supervisor.get('/api/reports/assessment?month=2026-11'));
    const units = json.groups.reduce((n: number, g: any) => n + g.units.length, 0);
    t.equal(lines.length - 2, units, 'one line per unit, after the header and before the final CRLF');
    const first = lines[1]!.split(',');
    t.same(first.slice(0, 5), ['区', '1', A, '河东区人民政府', '100']);
  });
});

t.test('who may read it, and bad input', async (t) => {
  const h = await testApp(t);
  const handler = await signIn(h, ['handler'], A);
  const operator = await signIn(h, ['operator']);
  for (const url of ['/api/reports/assessment?month=2026-11', '/api/reports/assessment.csv?month=2026-11']) {
    t.equal((await handler.get(url)).statusCode, 403, `a handler: ${url}`);
    t.equal((await handler.get(url)).json().code, 'FORBIDDEN');
    t.equal((await operator.get(url)).statusCode, 403, `an operator: ${url}`);
    t.equal((await h.app.inject(url)).statusCode, 401, 'signed in only');
  }
  const districtSupervisor = await signIn(h, ['supervisor'], A);
  const admin = await signIn(h, ['admin']);
  t.equal((await districtSupervisor.get('/api/reports/assessment?month=2026-11')).statusCode, 200, 'a district supervisor');
  const empty = await ok(admin.get('/api/reports/assessment?month=2026-01'));
  t.equal(empty.previousMonth, '2025-12', 'January against December');
  t.ok(
    empty.groups.every((g: any) => g.units.every((u: Unit) => u.score === null && u.rank === null)),
    'no orders: no scores',
  );
  for (const month of ['2026-13', '2026-00', '2026-1', '202611', '1999-12', '']) {
    const res = await admin.get(`/api/reports/assessment?month=${month}`);
    t.equal(res.statusCode, 400, `month=${month}`);
    t.equal(res.json().field, 'month', `month=${month} names month`);
  }
  t.equal((await admin.get('/api/reports/assessment')).json().field, 'month', 'month is required');
  t.equal((await admin.get('/api/reports/assessment.csv?month=2026-13')).json().field, 'month');
  t.equal((await admin.get('/api/reports/assessment?month=2026-11&unit=x')).json().field, 'unit');
});

t.test('the definitions are in the API documentation', async (t) => {
  const h = await testApp(t);
  const doc = (await h.app.inject('/docs/json')).json();
  t.match(doc.paths['/api/reports/assessment']?.get?.description, /得分 = 100 × Σ 权重 × 项值/);
  t.same(Object.keys(doc.paths['/api/reports/assessment.csv']?.get?.responses['200'].content ?? {}), ['text/csv']);
});
