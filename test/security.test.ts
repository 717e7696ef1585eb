/**
 * Who gets in and what they reach: expired, revoked and forged tokens on every
 * secured operation of /docs/json; a district's staff reaching into another
 * district by id, by list filter, by report and over the WebSocket; security
 * headers and closed CORS; and body limits that name themselves.
 */
import fs from 'node:fs';
import t from 'tap';
import { WebSocket } from 'ws';
import { PAGES_DIR } from '../server/routes/pages.ts';
import { operations, snapshot, type Operation } from './support/hostile.ts';
import { signIn, testApp, type TestApp } from './support/app.ts';
import { baseline, toRequest } from './support/variants.ts';

const TTL = 12 * 3600_000;
const HEDONG_STREET = '120102001'; // 大王庄街道, 河东区
const HEXI = '120103'; // 河西区

async function ops(h: TestApp): Promise<Operation[]> {
  return operations((await h.app.inject('/docs/json')).json());
}

/** An order held by 河东区's 大王庄街道, and a 河西区 supervisor and handler who must not reach it. */
async function twoDistricts(h: TestApp) {
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const order = (
    await desk.post('/api/orders', {
      channel: 'phone',
      content: '大王庄街道路灯不亮',
      citizenPhone: '13812345678',
      categoryCode: 'other',
      areaCode: HEDONG_STREET,
    })
  ).json();
  await desk.post(`/api/orders/${order.id}/actions/accept`);
  const dispatched = await desk.post(`/api/orders/${order.id}/actions/dispatch`, { unitId: HEDONG_STREET });
  if (dispatched.statusCode !== 200) throw new Error(`dispatch failed: ${dispatched.body}`);
  return { desk, order, supervisor: await signIn(h, ['supervisor'], HEXI), handler: await signIn(h, ['handler'], HEXI) };
}

t.test('expired, revoked, forged and malformed tokens: 401 UNAUTHENTICATED on every secured operation', async (t) => {
  const h = await testApp(t, { sessionTtlMs: TTL, ctiSecret: 'cti' });
  const expiring = await signIn(h, ['admin']);
  h.clock.advance(TTL - 1000);
  t.equal((await expiring.get('/api/auth/me')).statusCode, 200, 'a second before it expires the token works');
  h.clock.advance(1000);
  const fresh = await signIn(h, ['admin']);
  const revoked = await signIn(h, ['admin']);
  t.equal((await revoked.post('/api/auth/logout')).statusCode, 204);
  const changed = fresh.token.slice(0, 10) + (fresh.token[10] === 'A' ? 'B' : 'A') + fresh.token.slice(11);
  const forged = Buffer.from('forged-token-of-the-right-shape-xx').toString('base64url').padEnd(43, 'Q');
  const credentials: Record<string, string | undefined> = {
    'no Authorization header': undefined,
    'expired at its TTL': `Bearer ${expiring.token}`,
    'revoked by logout': `Bearer ${revoked.token}`,
    'forged, of the right shape': `Bearer ${forged}`,
    'one character changed': `Bearer ${changed}`,
    'Basic scheme': `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    'lower-case scheme': `bearer ${fresh.token}`,
    'no token': 'Bearer ',
    'two tokens': `Bearer ${fresh.token} ${fresh.token}`,
    'token too short': 'Bearer abc',
    'SQL for a token': "Bearer ' OR 1=1 --",
    'token with a NUL': `Bearer ${fresh.token.slice(0, 20)}%00`,
  };
  const secured = (await ops(h)).filter((op) => op.secured);
  t.ok(secured.length >= 30, `${secured.length} secured operations`);
  const before = await snapshot(h.db.sql);
  for (const op of secured) {
    const base = baseline(op, { 'x-cti-secret': 'cti' }, {});
    const wrong: string[] = [];
    for (const [name, value] of Object.entries(credentials)) {
      const request = toRequest(op, { ...base, headers: { ...base.headers, ...(value === undefined ? {} : { authorization: value }) } });
      const res = await h.app.inject(request);
      const body = res.json();
      if (res.statusCode !== 401 || body.code !== 'UNAUTHENTICATED' || !body.message)
        wrong.push(`${name}: ${res.statusCode} ${res.body.slice(0, 150)}`);
    }
    t.same(wrong, [], `${op.method} ${op.path}`);
  }
  t.same(await snapshot(h.db.sql), before, 'nothing written, and logout did not run for anyone');
  t.equal((await fresh.get('/api/auth/me')).statusCode, 200, 'the one good token still works');
  t.equal((await revoked.post('/api/auth/logout')).statusCode, 401, 'a revoked token cannot log out again');
});

t.test('another district’s order: 404 by id, by number and for every action; nothing written', async (t) => {
  const h = await testApp(t);
  const { order, supervisor, handler } = await twoDistricts(h);
  // The orders' actions: a knowledge entry's (/api/kb/entries/{id}/actions/…) is no order, and no secret.
  const actions = (await ops(h)).filter((op) => op.path.startsWith('/api/orders/') && op.path.includes('/actions/'));
  t.ok(actions.length >= 20, `${actions.length} actions`);
  const before = await snapshot(h.db.sql);
  for (const who of [supervisor, handler]) {
    for (const ref of [String(order.id), order.number]) {
      for (const url of [`/api/orders/${ref}`, `/api/orders/${ref}/timeline`, `/api/orders/${ref}?reveal=phone`]) {
        const res = await who.get(url);
        t.equal(res.statusCode, 404, `${who.viewer.roles[0]} GET ${url}`);
        t.equal(res.json().code, 'ORDER_NOT_FOUND');
      }
      for (const op of actions) {
        const res = await h.app.inject(toRequest(op, baseline(op, { id: ref }, who.headers)));
        t.same(
          [res.statusCode, res.json().code],
          [404, 'ORDER_NOT_FOUND'],
          `${who.viewer.roles[0]} ${op.path} on ${ref}: not 403, which would admit it exists`,
        );
      }
    }
    const similar = await who.get(`/api/orders/${order.id}/similar`);
    t.equal(similar.statusCode, 403, 'duplicates are the desk’s: refused by role before any order is read');
    t.notMatch(similar.body, order.number);
  }
  t.same(await snapshot(h.db.sql), before, 'not one event, clock or status changed');
});

t.test('another district by list filter, board and report: nothing of it comes back', async (t) => {
  const h = await testApp(t);
  const { order, desk, supervisor } = await twoDistricts(h);
  t.equal((await desk.get(`/api/orders?unit=${HEDONG_STREET}`)).json().items.length, 1, 'the desk sees the order under that filter');
  for (const filter of [`unit=${HEDONG_STREET}`, 'unit=120102', 'area=120102', `area=${HEDONG_STREET}`, 'status=dispatched', '']) {
    const res = await supervisor.get(`/api/orders?${filter}`);
    t.equal(res.statusCode, 200);
    t.same(res.json().items, [], `?${filter}: the list is limited to the viewer’s subtree, so it is empty`);
    t.notMatch(res.body, order.number);
  }
  // Every operation that takes a unit: the board, its clocks, each report (JSON and CSV), and any added later.
  const byUnit = (await ops(h)).filter(
    (op) => op.method === 'GET' && op.secured && op.path !== '/api/orders' && op.params.some((p) => p.in === 'query' && p.name === 'unit'),
  );
  const reports = byUnit.filter((op) => op.path.startsWith('/api/reports/'));
  if (reports.length === 0) t.comment('no /api/reports operations in /docs/json yet: reports not checked');
  t.ok(byUnit.length >= 2, byUnit.map((op) => op.path).join(', '));
  for (const op of byUnit) {
    for (const unit of ['120102', HEDONG_STREET, '120000']) {
      for (const format of op.params.some((p) => p.name === 'format') ? ['json', 'csv'] : ['json']) {
        const base = baseline(op, { from: '2026-11-01', to: '2026-11-30' }, supervisor.headers);
        const query: [string, string][] = [
          ...base.query.filter(([k]) => k !== 'unit'),
          ['unit', unit],
          ...(format === 'csv' ? [['format', 'csv'] as [string, string]] : []),
        ];
        const res = await h.app.inject(toRequest(op, { ...base, query }));
        t.same([res.statusCode, res.json().code, res.json().field], [404, 'UNIT_NOT_FOUND', 'unit'], `${op.path}?unit=${unit} (${format})`);
      }
    }
  }
});

/** A real socket to the listening app, keeping every message (events unpacked from their frames). */
async function socket(h: TestApp, token: string) {
  if (!h.app.server.listening) await h.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = h.app.server.address() as { port: number };
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  t.teardown(() => ws.terminate());
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const messages: Record<string, any>[] = [];
  const waiters: [(m: Record<string, any>) => boolean, (m: Record<string, any>) => void][] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    for (const m of frame.type === 'events' ? frame.events : [frame]) {
      messages.push(m);
      for (const w of [...waiters]) if (w[0](m)) (waiters.splice(waiters.indexOf(w), 1), w[1](m));
    }
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  // Waits on the server's answer; the timer only turns a hang into a readable failure.
  const next = (pred: (m: Record<string, any>) => boolean) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such message; got ${JSON.stringify(messages.slice(-3))}`)), 10_000);
      waiters.push([pred, (m) => (clearTimeout(timer), resolve(m))]);
    });
  const send = (m: object) => ws.send(JSON.stringify(m));
  send({ type: 'auth', token });
  return { ws, messages, closed, next, send };
}

t.test('over the WebSocket: another district’s unit or order yields nothing, not even from the replay', async (t) => {
  const h = await testApp(t, { sessionTtlMs: TTL });
  const { desk, order, supervisor } = await twoDistricts(h);
  const s = await socket(h, supervisor.token);
  await s.next((m) => m.type === 'ready');
  for (const sub of [
    { topic: 'unit', unit: '120102', lastEventId: 0 },
    { topic: 'unit', unit: HEDONG_STREET },
    { topic: 'queue' },
    { topic: 'unit', unit: "' OR 1=1 --" },
  ]) {
    s.send({ type: 'subscribe', ...sub });
    t.equal((await s.next((m) => m.type === 'error' || m.type === 'subscribed')).type, 'error', `subscribe ${JSON.stringify(sub)} refused`);
  }
  // An order topic names an id only; replay and live events still pass the subtree rule.
  s.send({ type: 'subscribe', topic: 'order', orderId: order.id, lastEventId: 0 });
  t.equal((await s.next((m) => m.type === 'subscribed')).lastEventId, 0, 'the replay from 0 delivered none of its events');
  s.send({ type: 'subscribe', topic: 'unit', unit: HEXI });
  await s.next((m) => m.type === 'subscribed' && m.topic.unit === HEXI);
  await desk.post(`/api/orders/${order.id}/actions/urge`);
  // Events leave in order: once Hexi's own dispatch arrives, the urge above would have come first.
  const own = (
    await desk.post('/api/orders', { channel: 'phone', content: '河西区路灯不亮', categoryCode: 'other', areaCode: '120103001' })
  ).json();
  await desk.post(`/api/orders/${own.id}/actions/accept`);
  await desk.post(`/api/orders/${own.id}/actions/dispatch`, { unitId: HEXI });
  await s.next((m) => m.action === 'dispatch' && m.order?.id === own.id);
  t.notOk(
    s.messages.some((m) => m.order?.id === order.id),
    'no event of the Hedong order reached Hexi',
  );
  t.notMatch(JSON.stringify(s.messages), order.number);

  const big = await socket(h, supervisor.token);
  await big.next((m) => m.type === 'ready');
  big.ws.send('x'.repeat(65 * 1024));
  t.equal(await big.closed, 1009, 'a frame over 64 KiB closes the socket (message too big)');

  const nul = await socket(h, supervisor.token);
  await nul.next((m) => m.type === 'ready');
  nul.send({ type: 'subscribe', topic: 'unit', unit: 'a\u0000b' });
  const answer = await Promise.race([nul.next((m) => m.type === 'error'), nul.closed]);
  t.not(answer, 1011, 'a NUL in a unit id is an error message, not an internal error');

  const revoked = await signIn(h, ['supervisor'], HEXI);
  await revoked.post('/api/auth/logout');
  t.equal(await (await socket(h, revoked.token)).closed, 4401, 'a revoked token is closed 4401');
  h.clock.advance(TTL);
  t.equal(await (await socket(h, supervisor.token)).closed, 4401, 'an expired token is closed 4401');
});

t.test('security headers on pages and API answers; CORS closed to other origins', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator']);
  const pages = fs.readdirSync(PAGES_DIR).filter((f) => f.endsWith('.html'));
  t.ok(pages.length > 0, `pages: ${pages.join(', ')}`);
  for (const url of ['/', ...pages.map((p) => `/${p}`)]) {
    const res = await h.app.inject(url);
    t.equal(res.statusCode, 200, url);
    t.match(res.headers['content-type'], /text\/html/);
    t.match(res.headers['content-security-policy'], /default-src 'self'/, `${url}: CSP`);
    t.match(res.headers['content-security-policy'], /script-src 'self'(;|$)/, `${url}: scripts only from the service`);
    t.match(res.headers['content-security-policy'], /frame-ancestors 'self'/, `${url}: not framed elsewhere`);
    t.equal(res.headers['x-content-type-options'], 'nosniff', url);
    t.equal(res.headers['x-powered-by'], undefined, `${url}: no X-Powered-By`);
  }
  for (const res of [
    await desk.get('/api/orders'),
    await h.app.inject('/api/orders'),
    await h.app.inject('/nowhere'),
    await h.app.inject('/app.js'),
  ]) {
    const what = `${res.statusCode} ${res.headers['content-type']}`;
    t.equal(res.headers['x-content-type-options'], 'nosniff', what);
    t.equal(res.headers['x-powered-by'], undefined, what);
    t.ok(res.headers['content-security-policy'], `${what}: CSP`);
  }
  const evil = { origin: 'https://evil.example' };
  for (const [method, url, headers] of [
    [
      'OPTIONS',
      '/api/orders',
      { ...evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    ],
    ['OPTIONS', '/api/auth/login', { ...evil, 'access-control-request-method': 'POST' }],
    ['GET', '/api/orders', { ...evil, ...desk.headers }],
    ['POST', '/api/auth/login', { ...evil, 'content-type': 'application/json' }],
    ['GET', '/', evil],
  ] as const) {
    const res = await h.app.inject({ method, url, headers, ...(method === 'POST' ? { payload: '{}' } : {}) });
    t.equal(res.headers['access-control-allow-origin'], undefined, `${method} ${url}: no Access-Control-Allow-Origin`);
    t.equal(res.headers['access-control-allow-credentials'], undefined, `${method} ${url}: no credentials`);
    if (method === 'OPTIONS') t.ok(res.statusCode >= 400, `${method} ${url}: preflight refused (${res.statusCode})`);
  }
});

t.test('body limits are explicit: one byte over answers 413 naming the limit, at the limit it is read', async (t) => {
  const h = await testApp(t, { ctiSecret: 'cti', wechat: { token: 'tok' } });
  const desk = await signIn(h, ['operator']);
  const limits: [string, number, Record<string, string>][] = [
    ['/api/auth/login', 4 * 1024, {}],
    ['/api/channels/web', 32 * 1024, { 'idempotency-key': 'limit-test-1' }],
    ['/api/track/12345-20261124-000001/rating', 8 * 1024, {}],
    ['/api/orders', 128 * 1024, desk.headers],
    ['/api/orders/1/actions/reply', 128 * 1024, desk.headers],
    ['/api/classify', 128 * 1024, desk.headers],
    ['/api/channels/phone/calls', 128 * 1024, { 'x-cti-secret': 'cti' }],
  ];
  const before = await snapshot(h.db.sql);
  for (const [url, limit, headers] of limits) {
    // A JSON object of exactly `bytes` bytes: valid JSON, but no route takes a field called "pad".
    const body = (bytes: number) => `{"pad":"${'x'.repeat(bytes - 10)}"}`;
    const at = await h.app.inject({
      method: 'POST',
      url,
      payload: body(limit),
      headers: { ...headers, 'content-type': 'application/json' },
    });
    t.equal(at.statusCode, 400, `${url}: ${limit} bytes are read (and refused for what they say)`);
    const over = await h.app.inject({
      method: 'POST',
      url,
      payload: body(limit + 1),
      headers: { ...headers, 'content-type': 'application/json' },
    });
    t.equal(over.statusCode, 413, `${url}: ${limit + 1} bytes are too many`);
    t.same([over.json().code, over.json().details?.limit], ['FST_ERR_CTP_BODY_TOO_LARGE', limit]);
    t.match(over.json().message, String(limit), `${url}: the message names ${limit}`);
  }
  const xml = await h.app.inject({
    method: 'POST',
    url: '/api/channels/wechat?signature=' + 'a'.repeat(40) + '&timestamp=1&nonce=n',
    payload: `<xml>${'x'.repeat(64 * 1024)}</xml>`,
    headers: { 'content-type': 'text/xml' },
  });
  t.same([xml.statusCode, xml.json().details?.limit], [413, 64 * 1024], 'WeChat pushes: 64 KiB');
  t.same(await snapshot(h.db.sql), before, 'nothing written');
});
