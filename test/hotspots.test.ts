/**
 * 热点预警 end to end: orders logged through the API, the job run by hand with the
 * test's clock, the alert raised once (and grown, never doubled, on a second scan
 * or a second instance), its events reaching the live feed, and the supervisor's
 * steps on it, scoped to their subtree.
 */
import t from 'tap';
import { buildApp } from '../server/app.ts';
import type { LiveEvent } from '../server/plugins/live.ts';
import { signIn, testApp, type Client, type TestApp } from './support/app.ts';

const CHENGHOULI = '120102001001'; // 河东区 大王庄街道 诚厚里社区
const STREET = '120102001'; // 大王庄街道
const OTHER_COMMUNITY = '120102001002';
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** One order of the matter at the place, logged now and sent to the street. */
async function logOrder(h: TestApp, desk: Client, areaCode: string, categoryCode = 'urban.sanitation') {
  const res = await desk.post('/api/orders', {
    channel: 'phone',
    content: '小区垃圾好几天没人清运，臭味很大，电话13812345678',
    categoryCode,
    areaCode,
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  const id = res.json().id as number;
  await desk.post(`/api/orders/${id}/actions/accept`);
  const sent = await desk.post(`/api/orders/${id}/actions/dispatch`, { unitId: STREET });
  if (sent.statusCode !== 200) throw new Error(sent.body);
  return id;
}

async function alerts(h: TestApp) {
  return h.db.sql`select id, matter_code, area_code, level, order_count, state from hotspot_alerts order by id`;
}

t.test('five in two hours where there were none: raised once, grown by the sixth, on the boards through the feed', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  h.clock.set('2026-11-24T11:00:00Z'); // 19:00 in Beijing
  const ids: number[] = [];
  for (let i = 0; i < 4; i++) {
    ids.push(await logOrder(h, desk, CHENGHOULI));
    h.clock.advance(10 * 60_000);
  }
  t.same((await h.app.hotspots.scan()).raised, [], 'four is below the threshold');

  const hotspotEvents: LiveEvent[] = [];
  let delivered: () => void = () => {};
  const fiveArrived = new Promise<void>((resolve) => (delivered = resolve));
  const stop = h.app.live.subscribe((e) => {
    if (e.action !== 'hotspot') return;
    hotspotEvents.push(e);
    if (hotspotEvents.length === 5) delivered();
  });
  t.teardown(stop);

  ids.push(await logOrder(h, desk, CHENGHOULI));
  const first = await h.app.hotspots.scan();
  t.equal(first.raised.length, 1, 'the fifth makes a cluster');
  t.match(
    [...(await alerts(h))],
    [{ matter_code: 'urban.sanitation', area_code: CHENGHOULI, level: 'community', order_count: 5, state: 'new' }],
  );
  t.same((await h.app.hotspots.scan()).raised, [], 'a second scan raises nothing');
  t.equal((await alerts(h)).length, 1, 'the street of the same orders is not raised besides its community');

  await fiveArrived;
  t.same(
    hotspotEvents.map((e) => e.order.id).sort((a, b) => a - b),
    [...ids].sort((a, b) => a - b),
    'each order of the cluster reaches the live feed once',
  );
  t.match(hotspotEvents[0]!.board.note, /热点预警：诚厚里社区(居委会)?「环境卫生与垃圾」2小时内 5 件（平时约 0\.0 件）/);
  t.notMatch(hotspotEvents[0]!.wire, /13812345678/, 'the feed carries no phone number');
  t.ok(
    hotspotEvents.every((e) => e.ancestors.includes(STREET) && e.ancestors.includes('120102')),
    'the boards of the street, the district and above hear of it',
  );

  h.clock.advance(5 * 60_000);
  ids.push(await logOrder(h, desk, CHENGHOULI));
  const grown = await h.app.hotspots.scan();
  t.same(grown.raised, [], 'the sixth raises no second alert');
  t.equal(grown.grown.length, 1, 'it joins the first');
  t.match([...(await alerts(h))], [{ order_count: 6 }]);
  const [events] = await h.db.sql`select count(*)::int as n from order_events where action = 'hotspot'`;
  t.equal(events!.n, 6, 'one event per order, never two');
});

t.test('usual for the place: five is not a hotspot where five is the usual evening', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  // Two an evening at the same time for 28 days: usual 2 a window, so 3× is 6.
  for (let day = 28; day >= 1; day--) {
    h.clock.set(new Date(Date.parse('2026-11-24T11:30:00Z') - day * DAY));
    await logOrder(h, desk, OTHER_COMMUNITY);
    await logOrder(h, desk, OTHER_COMMUNITY);
  }
  h.clock.set('2026-11-24T11:00:00Z');
  for (let i = 0; i < 5; i++) await logOrder(h, desk, OTHER_COMMUNITY);
  h.clock.set('2026-11-24T12:00:00Z');
  t.same((await h.app.hotspots.scan()).raised, [], 'five against a usual of two is not three times as many');
  await logOrder(h, desk, OTHER_COMMUNITY);
  const scan = await h.app.hotspots.scan();
  t.equal(scan.raised.length, 1, 'six is');
  const [row] = await h.db.sql`select usual_rate, order_count from hotspot_alerts`;
  t.equal(Number(row!.usual_rate), 2, 'the usual rate is the baseline days’ mean for that window');
  t.equal(row!.order_count, 6);
});

t.test('two instances scanning at once raise one alert', async (t) => {
  const h = await testApp(t);
  const url = (h.db as unknown as { url: string }).url;
  const other = await buildApp({ databaseUrl: url, clock: h.clock });
  t.teardown(() => other.close());
  const desk = await signIn(h, ['operator', 'dispatcher']);
  h.clock.set('2026-11-24T11:00:00Z');
  for (let i = 0; i < 5; i++) await logOrder(h, desk, CHENGHOULI, 'urban.street_light');
  const [a, b] = await Promise.all([h.app.hotspots.scan(), other.hotspots.scan()]);
  t.equal(a.raised.length + b.raised.length, 1, 'one of the two raised it');
  t.equal((await alerts(h)).length, 1);
  const [events] = await h.db.sql`select count(*)::int as n from order_events where action = 'hotspot'`;
  t.equal(events!.n, 5);
});

t.test('the alert list and the supervisor’s steps, scoped to their subtree', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  h.clock.set('2026-11-24T11:00:00Z');
  for (let i = 0; i < 5; i++) await logOrder(h, desk, CHENGHOULI);
  await h.app.hotspots.scan();

  const district = await signIn(h, ['supervisor'], '120102');
  const elsewhere = await signIn(h, ['supervisor'], '120101');
  const list = await district.get('/api/hotspots');
  t.equal(list.statusCode, 200);
  const [alert] = list.json().alerts;
  t.match(alert, { areaName: '诚厚里社区', level: 'community', orderCount: 5, state: 'new', matterName: /垃圾/ });
  t.equal(alert.orders.length, 5);
  t.notMatch(JSON.stringify(alert.orders), /13812345678/, 'the texts with phone numbers masked');
  t.same((await elsewhere.get('/api/hotspots')).json().alerts, [], 'another district does not see it');
  t.equal((await elsewhere.post(`/api/hotspots/${alert.id}/actions/acknowledge`, {})).statusCode, 404);

  const ack = await district.post(`/api/hotspots/${alert.id}/actions/acknowledge`, {});
  t.match(ack.json(), { state: 'acknowledged', acknowledgedBy: `user:${district.viewer.userId}` });
  const handled = await district.post(`/api/hotspots/${alert.id}/actions/handle`, { note: '已并单，交区城管委集中清运' });
  t.match(handled.json(), { state: 'handled', note: '已并单，交区城管委集中清运', handledAt: '2026-11-24T11:00:00.000Z' });
  const again = await district.post(`/api/hotspots/${alert.id}/actions/handle`, {});
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'HOTSPOT_STEP_REFUSED');
  t.same((await district.get('/api/hotspots?state=new')).json().alerts, [], 'filtered by state');

  const bad = await district.get('/api/hotspots?state=closed');
  t.equal(bad.statusCode, 400);
  t.match(bad.json().field, /state/);
  const handler = await signIn(h, ['handler'], STREET);
  t.equal((await handler.get('/api/hotspots')).statusCode, 403);

  // A handled alert keeps later orders without calling the boards again.
  await logOrder(h, desk, CHENGHOULI);
  const scan = await h.app.hotspots.scan();
  t.same(scan.raised, []);
  const [events] = await h.db.sql`select count(*)::int as n from order_events where action = 'hotspot'`;
  t.equal(events!.n, 5, 'no new event for an alert already handled');
});
