/**
 * 日报 / 周报 end to end: two Beijing days of orders logged through the API with a
 * clock the test moves; the morning job keeps yesterday's report once (also with a
 * second instance), later replies, ratings and alert steps leave it as it was, today
 * is provisional and not kept, a week, the CSV, and who may read it.
 */
import t, { type Test } from 'tap';
import { buildApp } from '../server/app.ts';
import { periodOf } from '../server/core/daily-report.ts';
import { sweepDueClocks } from '../server/jobs/sweeper.ts';
import { generateYesterday, periodFigures } from '../server/reports/daily.ts';
import { type Client, ok, signIn, testApp, type TestApp } from './support/app.ts';

const CHENGHOULI = '120102001001'; // 河东区 大王庄街道 诚厚里社区
const STREET = '120102001'; // 大王庄街道
const DISTRICT = '120102'; // 河东区
const HEXI_STREET = '120103001';
const D1 = '2026-11-24'; // a Tuesday
const D2 = '2026-11-25';

/**
 * D1, 11:00 in Beijing: five 垃圾清运 complaints at 诚厚里 (a hotspot), sent to the street;
 * a web suggestion in 河西区; a consultation answered on the call (直办); an urgent plea for
 * help sent to the district and never claimed; a complaint the district claims, replies
 * to and the desk closes 满意. The sweeper runs at 23:00.
 */
async function firstDay(t: Test, h: TestApp) {
  h.clock.set('2026-11-24T03:00:00Z');
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const district = await signIn(h, ['handler'], DISTRICT);
  const act = (c: Client, id: number, action: string, body: object = {}) => ok(c.post(`/api/orders/${id}/actions/${action}`, body));
  const log = async (body: object, unitId?: string) => {
    const o = await ok(desk.post('/api/orders', { channel: 'phone', citizenPhone: '13800001111', ...body }));
    if (unitId) {
      await act(desk, o.id, 'accept');
      await act(desk, o.id, 'dispatch', { unitId });
    }
    return o.id as number;
  };
  const garbage = {
    content: '小区垃圾好几天没人清运，臭味很大',
    categoryCode: 'urban.sanitation',
    areaCode: CHENGHOULI,
    requestType: 'complaint',
  };
  for (let i = 0; i < 5; i++) await log(garbage, STREET);
  await log({
    channel: 'web',
    content: '建议在河西区这条路口加装红绿灯',
    categoryCode: 'other',
    areaCode: HEXI_STREET,
    requestType: 'suggestion',
  });
  const asked = await log({
    content: '请问刚出生的孩子医保怎么上？',
    categoryCode: 'other',
    areaCode: STREET,
    requestType: 'consultation',
  });
  await act(desk, asked, 'answer', { text: '新生儿出生后三个月内可办理参保，请带出生医学证明。' });
  await log(
    { urgency: 'urgent', content: '楼道里闻到很浓的煤气味', categoryCode: 'other', areaCode: '120102001002', requestType: 'help' },
    DISTRICT,
  );
  const fixed = await log(
    { content: '楼道里堆满杂物', categoryCode: 'housing.property', areaCode: CHENGHOULI, requestType: 'complaint' },
    DISTRICT,
  );
  await act(district, fixed, 'claim');
  await act(district, fixed, 'reply', { text: '已安排物业清理楼道杂物，通道恢复畅通' });
  await act(desk, fixed, 'close', { satisfaction: 'satisfied' });
  t.equal((await h.app.hotspots.scan()).raised.length, 1, 'the five raise one alert');
  h.clock.set('2026-11-24T15:00:00Z');
  await sweepDueClocks(h.db.sql, h.clock.now());
  return { asked };
}

const storedRows = async (h: TestApp) =>
  [...(await h.db.sql`select kind, first_day::text as day, generated_at from daily_reports order by kind, first_day`)].map((r) => ({
    kind: r.kind as string,
    day: r.day as string,
    at: new Date(r.generated_at as string).toISOString(),
  }));

t.test('the daily report: figures, kept once, unchanged by later events; today provisional; a week; CSV; access', async (t) => {
  const h = await testApp(t);
  const { asked } = await firstDay(t, h);
  const names = new Map(h.app.classifier.rules.categories.map((c) => [c.code, c.name]));

  // Still D1 in Beijing: computed live, not kept.
  const supervisor = await signIn(h, ['supervisor'], '120000');
  const live = await ok(supervisor.get(`/api/reports/daily?day=${D1}`));
  t.equal(live.provisional, true, 'the day is not over');
  t.same(await storedRows(h), [], 'an unfinished day is not kept');

  // 06:10 on D2: the job, twice at once, keeps one report.
  h.clock.set('2026-11-24T22:10:00Z');
  const runs = await Promise.all([generateYesterday(h.db.sql, h.clock.now(), names), generateYesterday(h.db.sql, h.clock.now(), names)]);
  t.equal(runs.filter((r) => r.stored).length, 1, 'one of the two runs keeps it');
  t.same(runs[0]!.report, runs[1]!.report, 'both hand back the kept one');
  t.same(await storedRows(h), [{ kind: 'day', day: D1, at: '2026-11-24T22:10:00.000Z' }]);

  // A second instance starting with the schedule runs it at start-up and finds it kept.
  h.clock.set('2026-11-24T22:20:00Z');
  const other = await buildApp({ db: h.db, clock: h.clock, dailyReportSchedule: '10 6 * * *' });
  await other.ready();
  await other.close();
  t.same(await storedRows(h), [{ kind: 'day', day: D1, at: '2026-11-24T22:10:00.000Z' }], 'still the one row, as first made');

  const reader = await signIn(h, ['dispatcher']);
  const kept = await ok(reader.get(`/api/reports/daily?day=${D1}`));
  t.same(await ok(reader.get('/api/reports/daily')), kept, 'yesterday by default');
  t.match(kept, { kind: 'day', firstDay: D1, lastDay: D1, provisional: false, generatedAt: '2026-11-24T22:10:00.000Z' });
  t.match(kept.title, /日报/);
  t.same(kept.summary, { intake: 9, directAnswers: 1, directAnswerRate: 0.1111, overdue: kept.summary.overdue, hotspots: 1 });
  t.same(
    kept.byChannel.filter((c: { count: number }) => c.count > 0),
    [
      { channel: 'phone', label: '电话', count: 8 },
      { channel: 'web', label: '网站', count: 1 },
    ],
  );
  t.same(Object.fromEntries(kept.byRequestType.map((c: { label: string; count: number }) => [c.label, c.count])), {
    咨询: 1,
    求助: 1,
    投诉: 6,
    举报: 0,
    建议: 1,
    表扬: 0,
    其他: 0,
  });
  t.match(kept.intake, [{ channel: 'phone', channelLabel: '电话', requestType: 'complaint', requestTypeLabel: '投诉', count: 6 }]);
  t.equal(
    kept.intake.reduce((n: number, c: { count: number }) => n + c.count, 0),
    9,
    'the cells add up to the intake',
  );
  t.match(kept.topMatters[0], { rank: 1, code: 'urban.sanitation', name: names.get('urban.sanitation'), count: 5 });
  t.notOk(
    kept.topMatters.some((m: { name: string; code: string }) => m.name === m.code),
    'every matter named',
  );
  t.same(kept.topPlaces, [
    { rank: 1, code: STREET, name: '大王庄街道', count: 8 },
    { rank: 2, code: HEXI_STREET, name: kept.topPlaces[1].name, count: 1 },
  ]);
  t.not(kept.topPlaces[1].name, HEXI_STREET, 'the street is named');
  t.match(kept.hotspots, [
    { areaCode: CHENGHOULI, areaName: '诚厚里社区', matterCode: 'urban.sanitation', orderCount: 5, state: 'new', stateLabel: '新预警' },
  ]);
  t.same(kept.satisfaction, { rated: 1, satisfied: 1, basicallySatisfied: 0, unsatisfied: 0, rate: 1 });
  t.same(kept.missedCalls, { missedCalls: 0, tasks: 0, calledBack: 0, calledBackOnTime: 0, reached: 0, open: 0 });

  // 超期 by unit: the 红灯 stages the sweeper fired on D1, each unit named.
  const fired = await h.db
    .sql`select unit_id, count(*)::int as n from order_events where action = 'sla_overdue' group by 1 order by 2 desc, 1`;
  t.ok(fired.length >= 2, 'the district (the urgent plea, never claimed) and one more unit let a clock run out');
  t.same(
    kept.overdueByUnit.map((u: { unitId: string; count: number }) => [u.unitId, u.count]),
    fired.map((r) => [r.unit_id, r.n]),
  );
  t.ok(kept.overdueByUnit.some((u: { unitId: string; unitName: string }) => u.unitId === DISTRICT && u.unitName === '河东区人民政府'));
  t.equal(
    kept.summary.overdue,
    fired.reduce((n, r) => n + (r.n as number), 0),
  );

  // D2: new orders, a rating of D1's answer, the alert acknowledged.
  h.clock.set('2026-11-25T03:00:00Z');
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const districtSupervisor = await signIn(h, ['supervisor'], DISTRICT);
  for (let i = 0; i < 2; i++)
    await ok(desk.post('/api/orders', { channel: 'wechat', content: '路灯不亮', categoryCode: 'other', areaCode: STREET }));
  await ok(desk.post(`/api/orders/${asked}/actions/rate`, { satisfaction: 'basically_satisfied' }));
  const [alert] = (await ok(districtSupervisor.get('/api/hotspots'))).alerts;
  await ok(districtSupervisor.post(`/api/hotspots/${alert.id}/actions/acknowledge`, {}));

  const again = await signIn(h, ['admin']);
  t.same(await ok(again.get(`/api/reports/daily?day=${D1}`)), kept, 'yesterday’s report reads the same');
  const recount = await periodFigures(h.db.sql, periodOf('day', D1), h.clock.now());
  t.equal(recount.hotspots[0]!.state, 'acknowledged', 'while a recount would now say 已知悉');

  const today = await ok(again.get(`/api/reports/daily?day=${D2}`));
  t.match(today, { provisional: true, summary: { intake: 2, directAnswers: 0 } });
  t.same(
    today.satisfaction,
    { rated: 1, satisfied: 0, basicallySatisfied: 1, unsatisfied: 0, rate: 1 },
    'the rating counts on the day given',
  );
  t.same(await storedRows(h), [{ kind: 'day', day: D1, at: '2026-11-24T22:10:00.000Z' }], 'today is not kept');

  // The week Monday 23 to Sunday 29 November, asked by any day of it.
  const week = await ok(again.get('/api/reports/weekly?week=2026-11-26'));
  t.match(week, { kind: 'week', firstDay: '2026-11-23', lastDay: '2026-11-29', provisional: true, summary: { intake: 11 } });
  h.clock.set('2026-11-30T02:00:00Z');
  const monday = await signIn(h, ['supervisor'], '120000');
  const done = await ok(monday.get('/api/reports/weekly?week=2026-11-29'));
  t.match(done, { firstDay: '2026-11-23', provisional: false, summary: { intake: 11, directAnswers: 1 }, satisfaction: { rated: 2 } });
  t.same(
    (await storedRows(h)).map((r) => [r.kind, r.day]),
    [
      ['day', D1],
      ['week', '2026-11-23'],
    ],
  );

  // CSV: BOM, Chinese file name, (栏目, 项目, 数值) rows.
  const csv = await monday.get(`/api/reports/daily?day=${D1}&format=csv`);
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv/);
  t.ok(csv.body.startsWith('\uFEFF栏目,项目,数值\r\n'), 'UTF-8 BOM, then the Chinese header');
  t.match(csv.headers['content-disposition'], encodeURIComponent('日报'));
  t.match(csv.body, '\r\n概况,受理量,9\r\n');
  t.match(csv.body, '\r\n受理量（按渠道）,网站,1\r\n');
  t.match(csv.body, `\r\n区域排名（街道/乡镇，前十）,1. 大王庄街道,8\r\n`);

  // Bad input and roles.
  const bad = await monday.get('/api/reports/daily?day=2026-13-01');
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().field, 'day');
  const badWeek = await monday.get('/api/reports/weekly?week=2026-02-30');
  t.equal(badWeek.statusCode, 400);
  t.equal(badWeek.json().field, 'week');
  const handler = await signIn(h, ['handler'], DISTRICT);
  t.equal((await handler.get(`/api/reports/daily?day=${D1}`)).statusCode, 403);
  t.equal((await handler.get('/api/reports/weekly?week=2026-11-29')).statusCode, 403);
  t.equal((await h.app.inject({ method: 'GET', url: `/api/reports/daily?day=${D1}` })).statusCode, 401);
});
