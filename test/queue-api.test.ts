/**
 * The dispatcher's reading of the orders (GET /api/queue…) and the unit search of
 * the unit picker (GET /api/meta/unit-search): what each returns, bad input named
 * by its field, and who may not ask.
 */
import t from 'tap';
import { signIn, testApp } from './support/app.ts';

const GARBAGE = '河东区大王庄街道马路边有人乱扔垃圾，环境卫生很差';

t.test('unit search finds units by name, the matter’s owner first, within a subtree', async (t) => {
  const h = await testApp(t);
  const dispatcher = await signIn(h, ['dispatcher']);
  const search = async (qs: string) => {
    const res = await dispatcher.get(`/api/meta/unit-search?${qs}`);
    t.equal(res.statusCode, 200, qs);
    return res.json().units as {
      id: string;
      name: string;
      kind: string;
      level: string;
      districtName: string | null;
      path: string[];
      owner: boolean;
    }[];
  };

  const energy = await search(`q=${encodeURIComponent('天津能源集团')}`);
  t.same(energy.map((u) => u.name).sort(), ['天津能源集团（供热）', '天津能源集团（燃气）'], 'both utilities by the name people say');
  t.match(energy[0], { kind: 'department', level: 'city', districtName: null });

  const street = await search(`q=${encodeURIComponent('大王庄')}`);
  const dwz = street.find((u) => u.id === '120102001');
  t.ok(dwz, 'a street government by a part of its name');
  t.match(dwz, { level: 'street', districtName: '河东区' });
  t.ok(
    dwz!.path.some((p) => p.includes('河东区')),
    'with its path',
  );
  t.equal(street[0]!.id, '120102001', 'the street before the communities under it');

  // 垃圾分类 belongs to the district's 城市管理委员会 in the dispatch catalogue: it leads, before the district government.
  const withMatter = await search(`q=${encodeURIComponent('河东区')}&matter=urban.garbage_sorting`);
  t.match(withMatter[0], { id: '120102:urban', owner: true, districtName: '河东区' }, 'the catalogue’s owner comes first');
  t.ok(
    withMatter.some((u) => u.id === '120102' && !u.owner),
    'the others follow',
  );
  const plain = await search(`q=${encodeURIComponent('河东区')}`);
  t.equal(plain[0]!.id, '120102', 'without a matter the district government leads');

  const under = await search(`q=${encodeURIComponent('社区')}&under=120102001`);
  t.ok(under.length > 0);
  t.ok(
    under.every((u) => u.id.startsWith('120102001')),
    'only the subtree',
  );

  for (const [qs, field] of [
    ['', 'q'],
    ['q=%20%20', 'q'],
    [`q=${'长'.repeat(51)}`, 'q'],
    ['q=a&matter=no%20such', 'matter'],
    ['q=a&limit=500', 'limit'],
    ['q=a&evil=1', 'evil'],
  ] as const) {
    const res = await dispatcher.get(`/api/meta/unit-search?${qs}`);
    t.equal(res.statusCode, 400, qs);
    t.match(res.json().field ?? res.json().message, new RegExp(field), `${qs} names ${field}`);
  }
  const unknown = await dispatcher.get('/api/meta/unit-search?q=a&matter=nope.nope');
  t.equal(unknown.statusCode, 422);
  t.equal(unknown.json().field, 'matter');
  t.equal((await h.app.inject('/api/meta/unit-search?q=a')).statusCode, 401, 'signed in only');
});

t.test('a handler searches only its own subtree', async (t) => {
  const h = await testApp(t);
  const handler = await signIn(h, ['handler'], '120102001');
  const res = await handler.get(`/api/meta/unit-search?q=${encodeURIComponent('社区')}`);
  t.equal(res.statusCode, 200, res.body);
  const own = res.json().units as { id: string }[];
  t.ok(own.length > 0 && own.every((u) => u.id.startsWith('120102001')), 'defaults to the handler’s unit');
  const energy = (await handler.get(`/api/meta/unit-search?q=${encodeURIComponent('天津能源集团')}`)).json().units;
  t.same(energy, [], 'the city’s units are not in a street handler’s reach');
  const above = await handler.get('/api/meta/unit-search?q=a&under=120102');
  t.equal(above.statusCode, 404);
  t.equal(above.json().field, 'under', 'a subtree above the handler is not found');
});

t.test('the queue: waiting orders with clocks and returns; 疑似重复 across units; open orders by search', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const handler = await signIn(h, ['handler'], '120102001');

  const first = (await desk.post('/api/orders', { channel: 'phone', content: GARBAGE })).json();
  t.equal(first.currentUnitId, '120102001', 'dispatched by the rules');
  h.clock.advance(60_000);
  const again = (await desk.post('/api/orders', { channel: 'phone', content: `${GARBAGE}，没人管` })).json();
  t.equal(again.currentUnitId, '120102001', 'the repeat dispatched itself too');
  const returned = await handler.post(`/api/orders/${again.id}/actions/return`, {
    reasonCode: 'duplicate',
    reason: `与 ${first.number} 重复`,
  });
  t.equal(returned.statusCode, 200);
  h.clock.advance(10 * 60_000);
  const waiting = (await desk.post('/api/orders', { channel: 'phone', content: '东风里社区门口的垃圾箱满了好几天没人清运' })).json();
  t.equal(waiting.status, 'received');

  const queue = await desk.get('/api/queue');
  t.equal(queue.statusCode, 200);
  const body = queue.json();
  t.same(
    body.items.map((i: { order: { id: number } }) => i.order.id),
    [again.id, waiting.id],
    'oldest first, only what waits at the hotline',
  );
  t.match(body.items[0].returns, [{ fromUnitId: '120102001', reasonCode: 'duplicate', reason: `与 ${first.number} 重复` }]);
  t.ok(
    body.items[1].clocks.some((c: { kind: string }) => c.kind === 'accept'),
    'the waiting order’s accept clock',
  );
  t.equal(body.policy.returnLimit, 3);

  t.same((await desk.get('/api/queue?requestType=praise')).json().items, [], 'filtered by request type');
  t.same(
    (await desk.get('/api/queue?district=120102')).json().items.map((i: { order: { id: number } }) => i.order.id),
    [again.id],
    'filtered by district',
  );
  h.clock.advance(30 * 60_000);
  t.equal((await desk.get('/api/queue?olderThanMinutes=35')).json().items.length, 1, 'filtered by age');
  t.equal((await desk.get('/api/queue?olderThanMinutes=5')).json().items.length, 2);

  // A third complaint dispatched itself: it is a duplicate nobody at the hotline would see but here.
  const third = (await desk.post('/api/orders', { channel: 'phone', content: `大王庄街道马路边乱扔垃圾，环境卫生差` })).json();
  t.equal(third.status, 'dispatched');
  const dups = (await desk.get('/api/queue/duplicates')).json().items as { order: { id: number }; match: { id: number } }[];
  const mine = dups.find((d) => d.order.id === third.id);
  t.ok(mine, 'the auto-dispatched repeat is listed');
  t.ok([first.id, again.id].includes(mine!.match.id), 'with an earlier open order to merge into');

  const found = (await desk.get(`/api/queue/open-orders?q=${encodeURIComponent(first.number)}`)).json().items;
  t.equal(found[0].id, first.id, 'by its number');
  const byWords = (await desk.get(`/api/queue/open-orders?q=${encodeURIComponent('乱扔垃圾')}`)).json().items as { id: number }[];
  t.ok(
    byWords.some((o) => o.id === first.id),
    'by words of the complaint',
  );

  for (const [url, field] of [
    ['/api/queue?district=12', 'district'],
    ['/api/queue?requestType=nope', 'requestType'],
    ['/api/queue?olderThanMinutes=0', 'olderThanMinutes'],
    ['/api/queue/duplicates?days=99', 'days'],
    ['/api/queue/open-orders', 'q'],
    ['/api/queue/open-orders?q=%20', 'q'],
  ] as const) {
    const res = await desk.get(url);
    t.equal(res.statusCode, 400, url);
    t.match(res.json().field ?? res.json().message, new RegExp(field), `${url} names ${field}`);
  }
  for (const url of ['/api/queue', '/api/queue/duplicates', '/api/queue/open-orders?q=垃圾']) {
    t.equal((await handler.get(url)).statusCode, 403, `${url}: dispatchers only`);
  }
});
