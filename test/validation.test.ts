import t from 'tap';
import { signIn, testApp } from './support/app.ts';

const good = { channel: 'web', content: '路灯坏了一个月没人修', citizenPhone: '022-23456789' };

t.test('bad input is refused with a 4xx naming the field, and writes nothing', async (t) => {
  const h = await testApp(t);
  const { app, db } = h;
  const d = await signIn(h, ['operator', 'dispatcher']);
  const cases: { name: string; body: string | object; status: number; code?: string; field?: string; type?: string }[] = [
    { name: 'invalid JSON', body: '{"channel": "web", "content": ', status: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' },
    { name: 'content of the wrong type', body: { ...good, content: 123 }, status: 400, field: 'content' },
    { name: 'content as an array', body: { ...good, content: ['a'] }, status: 400, field: 'content' },
    { name: 'missing content', body: { channel: 'web' }, status: 400, field: 'content' },
    { name: 'missing channel', body: { content: 'x' }, status: 400, field: 'channel' },
    { name: 'unknown channel', body: { ...good, channel: 'fax' }, status: 400, field: 'channel' },
    { name: 'an extra field', body: { ...good, isAdmin: true }, status: 400, field: 'isAdmin' },
    { name: 'empty content', body: { ...good, content: '' }, status: 400, field: 'content' },
    { name: 'content over 10,000 characters', body: { ...good, content: '噪'.repeat(10_001) }, status: 400, field: 'content' },
    { name: 'a 1 MB string', body: { ...good, content: 'x'.repeat(1024 * 1024) }, status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' },
    { name: 'an area code of the wrong shape', body: { ...good, areaCode: '12010' }, status: 400, field: 'areaCode' },
    { name: 'a phone with letters', body: { ...good, citizenPhone: "1381234'; drop table orders;--" }, status: 400, field: 'citizenPhone' },
    { name: 'urgency as a number', body: { ...good, urgency: 1 }, status: 400, field: 'urgency' },
    { name: 'a JSON array body', body: [good], status: 400 },
    { name: 'null body', body: 'null', status: 400 },
    { name: 'text/plain body', body: 'hello', status: 415, type: 'text/plain' },
  ];
  for (const c of cases) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { ...d.headers, 'content-type': c.type ?? 'application/json' },
      payload: typeof c.body === 'string' ? c.body : JSON.stringify(c.body),
    });
    t.equal(res.statusCode, c.status, `${c.name}: ${res.statusCode}`);
    const body = res.json();
    t.type(body.message, 'string', `${c.name}: has a message`);
    t.ok(body.message.length > 0);
    if (c.code) t.equal(body.code, c.code, `${c.name}: code`);
    if (c.field) {
      t.equal(body.field, c.field, `${c.name}: names the field`);
      t.match(body.message, c.field, `${c.name}: the message names the field too`);
    }
    t.notMatch(res.body, /at .*\.ts:\d+/, `${c.name}: no stack trace`);
  }
  const [{ n }] = (await db.sql`select (select count(*) from orders) + (select count(*) from order_events) as n`) as unknown as [
    { n: string },
  ];
  t.equal(Number(n), 0, 'nothing was written');
});

t.test('actions: unknown action, bad ids, missing and extra fields', async (t) => {
  const h = await testApp(t);
  const { app, db } = h;
  const d = await signIn(h, ['operator', 'dispatcher']);
  const id = (await app.inject({ headers: d.headers, method: 'POST', url: '/api/orders', payload: good })).json().id;
  const cases: { url: string; body?: object; status: number; code?: string; field?: string }[] = [
    { url: `/api/orders/${id}/actions/fly`, body: {}, status: 400, code: 'UNKNOWN_ACTION', field: 'action' },
    { url: `/api/orders/${id}/actions/dispatch`, body: {}, status: 400, field: 'unitId' },
    { url: `/api/orders/${id}/actions/dispatch`, body: { unitId: 42 }, status: 400, field: 'unitId' },
    { url: `/api/orders/${id}/actions/accept`, body: { force: true }, status: 400, field: 'force' },
    { url: `/api/orders/${id}/actions/return`, body: { reasonCode: 'bored' }, status: 400, field: 'reasonCode' },
    { url: `/api/orders/${id}/actions/return`, body: { reasonCode: 'other' }, status: 400, field: 'reason' },
    { url: `/api/orders/${id}/actions/reply`, body: { text: '' }, status: 400, field: 'text' },
    { url: `/api/orders/${id}/actions/close`, body: { satisfaction: 'unsatisfied' }, status: 400, field: 'satisfaction' },
    { url: `/api/orders/${id}/actions/merge`, body: { masterId: '1' }, status: 400, field: 'masterId' },
    { url: `/api/orders/${id}/actions/transfer`, body: { target: 'moon' }, status: 400, field: 'target' },
    { url: '/api/orders/..%2F..%2Fetc%2Fpasswd/actions/accept', body: {}, status: 400, field: 'id' },
    { url: '/api/orders/1%20or%201=1/actions/accept', body: {}, status: 400, field: 'id' },
  ];
  for (const c of cases) {
    const res = await app.inject({ headers: d.headers, method: 'POST', url: c.url, payload: c.body });
    t.equal(res.statusCode, c.status, `${c.url} ${JSON.stringify(c.body)}: ${res.body.slice(0, 160)}`);
    if (c.code) t.equal(res.json().code, c.code);
    if (c.field) t.equal(res.json().field, c.field, `names ${c.field}`);
  }
  const events = await db.sql`select action from order_events`;
  t.same(
    events.map((e) => e.action),
    ['create'],
    'only the creation was recorded',
  );
  const [row] = await db.sql`select status from orders where id = ${id}`;
  t.equal(row!.status, 'received');
});

t.test('list and detail parameters are checked', async (t) => {
  const h = await testApp(t);
  const { app } = h;
  const d = await signIn(h, ['operator', 'dispatcher']);
  for (const [url, field] of [
    ['/api/orders?limit=0', 'limit'],
    ['/api/orders?limit=abc', 'limit'],
    ['/api/orders?status=lost', 'status.0'],
    ['/api/orders?area=12', 'area'],
    ['/api/orders?createdFrom=yesterday', 'createdFrom'],
    ['/api/orders?cursor=-1', 'cursor'],
    ['/api/orders?sort=evil', 'sort'],
    ['/api/orders/abc', 'id'],
    ['/api/orders/1;drop%20table%20orders', 'id'],
  ] as const) {
    const res = await app.inject({ url, headers: d.headers });
    t.equal(res.statusCode, 400, url);
    t.equal(res.json().field, field, `${url} names ${field}`);
  }
  const inverted = await app.inject({
    url: '/api/orders?createdFrom=2026-11-24T00:00:00Z&createdTo=2026-11-23T00:00:00Z',
    headers: d.headers,
  });
  t.equal(inverted.statusCode, 400);
  t.equal((await app.inject({ url: '/api/nothing-here', headers: d.headers })).json().code, 'ROUTE_NOT_FOUND');
});

t.test('security headers on every answer, and no CORS for other origins', async (t) => {
  const { app } = await testApp(t);
  const res = await app.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } });
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.match(res.headers['content-security-policy'], /default-src 'self'/);
  t.ok(res.headers['strict-transport-security']);
  t.equal(res.headers['access-control-allow-origin'], undefined);
  const docs = await app.inject('/docs/');
  t.equal(docs.statusCode, 200);
  t.match(docs.headers['content-security-policy'], /script-src 'self'/);
});

t.test('deep JSON and a body over the limit are refused without a 5xx', async (t) => {
  const h = await testApp(t);
  const d = await signIn(h, ['operator']);
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  const r1 = await h.app.inject({
    method: 'POST',
    url: '/api/orders',
    payload: `{"channel":"web","content":"x","extra":${deep}}`,
    headers: { ...d.headers, 'content-type': 'application/json' },
  });
  t.equal(r1.statusCode, 400);
  const r2 = await h.app.inject({
    method: 'POST',
    url: '/api/orders',
    payload: 'x'.repeat(200 * 1024),
    headers: { ...d.headers, 'content-type': 'application/json' },
  });
  t.equal(r2.statusCode, 413);
  const r3 = await h.app.inject({
    method: 'POST',
    url: '/api/orders',
    payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    headers: { ...d.headers, 'content-type': 'application/json' },
  });
  t.ok(r3.statusCode >= 400 && r3.statusCode < 500, `invalid UTF-8: ${r3.statusCode}`);
});
