/**
 * What the desks read to show names instead of codes and to offer pickers:
 * the matters by family, the area tree level by level, area and unit names, and
 * the features this service has.
 */
import t from 'tap';
import { signIn, testApp } from './support/app.ts';

t.test('the desks’ meta routes', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator']);
  t.equal((await h.app.inject({ method: 'GET', url: '/api/meta/matters' })).statusCode, 401, 'signed in only');

  const { families } = (await desk.get('/api/meta/matters')).json();
  const urban = families.find((f: { code: string }) => f.code === 'urban');
  t.equal(urban.name, '城市管理');
  t.ok(
    urban.matters.some((m: { code: string; name: string }) => m.code === 'urban.street_light' && m.name === '路灯照明'),
    'matters grouped under their family',
  );
  const all = families.flatMap((f: { matters: unknown[] }) => f.matters);
  t.equal(all.length, h.app.classifier.rules.categories.length, 'every matter, once');

  const top = (await desk.get('/api/meta/areas')).json().areas;
  t.match(top, [{ code: '120000', name: '天津市', level: 'city', leaf: false }]);
  const streets = (await desk.get('/api/meta/areas?parent=120102')).json().areas;
  t.ok(
    streets.some((a: { code: string; name: string }) => a.code === '120102001' && a.name === '大王庄街道'),
    'a district’s streets',
  );
  const communities = (await desk.get('/api/meta/areas?parent=120102001')).json().areas;
  t.ok(communities.length > 0 && communities.every((a: { level: string; leaf: boolean }) => a.level === 'community' && a.leaf));
  t.equal((await desk.get('/api/meta/areas?parent=abc')).statusCode, 400);

  const named = (await desk.get('/api/meta/area-names?codes=120102001,999999')).json().areas;
  t.same(
    named.map((a: { code: string }) => a.code),
    ['120102001'],
    'unknown codes left out',
  );
  t.same(
    named[0].path.map((p: { name: string }) => p.name),
    ['天津市', '河东区', '大王庄街道'],
  );

  const units = (await desk.get('/api/meta/units?ids=120102:urban,hotline,nope')).json().units;
  t.same(units.map((u: { id: string }) => u.id).sort(), ['120102:urban', 'hotline']);
  t.match(units.find((u: { id: string }) => u.id === '120102:urban').name, /河东区城市管理委员会/);

  const features = (await desk.get('/api/meta/features')).json();
  t.equal(features.requestType, true, 'the API takes requestType');
  t.equal(features.knowledgeBase, h.app.hasRoute({ method: 'GET', url: '/api/kb/search' }));
});

t.test('GET /api/orders?phone= lists a caller’s orders, newest first', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator']);
  const a = (await desk.post('/api/orders', { channel: 'phone', citizenPhone: '13811112222', content: '路灯不亮' })).json();
  await desk.post('/api/orders', { channel: 'phone', citizenPhone: '13833334444', content: '路灯不亮了' });
  const b = (await desk.post('/api/orders', { channel: 'phone', citizenPhone: '13811112222', content: '垃圾没人清运' })).json();
  const { items } = (await desk.get('/api/orders?phone=13811112222')).json();
  t.same(
    items.map((o: { id: number }) => o.id),
    [b.id, a.id],
  );
  t.equal((await desk.get('/api/orders?phone=x')).statusCode, 400);
});
