/**
 * The live figures (今日来件 by hour against a week before, 超期在办 by clock, the
 * wall in one query, the reports' unit picker) over orders made through the API
 * with a clock the test moves: exact counts, CSV, who may see what, bad input.
 */
import t from 'tap';
import { type Client, ok, signIn, testApp, type TestApp } from './support/app.ts';

const DISTRICT = '120102'; // 河东区
const STREET = '120102001'; // 大王庄街道
const OTHER = '120103'; // 河西区
const NOW = '2026-11-24T04:30:00Z'; // Tuesday 12:30 in Beijing

/**
 * Week before (Tuesday 2026-11-17, Beijing): 09:30 W1 urgent to the district, never
 * claimed; 09:40 W2 to 河西区; 14:10 W3 to the district, claimed.
 * Today: 08:20 A to the district, claimed in time; 10:05 B urgent to the district,
 * never claimed; 10:10 C to the district (a 施工噪声 in 大王庄街道); 10:15 D to
 * 河西区; 12:20 E urgent, registered only (at the hotline).
 */
async function history(h: TestApp) {
  let desk!: Client, district!: Client;
  const at = async (iso: string) => {
    h.clock.set(iso);
    [desk, district] = await Promise.all([signIn(h, ['operator', 'dispatcher']), signIn(h, ['handler'], DISTRICT)]);
  };
  const act = (c: Client, id: number, action: string, body?: object) => ok(c.post(`/api/orders/${id}/actions/${action}`, body));
  const order = async (extra: object, to?: string) => {
    const o = await ok(
      desk.post('/api/orders', {
        channel: 'phone',
        content: '楼道里堆满杂物',
        categoryCode: 'housing.property',
        areaCode: '120102001001',
        ...extra,
      }),
    );
    if (to) {
      await act(desk, o.id, 'accept');
      await act(desk, o.id, 'dispatch', { unitId: to });
    }
    return o.id as number;
  };
  const urgent = { urgency: 'urgent', content: '楼道里闻到很浓的煤气味' };
  await at('2026-11-17T01:30:00Z');
  await order(urgent, DISTRICT);
  await at('2026-11-17T01:40:00Z');
  await order({ areaCode: '120103001' }, OTHER);
  await at('2026-11-17T06:10:00Z');
  await act(district, await order({}, DISTRICT), 'claim');
  await at('2026-11-24T00:20:00Z');
  const A = await order({}, DISTRICT);
  await act(district, A, 'claim');
  await at('2026-11-24T02:05:00Z');
  await order(urgent, DISTRICT);
  await at('2026-11-24T02:10:00Z');
  await order({ categoryCode: 'env.construction_noise', areaCode: '120102001002' }, DISTRICT);
  await at('2026-11-24T02:15:00Z');
  await order({ areaCode: '120103001' }, OTHER);
  await at('2026-11-24T04:20:00Z');
  await order(urgent);
  await at(NOW);
  return { desk, district };
}

const hours = (rows: { hour: number; today: number; weekAgo: number }[], key: 'today' | 'weekAgo') =>
  Object.fromEntries(rows.filter((r) => r[key] > 0).map((r) => [r.hour, r[key]]));

t.test('intake by hour against the same weekday a week before, for a subtree and for the city', async (t) => {
  const h = await testApp(t);
  const { desk, district } = await history(h);

  const mine = await ok(district.get('/api/reports/intake-hourly'));
  t.match(mine, { unit: { id: DISTRICT }, day: '2026-11-24', weekAgo: '2026-11-17', currentHour: 12 });
  t.equal(mine.rows.length, 24, 'every hour, zeros included');
  t.same(hours(mine.rows, 'today'), { 8: 1, 10: 2 }, "today's orders held in the district, by Beijing hour");
  t.same(hours(mine.rows, 'weekAgo'), { 9: 1, 14: 1 }, 'a week before');

  const city = await ok(desk.get('/api/reports/intake-hourly?unit=hotline'));
  t.same(hours(city.rows, 'today'), { 8: 1, 10: 3, 12: 1 }, 'the city: every order registered today');
  t.same(hours(city.rows, 'weekAgo'), { 9: 2, 14: 1 });

  const past = await ok(desk.get('/api/reports/intake-hourly?unit=hotline&day=2026-11-17'));
  t.same(hours(past.rows, 'today'), { 9: 2, 14: 1 }, 'another day, compared with its own week before');
  t.same(hours(past.rows, 'weekAgo'), {});
  t.equal(past.currentHour, null, 'not today: no current hour');

  const complaints = await ok(desk.get('/api/reports/intake-hourly?unit=hotline&requestType=complaint'));
  const all = await ok(desk.get('/api/reports/intake-hourly?unit=hotline'));
  const sum = (rows: { today: number }[]) => rows.reduce((n, r) => n + r.today, 0);
  t.ok(sum(complaints.rows) <= sum(all.rows), 'a request type narrows the count');

  const csv = await district.get('/api/reports/intake-hourly?format=csv');
  t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
  const lines = csv.body
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  t.equal(lines[0], '小时,当日,上周同日');
  t.equal(lines.length, 25);
  t.equal(lines[9], '08:00,1,0');
  t.equal(lines[11], '10:00,2,0');
  t.equal(lines[15], '14:00,0,1');
  t.match(String(csv.headers['content-disposition']), /intake_hourly_120102_2026-11-24_2026-11-24\.csv/);
});

t.test('overdue by clock, by how long, held in the subtree', async (t) => {
  const h = await testApp(t);
  const { desk, district } = await history(h);
  const rowOf = (rows: { kind: string }[], kind: string) => rows.find((r) => r.kind === kind);

  const mine = (await ok(district.get('/api/reports/overdue'))).rows;
  // W1 waits since a week (overDay); B's 15 minutes ran out at 10:20, 2 h 10 min ago (underDay).
  t.match(rowOf(mine, 'claim'), { clockLabel: '签收', underHour: 0, underDay: 1, overDay: 1, total: 2 });
  t.notOk(rowOf(mine, 'accept'), 'no order waits for acceptance in the district');

  const city = (await ok(desk.get('/api/reports/overdue?unit=hotline'))).rows;
  // E was registered at 12:20 with 5 minutes to accept it: 5 minutes over.
  t.match(rowOf(city, 'accept'), { underHour: 1, underDay: 0, overDay: 0, total: 1 });
  // The city adds W2, waiting at 河西区 for a week; D's working day has not run out.
  t.match(rowOf(city, 'claim'), { underDay: 1, overDay: 2, total: 3 }, 'the city: every unit');

  h.clock.set('2026-11-24T04:00:00Z');
  const earlier = (await ok(desk.get('/api/reports/overdue?unit=hotline'))).rows;
  t.notOk(rowOf(earlier, 'accept'), 'half an hour before, E was not yet late (nor registered)');

  h.clock.set(NOW);
  const csv = await district.get('/api/reports/overdue?format=csv');
  const lines = csv.body
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  t.equal(lines[0], '时限,超期不足1小时,超期1小时至1天,超期1天以上,合计');
  t.ok(lines.includes('签收,0,1,1,2'), 'the claim row in the CSV');
});

t.test('the wall: one answer with every figure, shared for 30 s', async (t) => {
  const h = await testApp(t);
  const { desk, district } = await history(h);
  const wall = await ok(district.get('/api/reports/wall'));
  t.match(wall, { unit: { id: DISTRICT, name: '河东区' }, day: '2026-11-24', weekAgo: '2026-11-17', currentHour: 12 });
  t.same(hours(wall.intake, 'today'), { 8: 1, 10: 2 });
  t.same(hours(wall.intake, 'weekAgo'), { 9: 1, 14: 1 });
  t.match(
    wall.overdue.find((r: { kind: string }) => r.kind === 'claim'),
    { underDay: 1, overDay: 1 },
  );
  // Today's district orders: A (housing.property), B (housing.property), C (env.construction_noise).
  t.same(
    wall.matters.map((m: { code: string; count: number }) => [m.code, m.count]),
    [
      ['housing.property', 2],
      ['env.construction_noise', 1],
    ],
  );
  t.notMatch(wall.matters[0].name, /\./, 'matters by name');
  t.same(
    wall.areas.map((a: { code: string; count: number }) => [a.code, a.count]),
    [[STREET, 3]],
  );
  t.match(wall.areas[0].name, /大王庄/);
  // The last 7 days' clocks held at the district itself: A's claim in time, B's late and open.
  const own = wall.onTime.find((u: { unitId: string }) => u.unitId === DISTRICT);
  t.ok(own, 'the district itself is a row');
  t.ok(own.onTime >= 1 && own.overdue >= 1, `on time ${own.onTime}, overdue ${own.overdue}`);
  t.equal(own.onTimeRate, Math.round((own.onTime / (own.onTime + own.late + own.overdue)) * 10_000) / 10_000);

  const city = await ok(desk.get('/api/reports/wall?unit=hotline'));
  t.equal(city.unit.name, '全市');
  t.ok(
    city.onTime.some((u: { unitId: string }) => u.unitId === DISTRICT),
    'for the city, the rows are the units below the city: the district is one',
  );

  // A new order within 30 s is not seen: every screen shares the figures of one query.
  h.clock.advance(10_000);
  await ok(desk.post('/api/orders', { channel: 'phone', content: '路灯不亮', categoryCode: 'urban.street_light', areaCode: '120102001' }));
  const again = await ok(desk.get('/api/reports/wall?unit=hotline'));
  t.same(again.intake, city.intake, 'the same figures within 30 s');
  h.clock.advance(21_000);
  const later = await ok(desk.get('/api/reports/wall?unit=hotline'));
  t.equal(later.intake[12].today, city.intake[12].today + 1, 'after 30 s the new order is counted');
});

t.test('the unit picker and the access of the live figures', async (t) => {
  const h = await testApp(t);
  h.clock.set(NOW);
  const desk = await signIn(h, ['operator']);
  const handler = await signIn(h, ['handler'], DISTRICT);
  const other = await signIn(h, ['supervisor'], OTHER);

  t.same(
    (await ok(handler.get('/api/reports/units'))).units,
    [{ id: DISTRICT, name: '河东区人民政府', leaf: false }],
    'one starts at one’s own unit',
  );
  const streets = (await ok(handler.get(`/api/reports/units?parent=${DISTRICT}`))).units;
  t.ok(
    streets.some((u: { id: string }) => u.id === STREET),
    'the units below',
  );
  t.equal((await handler.get(`/api/reports/units?parent=${OTHER}`)).statusCode, 404, 'not another district');
  t.equal((await handler.get('/api/reports/units?parent=hotline')).statusCode, 404, 'nor the city');
  t.same((await ok(desk.get('/api/reports/units'))).units, [{ id: 'hotline', name: '全市', leaf: false }], 'the desk starts at the city');
  const top = (await ok(desk.get('/api/reports/units?parent=hotline'))).units.map((u: { id: string }) => u.id);
  t.ok(top.includes('120000') && !top.includes('hotline'), 'below the city: the city government, not the hotline again');

  for (const path of ['intake-hourly', 'overdue', 'wall']) {
    const res = await other.get(`/api/reports/${path}?unit=${DISTRICT}`);
    t.equal(res.statusCode, 404, `another district's supervisor: ${path}`);
    t.same([res.json().code, res.json().field], ['UNIT_NOT_FOUND', 'unit']);
    t.equal((await h.app.inject(`/api/reports/${path}`)).statusCode, 401, `${path}: signed in only`);
  }
});

t.test('bad input is refused, naming the field', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator']);
  const cases: [string, string][] = [
    ['/intake-hourly?day=2026-13-01', 'day'],
    ['/intake-hourly?day=yesterday', 'day'],
    ['/intake-hourly?format=xml', 'format'],
    ['/intake-hourly?requestType=gossip', 'requestType'],
    ['/overdue?bogus=1', 'bogus'],
    ['/overdue?unit=', 'unit'],
    ['/wall?day=2026-11-24', 'day'],
    ['/units?parent=', 'parent'],
  ];
  for (const [url, field] of cases) {
    const res = await desk.get(`/api/reports${url}`);
    t.equal(res.statusCode, 400, url);
    t.equal(res.json().field, field, `${url} names ${field}`);
  }
  const res = await desk.get('/api/reports/overdue?unit=no-such-unit');
  t.same([res.statusCode, res.json().field], [404, 'unit']);
});
