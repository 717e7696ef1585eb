/**
 * Nothing lost, nothing doubled: every operation of the OpenAPI document fed
 * hostile variants of its path ids, query strings, headers and bodies. Each must
 * be a 4xx JSON answer naming what was wrong, with no stack or path in it, and
 * the database must be exactly as it was. Reproduce a failure with FUZZ_SEED.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'light-my-request';
import t from 'tap';
import { WechatCrypto } from '../server/channels/wechat-protocol.ts';
import { INJECTIONS, LEAKS, operations, refused, rng, SEED, snapshot } from './support/hostile.ts';
import { signIn, testApp } from './support/app.ts';
import { codeIn } from './support/notice.ts';
import { baseline, variants, type Variant } from './support/variants.ts';

const CTI = 'cti-secret-for-fuzzing';
const sha1 = (parts: string[]) =>
  createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');

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
    if (body.code !== 'FST_ERR_CTP_BODY_TOO_LARGE' || typeof limit !== 'number' || !body.message.includes(String(limit)))
      return `413 without its limit: ${res.body}`;
    return v.big ? null : 'a small body got 413';
  }
  const named = typeof body.field === 'string' && v.field !== undefined && (body.field === v.field || body.field.startsWith(`${v.field}.`));
  if (body.code === 'VALIDATION_FAILED' && v.field !== undefined && !named)
    return `names ${String(body.field)}, not ${v.field}: ${body.message}`;
  if (v.strict && (res.statusCode !== 400 || body.code !== 'VALIDATION_FAILED'))
    return `expected 400 VALIDATION_FAILED naming ${v.field}, got ${res.statusCode} ${res.body.slice(0, 200)}`;
  return null;
}

t.test(`every operation of /docs/json refuses hostile input and writes nothing (seed ${SEED})`, async (t) => {
  t.comment(`FUZZ_SEED=${SEED}`);
  const h = await testApp(t, {
    ctiSecret: CTI,
    wechat: { token: 'wechat-fuzz-token' },
    publicLimits: { webPerMinute: 100_000, trackPerMinute: 100_000 },
  });
  const admin = await signIn(h, ['admin']);
  const made = await admin.post('/api/orders', {
    channel: 'phone',
    content: '河东区大王庄街道路灯不亮',
    citizenPhone: '13812345678',
    categoryCode: 'other',
    areaCode: '120102001',
  });
  t.equal(made.statusCode, 201);
  const order = made.json();
  const ops = operations((await h.app.inject('/docs/json')).json());
  t.ok(ops.length >= 40, `${ops.length} operations in the OpenAPI document`);
  // Ids and secrets that exist, so a baseline reaches as far into a route as it can.
  // The order's real query code, so a baseline passes the tracking routes' check and each variant is refused for what it spoils.
  const code = codeIn(order.notice);
  t.ok(code, 'the creation answer gives the query code');
  const overrides = { id: String(order.id), number: order.number, code, callId: 'call-0001', 'x-cti-secret': CTI, unit: 'hotline' };
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
  const h = await testApp(t, {
    ctiSecret: CTI,
    wechat: { token: 'wechat-fuzz-token' },
    publicLimits: { webPerMinute: 100_000, trackPerMinute: 100_000 },
  });
  const admin = await signIn(h, ['admin']);
  const order = (await admin.post('/api/orders', { channel: 'phone', content: '路灯不亮', citizenPhone: '13812345678' })).json();
  const ops = operations((await h.app.inject('/docs/json')).json());
  const code = codeIn(order.notice);
  t.ok(code, 'the creation answer gives the query code');
  const overrides = { id: String(order.id), number: order.number, code, callId: 'call-0001', 'x-cti-secret': CTI, unit: 'hotline' };
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
      for (const v of r.some(INJECTIONS, 3))
        cases.push({ name: `query ${p.name}=${v}`, query: [...base.query.filter(([k]) => k !== p.name), [p.name, v]], body: base.body });
    }
    for (const [name, s] of Object.entries<Record<string, unknown>>(op.body?.properties ?? {})) {
      if (!free(s)) continue;
      for (const v of r.some(INJECTIONS, 3))
        cases.push({ name: `body ${name}=${v}`, query: base.query, body: { ...(base.body as object), [name]: v } });
    }
    const problems: string[] = [];
    for (const c of cases) {
      if (op.body && refused(op.body, c.body, 'body')) continue;
      const idempotency = op.params.some((p) => p.name === 'idempotency-key') ? { 'idempotency-key': `valid-hostile-${++key}` } : {};
      const qs = new URLSearchParams(c.query).toString();
      const url = op.path.replace(/\{(\w+)\}/g, (_m, n: string) => base.path[n]!) + (qs ? `?${qs}` : '');
      const res = await h.app.inject({
        method: op.method,
        url,
        headers: { ...base.headers, ...idempotency },
        ...(c.body === undefined ? {} : { payload: c.body as object }),
      });
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

t.test('WeChat: hostile XML, entities, encodings, sizes and signatures are refused, and nothing is stored', async (t) => {
  const [TOKEN, APPID, AES_KEY] = ['wechat-fuzz-token', 'wx1234567890abcdef', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'];
  const h = await testApp(t, { wechat: { token: TOKEN, appId: APPID, aesKey: AES_KEY } });
  const wechat = new WechatCrypto(TOKEN, AES_KEY, APPID);
  const now = () => String(Math.floor(h.clock.now().getTime() / 1000));
  const sign = (timestamp = now(), nonce = 'fuzz-nonce') => ({ signature: sha1([TOKEN, timestamp, nonce]), timestamp, nonce });
  const url = (q: Record<string, string>) => `/api/channels/wechat?${new URLSearchParams(q)}`;
  const text = (inner: string) =>
    `<xml><ToUserName><![CDATA[gh_12345tj]]></ToUserName><FromUserName><![CDATA[oFuzz]]></FromUserName><CreateTime>1795600000</CreateTime>${inner}</xml>`;
  const msg = (content: string) =>
    text(`<MsgType><![CDATA[text]]></MsgType><Content>${content}</Content><MsgId>9000000000000000001</MsgId>`);
  const laughs = [
    '<!ENTITY lol "lol">',
    ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
  ].join('');

  const cases: { name: string; body: string | Buffer; code?: string; status?: number; type?: string; query?: Record<string, string> }[] = [
    { name: 'billion laughs', body: `<?xml version="1.0"?><!DOCTYPE xml [${laughs}]>${msg('&lol9;')}`, code: 'XML_ENTITIES_FORBIDDEN' },
    {
      name: 'quadratic blow-up',
      body: `<!DOCTYPE xml [<!ENTITY a "${'a'.repeat(30_000)}">]>${msg('&a;'.repeat(1000))}`,
      code: 'XML_ENTITIES_FORBIDDEN',
    },
    { name: 'external DTD', body: `<!DOCTYPE xml SYSTEM "file:///etc/passwd">${msg('x')}`, code: 'XML_ENTITIES_FORBIDDEN' },
    {
      name: 'parameter entity',
      body: `<!DOCTYPE xml [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>${msg('x')}`,
      code: 'XML_ENTITIES_FORBIDDEN',
    },
    { name: 'entity used without a DTD', body: msg('&xxe;'), code: 'XML_ENTITIES_FORBIDDEN' },
    { name: 'XInclude', body: msg('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>') },
    { name: 'processing instruction', body: `<?xml-stylesheet href="http://evil.example/x.xsl"?>${msg('x')}` },
    { name: 'comment', body: msg('<!-- hidden -->x') },
    { name: 'attributes', body: `<xml a="1"><ToUserName>x</ToUserName></xml>` },
    { name: 'unclosed', body: '<xml><ToUserName>a</xml>' },
    { name: 'unterminated CDATA', body: msg('<![CDATA[never closed') },
    { name: 'content after the root', body: `${msg('x')}<xml/>` },
    { name: 'another root', body: '<html><body>x</body></html>', code: 'XML_BAD_ROOT' },
    { name: 'nested 9,000 deep (just under the size limit)', body: text(`${'<a>'.repeat(9_000)}${'</a>'.repeat(9_000)}`) },
    {
      name: 'a duplicated field',
      body: text('<MsgType>text</MsgType><MsgType>event</MsgType><Content>x</Content>'),
      code: 'XML_DUPLICATE_FIELD',
    },
    { name: 'no MsgType', body: text('<Content>x</Content>'), code: 'MISSING_FIELD' },
    { name: 'MsgId not a number', body: text("<MsgType>text</MsgType><Content>x</Content><MsgId>1' OR 1=1</MsgId>"), code: 'BAD_FIELD' },
    { name: 'a NUL character reference', body: msg('a&#0;b') },
    { name: 'a raw NUL', body: msg('a\u0000b') },
    { name: 'a surrogate reference', body: msg('&#xD800;') },
    {
      name: 'invalid UTF-8 bytes',
      body: Buffer.concat([
        Buffer.from(msg('路灯').slice(0, -40)),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        Buffer.from('</Content><MsgId>1</MsgId></xml>'),
      ]),
      code: 'XML_MALFORMED',
    },
    { name: 'empty', body: '' },
    { name: 'over 64 KiB', body: msg('长'.repeat(30_000)), status: 413 },
    { name: 'JSON instead of XML', body: JSON.stringify({ Content: 'x' }), type: 'application/json', status: 415, code: 'XML_REQUIRED' },
    { name: 'text/plain', body: msg('x'), type: 'text/plain', status: 415 },
    { name: 'no signature', body: msg('x'), query: {}, status: 400, code: 'VALIDATION_FAILED' },
    {
      name: 'signed with another token',
      body: msg('x'),
      query: { ...sign(), signature: sha1(['other', now(), 'fuzz-nonce']) },
      status: 401,
      code: 'BAD_SIGNATURE',
    },
    { name: 'timestamp an hour ahead', body: msg('x'), query: sign(String(Number(now()) + 3600)), status: 401, code: 'STALE_TIMESTAMP' },
    { name: 'timestamp a day old', body: msg('x'), query: sign(String(Number(now()) - 86_400)), status: 401, code: 'STALE_TIMESTAMP' },
    { name: 'timestamp of 12 nines', body: msg('x'), query: sign('999999999999'), status: 401, code: 'STALE_TIMESTAMP' },
    {
      name: 'safe mode without msg_signature',
      body: `<xml><Encrypt>${wechat.encrypt(msg('x'))}</Encrypt></xml>`,
      query: { ...sign(), encrypt_type: 'aes' },
      status: 401,
    },
  ];
  // Safe mode: correctly signed envelopes around bad ciphertext or hostile plaintext.
  const sealed = (name: string, encrypt: string, code: string) => {
    const q = sign();
    cases.push({
      name,
      body: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
      query: { ...q, encrypt_type: 'aes', msg_signature: wechat.signature(q.timestamp, q.nonce, encrypt) },
      code,
    });
  };
  sealed('ciphertext that is not base64', "' OR 1=1 --", 'WECHAT_DECRYPT_FAILED');
  sealed('ciphertext of the wrong length', Buffer.alloc(40).toString('base64'), 'WECHAT_DECRYPT_FAILED');
  sealed('another account', new WechatCrypto(TOKEN, AES_KEY, 'wxsomeoneelse000000').encrypt(msg('x')), 'WECHAT_APPID_MISMATCH');
  sealed(
    'XXE inside the ciphertext',
    wechat.encrypt(`<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>${msg('&x;')}`),
    'XML_ENTITIES_FORBIDDEN',
  );

  const before = await snapshot(h.db.sql);
  for (const c of cases) {
    const res = await h.app.inject({
      method: 'POST',
      url: url(c.query ?? sign()),
      payload: c.body,
      headers: { 'content-type': c.type ?? 'text/xml' },
    });
    const why = judge({ big: c.status === 413 }, res);
    t.equal(why, null, `${c.name}: ${why ?? res.statusCode}`);
    if (c.status) t.equal(res.statusCode, c.status, `${c.name}: ${res.statusCode}`);
    else t.equal(res.statusCode, 400, `${c.name}: 400`);
    if (c.code) t.equal(res.json().code, c.code, `${c.name}: ${c.code}`);
    if (res.statusCode === 413) t.equal(res.json().details.limit, 64 * 1024, 'the 413 names the route’s own limit');
    t.notMatch(res.body, /root:|\/bin\/(ba)?sh|lollol/, `${c.name}: nothing expanded or read`);
  }
  const stale = await h.app.inject(url({ ...sign(String(Number(now()) - 86_400)), echostr: 'x' }));
  t.equal(stale.statusCode, 401, 'URL verification with an old timestamp is refused too');
  t.same(await snapshot(h.db.sql), before, 'nothing stored: no order, no inbound message, no event');
});
