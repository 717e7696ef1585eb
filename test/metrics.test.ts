/**
 * /metrics: absent unless configured, refused without the token, and counting what
 * happened: a request by its route pattern, an order by its channel, a sweep with
 * its duration, the classifier's and the knowledge search's timings.
 */
import t from 'tap';
import { sweepDueClocks } from '../server/jobs/sweeper.ts';
import { tianjinClassifier } from './support/classifier.ts';
import { signIn, testApp } from './support/app.ts';

// Built once for the file from rules/ and the Tianjin tree, as the service builds it.
const classifier = await tianjinClassifier();

const TOKEN = 'metrics-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

/** The value of one series in Prometheus's text format, or undefined when it is not there. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

t.test('not configured: /metrics does not exist', async (t) => {
  const { app } = await testApp(t, { classifier });
  const res = await app.inject({ url: '/metrics', headers: auth });
  t.equal(res.statusCode, 404);
  t.equal(res.json().code, 'ROUTE_NOT_FOUND');
});

t.test('configured: 401 without the right bearer token, the text format with it', async (t) => {
  const { app } = await testApp(t, { classifier, metrics: { token: TOKEN } });
  for (const headers of [
    {},
    { authorization: 'Bearer wrong-token-0123456789' },
    { authorization: `Basic ${TOKEN}` },
    { authorization: `Bearer ${TOKEN}x` },
  ]) {
    const res = await app.inject({ url: '/metrics', headers });
    t.equal(res.statusCode, 401, JSON.stringify(headers));
    t.equal(res.json().code, 'UNAUTHENTICATED');
    t.notOk(res.body.includes('hotline_'), 'no metric in a refusal');
  }
  const res = await app.inject({ url: '/metrics', headers: auth });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  for (const name of ['hotline_live_clients', 'hotline_live_dropped_total', 'hotline_db_pool_max']) {
    t.equal(sample(res.body, name), name === 'hotline_db_pool_max' ? 10 : 0, name);
  }
  t.ok((sample(res.body, 'hotline_db_connections', { state: 'active' }) ?? 0) >= 1, 'the scrape’s own query is an active connection');
  t.ok(sample(res.body, 'hotline_process_resident_memory_bytes'), 'process metrics too');
});

t.test('after an order and a sweep, the counters and histograms show them', async (t) => {
  const h = await testApp(t, { classifier, metrics: { token: TOKEN } });
  const scrape = async () => (await h.app.inject({ url: '/metrics', headers: auth })).body;
  const before = await scrape();
  t.equal(sample(before, 'hotline_orders_created_total', { channel: 'web' }), 0, 'every channel starts at 0');
  t.equal(sample(before, 'hotline_sweeps_total', { outcome: 'ok' }), undefined, 'no sweep yet');

  const submit = () =>
    h.app.inject({
      method: 'POST',
      url: '/api/channels/web',
      headers: { 'idempotency-key': 'metrics-order-1' },
      payload: { phone: '13800001111', content: '河东区大王庄街道路灯不亮好几天了' },
    });
  t.equal((await submit()).statusCode, 201);
  t.equal((await submit()).statusCode, 200, 'a repeat finds its order');
  const desk = await signIn(h, ['operator']);
  const [order] = await h.db.sql`select id from orders`;
  t.equal((await desk.get(`/api/orders/${order!.id}`)).statusCode, 200);
  await h.app.kb.search({ q: '路灯不亮找谁' });

  h.clock.advance(30 * 24 * 3600_000);
  const swept = await sweepDueClocks(h.db.sql, h.clock.now());
  t.ok(swept.events > 0, `the sweep fired ${swept.events} stages`);

  const after = await scrape();
  t.equal(sample(after, 'hotline_orders_created_total', { channel: 'web' }), 1, 'one order created, the repeat not counted');
  t.equal(sample(after, 'hotline_orders_created_total', { channel: 'phone' }), 0);
  const web = { method: 'POST', route: '/api/channels/web' };
  t.equal(sample(after, 'hotline_http_request_duration_seconds_count', { ...web, status_code: '201' }), 1);
  t.equal(sample(after, 'hotline_http_request_duration_seconds_count', { ...web, status_code: '200' }), 1);
  t.equal(
    sample(after, 'hotline_http_request_duration_seconds_count', { method: 'GET', route: '/api/orders/:id', status_code: '200' }),
    1,
    'by the route’s pattern',
  );
  t.notOk(after.includes(`route="/api/orders/${order!.id}"`), 'never by the URL');
  t.equal(sample(after, 'hotline_sweeps_total', { outcome: 'ok' }), 1);
  t.equal(sample(after, 'hotline_sweep_duration_seconds_count'), 1);
  t.ok(sample(after, 'hotline_sweep_duration_seconds_sum')! > 0, 'its duration');
  t.equal(sample(after, 'hotline_classify_duration_seconds_count'), 2, 'the classifier ran for the order and its repeat');
  t.equal(sample(after, 'hotline_kb_search_duration_seconds_count'), 1);
});
