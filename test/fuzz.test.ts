/**
 * Nothing lost, nothing doubled: every operation of the OpenAPI document fed
 * hostile variants of its path ids, query strings, headers and bodies. Each must
 * be a 4xx JSON answer naming what was wrong, with no stack or path in it, and
 * the database must be exactly as it was. Reproduce a failure with FUZZ_SEED.
 */
import type { Response } from 'light-my-request';
import t from 'tap';
import { INJECTIONS, LEAKS, operations, refused, rng, SEED, snapshot } from './support/hostile.ts';
import { signIn, testApp } from './support/app.ts';
import { baseline, variants, type Variant } from './support/variants.ts';

const CTI = 'cti-secret-for-fuzzing';

/** Why an answer to a hostile variant is wrong, or null when it is a proper refusal. */
function judge(v: Pick<Variant, 'field' | 'strict' | 'big'>, res: Response): string | null {
  if (res.statusCode < 400 || res.statusCode >= 500) return `status ${res.statusCode}: ${res.body.slice(0, 200)}`;
  if (!/^application\/json/.test(String(res.headers['content-type']))) return `content-type ${res.headers['content-type']}`;
  let body: { code?: unknown; message?: unknown; field?: unknown; details?: { limit?: unknown } };
  try {
    body = res.json();
  } catch {
    return `not JSON: ${res.body.slice(0, 100)}`;
  }
  if (typeof body.code !== 'string' || !body.code) return `no code: ${res.body.slice(0, 200)}`;
  if (typeof body.message !== 'string' || !body.message) return `no message: ${res.body.slice(0, 200)}`;
  if (LEAKS.test(res.body)) return `leaks internals: ${res.body.slice(0, 300)}`;
  if (res.statusCode === 413) {
    const limit = body.details?.limit;
    if (body.code !== 'FST_ERR_CTP_BODY_TOO_LARGE' || typeof limit !== 'number' || !body.message.includes(String(limit))) return `413 without its limit: ${res.body}`;
    return v.big ? null : 'a small body got 413';
  }
  const named = typeof body.field === 'string' && v.field !== undefined && (body.field === v.field || body.field.startsWith(`${v.field}.`));
  if (body.code === 'VALIDATION_FAILED' && v.field !== undefined && !named) return `names ${String(body.field)}, not ${v.field}: ${body.message}`;
  if (v.strict && (res.statusCode !== 400 || body.code !== 'VALIDATION_FAILED')) return `expected 400 VALIDATION_FAILED naming ${v.field}, got ${res.statusCode} ${res.body.slice(0, 200)}`;
  return null;
}

t.test(`every operation of /docs/json refuses hostile input and writes nothing (seed ${SEED})`, async (t) => {
  t.comment(`FUZZ_SEED=${SEED}`);
  const h = await testApp(t, { ctiSecret: CTI, wechat: { token: 'wechat-fuzz-token' }, publicLimits: { webPerMinute: 100_000, trackPerMinute: 100_000 } });
  const admin = await signIn(h, ['admin']);
  const made = await admin.post('/api/orders', { channel: 'phone', content: '河东区大王庄街道路灯不亮', citizenPhone: '13812345678', categoryCode: 'other', areaCode: '120102001' });
  t.equal(made.statusCode, 201);
  const order = made.json();
  const ops = operations((await h.app.inject('/docs/json')).json());
  t.ok(ops.length >= 40, `${ops.length} operations in the OpenAPI document`);
  // Ids and secrets that exist, so a baseline reaches as far into a route as it can.
  const overrides = { id: String(order.id), number: order.number, phone4: '5678', callId: 'call-0001', 'x-cti-secret': CTI, unit: 'hotline' };
  const r = rng(SEED);

  const before = await snapshot(h.db.sql);
  const started = Date.now();
  let sent = 0;
  for (const op of ops) {
    const problems: string[] = [];
    for (const v of variants(op, baseline(op, overrides, admin.headers), r)) {
      const res = await h.app.inject(v.request);
      sent++;
      const why = judge(v, res);
      if (why) problems.push(`${v.name}: ${why}`);
    }
    t.same(problems, [], `${op.method} ${op.path}`);
  }
  t.same(await snapshot(h.db.sql), before, 'not one row written, changed or removed in any table');
  t.equal((await admin.get('/api/auth/me')).statusCode, 200, 'the token the variants carried is still good: their refusals were not 401s');
  t.comment(`${sent} hostile requests over ${ops.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}`);
});

t.test(`hostile but valid text is stored as sent, once, never a 5xx (seed ${SEED})`, async (t) => {
  const h = await testApp(t, { ctiSecret: CTI, wechat: { token: 'wechat-fuzz-token' }, publicLimits: { webPerMinute: 100_000, trackPerMinute: 100_000 } });
  const admin = await signIn(h, ['admin']);
  const order = (await admin.post('/api/orders', { channel: 'phone', content: '路灯不亮', citizenPhone: '13812345678' })).json();
  const ops = operations((await h.app.inject('/docs/json')).json());
  const overrides = { id: String(order.id), number: order.number, phone4: '5678', callId: 'call-0001', 'x-cti-secret': CTI, unit: 'hotline' };
  const r = rng(SEED + 1);
  const count = async () => Number((await h.db.sql`select count(*) as n from orders`)[0]!.n);
  const ordersBefore = await count();
  let created = 0;
  let sent = 0;
  let key = 0;
  for (const op of ops) {
    const base = baseline(op, overrides, admin.headers);
    const free = (s: Record<string, unknown>) => s.type === 'string' && !s.pattern && !s.enum && !s.format;
    const cases: { name: string; query: [string, string][]; body: unknown }[] = [];
    for (const p of op.params.filter((x) => x.in === 'query' && free(x.schema))) {
      for (const v of r.some(INJECTIONS, 3)) cases.push({ name: `query ${p.name}=${v}`, query: [...base.query.filter(([k]) => k !== p.name), [p.name, v]], body: base.body });
    }
    for (const [name, s] of Object.entries<Record<string, unknown>>(op.body?.properties ?? {})) {
      if (!free(s)) continue;
      for (const v of r.some(INJECTIONS, 3)) cases.push({ name: `body ${name}=${v}`, query: base.query, body: { ...(base.body as object), [name]: v } });
    }
    const problems: string[] = [];
    for (const c of cases) {
      if (op.body && refused(op.body, c.body, 'body')) continue;
      const idempotency = op.params.some((p) => p.name === 'idempotency-key') ? { 'idempotency-key': `valid-hostile-${++key}` } : {};
      const qs = new URLSearchParams(c.query).toString();
      const url = op.path.replace(/\{(\w+)\}/g, (_m, n: string) => base.path[n]!) + (qs ? `?${qs}` : '');
      const res = await h.app.inject({ method: op.method, url, headers: { ...base.headers, ...idempotency }, ...(c.body === undefined ? {} : { payload: c.body as object }) });
      sent++;
      if (res.statusCode >= 500 || LEAKS.test(res.body)) problems.push(`${c.name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (res.statusCode === 201 && op.method === 'POST' && ['/api/orders', '/api/channels/web'].includes(op.path)) {
        created++;
        const content = (c.body as { content: string }).content;
        const [row] = await h.db.sql`select content from orders order by id desc limit 1`;
        if (row!.content !== content) problems.push(`${c.name}: stored ${JSON.stringify(row!.content)}`);
      }
    }
    t.same(problems, [], `${op.method} ${op.path}: ${cases.length} cases`);
  }
  t.ok(created > 0, `${created} orders created from hostile text`);
  t.equal(await count(), ordersBefore + created, 'one order per 201, no more and no fewer');
  t.comment(`${sent} valid hostile requests, seed ${SEED + 1}`);
});
