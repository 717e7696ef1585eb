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
import { signIn, testApp, type Client, type TestApp } from './support/app.ts';
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
  const order = (await desk.post('/api/orders', { channel: 'phone', content: '大王庄街道路灯不亮', citizenPhone: '13812345678', categoryCode: 'other', areaCode: HEDONG_STREET })).json();
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
      if (res.statusCode !== 401 || body.code !== 'UNAUTHENTICATED' || !body.message) wrong.push(`${name}: ${res.statusCode} ${res.body.slice(0, 150)}`);
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
  const actions = (await ops(h)).filter((op) => op.path.includes('/actions/'));
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
        t.same([res.statusCode, res.json().code], [404, 'ORDER_NOT_FOUND'], `${who.viewer.roles[0]} ${op.path} on ${ref}: not 403, which would admit it exists`);
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
  const byUnit = (await ops(h)).filter((op) => op.method === 'GET' && op.secured && op.path !== '/api/orders' && op.params.some((p) => p.in === 'query' && p.name === 'unit'));
  const reports = byUnit.filter((op) => op.path.startsWith('/api/reports/'));
  if (reports.length === 0) t.comment('no /api/reports operations in /docs/json yet: reports not checked');
  t.ok(byUnit.length >= 2, byUnit.map((op) => op.path).join(', '));
  for (const op of byUnit) {
    for (const unit of ['120102', HEDONG_STREET, '120000']) {
      for (const format of op.params.some((p) => p.name === 'format') ? ['json', 'csv'] : ['json']) {
        const base = baseline(op, { from: '2026-11-01', to: '2026-11-30' }, supervisor.headers);
        const query: [string, string][] = [...base.query.filter(([k]) => k !== 'unit'), ['unit', unit], ...(format === 'csv' ? [['format', 'csv'] as [string, string]] : [])];
        const res = await h.app.inject(toRequest(op, { ...base, query }));
        t.same([res.statusCode, res.json().code, res.json().field], [404, 'UNIT_NOT_FOUND', 'unit'], `${op.path}?unit=${unit} (${format})`);
      }
    }
  }
});
