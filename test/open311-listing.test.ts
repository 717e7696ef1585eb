/**
 * Open311 GET requests: the spec's filters, statuses open and closed with their notes,
 * no personal data in any answer, only the open311 channel's orders; and how a
 * citizen's service_code meets the classifier.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { insertOpen311Client } from '../db/queries/open311.ts';
import { hashApiKey, newApiKey } from '../server/open311/service.ts';
import { tianjinClassifier } from './support/classifier.ts';
import { signIn, testApp, type TestApp } from './support/app.ts';

// Built once for the file from rules/ and the Tianjin tree, as the service builds it.
const classifier = await tianjinClassifier();

const BASE = '/open311/v2';
const CONTACT = { email: 'zhao.min@example.cn', first_name: '敏', last_name: '赵', phone: '13811112222', device_id: 'dev-77aa' };
const STREET = '120102001'; // 大王庄街道, 河东区

async function keyOf(h: TestApp): Promise<string> {
  const key = newApiKey();
  await insertOpen311Client(h.db.db, 'city-app', hashApiKey(key));
  return key;
}

async function submit(app: FastifyInstance, fields: Record<string, string>): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: `${BASE}/requests.json`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
  if (res.statusCode !== 201) throw new Error(`POST failed: ${res.statusCode} ${res.body}`);
  return res.json()[0].service_request_id;
}

const ids = (body: { service_request_id: string }[]) => body.map((r) => r.service_request_id).sort();

t.test('the citizen’s service_code and the classifier: agreeing goes as the web form; disagreeing waits, kept', async (t) => {
  const h = await testApp(t, { classifier });
  const key = await keyOf(h);
  const text = '河东区大王庄街道十一经路边的垃圾箱满了好几天没人清运，臭气熏天';
  const reading = h.app.classifier.classify(text, null);
  const web = await h.app.inject({
    method: 'POST',
    url: '/api/channels/web',
    headers: { 'idempotency-key': 'web-compare-1' },
    payload: { phone: '13800001111', content: text },
  });
  const [webOrder] = await h.db.sql`select status, current_unit_id, category_code from orders where number = ${web.json().number}`;

  const agreeing = await submit(h.app, {
    api_key: key,
    service_code: reading.category.code,
    description: text,
    address_string: '十一经路',
  });
  const [a] = await h.db.sql`select status, current_unit_id, category_code, classification from orders where number = ${agreeing}`;
  t.match(a, { status: webOrder!.status, current_unit_id: webOrder!.current_unit_id, category_code: reading.category.code });
  t.comment(`agreeing: ${a!.status} at ${a!.current_unit_id}, as the web form's order`);

  const other = h.app.classifier.rules.categories.find((c) => c.code !== reading.category.code && c.code.startsWith('env.'))!;
  const disagreeing = await submit(h.app, { api_key: key, service_code: other.code, description: text, address_string: '十一经路' });
  const [d] = await h.db.sql`select status, current_unit_id, category_code, classification from orders where number = ${disagreeing}`;
  t.match(d, { status: 'received', current_unit_id: 'hotline', category_code: other.code }, 'kept as chosen, waiting for a dispatcher');
  t.equal(d!.classification.category.code, reading.category.code, 'the rules’ reading is stored beside it');
});

t.test('GET requests: filters, open and closed with notes, no personal data, only open311 orders', async (t) => {
  const h = await testApp(t, { classifier });
  const key = await keyOf(h);
  const base = { api_key: key, address_id: STREET, ...CONTACT };
  const lamp = await submit(h.app, { ...base, service_code: 'urban.sanitation', description: '路口垃圾没人扫，有事打我电话13811112222' });
  h.clock.advance(3600_000);
  const noise = await submit(h.app, {
    ...base,
    service_code: 'env.construction_noise',
    description: '工地夜里施工噪音太大',
    lat: '39.13',
    long: '117.22',
  });
  const web = await h.app.inject({
    method: 'POST',
    url: '/api/channels/web',
    headers: { 'idempotency-key': 'web-order-0001' },
    payload: { phone: '13800001111', content: '楼道灯坏了没人修' },
  });
  t.equal(web.statusCode, 201);

  const list = async (q = '') => {
    const res = await h.app.inject(`${BASE}/requests.json${q}`);
    t.equal(res.statusCode, 200, `requests.json${q}: ${res.statusCode === 200 ? '' : res.body}`);
    return res.json();
  };
  t.same(ids(await list()), [lamp, noise].sort(), 'the last 90 days by default: the open311 orders, not the web one');
  t.same(ids(await list('?service_code=env.construction_noise')), [noise]);
  t.same(ids(await list('?service_code=env.construction_noise,urban.sanitation')), [lamp, noise].sort());
  const middle = new Date(h.clock.now().getTime() - 1800_000).toISOString();
  t.same(ids(await list(`?start_date=${middle}`)), [noise], 'start_date');
  t.same(ids(await list(`?end_date=${encodeURIComponent(middle.replace('Z', '+00:00'))}`)), [lamp], 'end_date with an offset');
  t.same(ids(await list(`?service_request_id=${lamp}&service_code=env.construction_noise`)), [lamp], 'ids override the other filters');
  t.same(await list('?status=closed'), []);

  // The noise order is answered and closed at the desk, its reply naming a phone number.
  const [order] = await h.db.sql`select id from orders where number = ${noise}`;
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const step = async (who: typeof desk, action: string, body?: object) =>
    t.equal((await who.post(`/api/orders/${order!.id}/actions/${action}`, body)).statusCode, 200, action);
  const status = async () => (await h.db.sql`select status from orders where id = ${order!.id}`)[0]!.status;
  if ((await status()) === 'received') await step(desk, 'accept');
  if ((await status()) === 'accepted') await step(desk, 'dispatch', { unitId: STREET });
  // Wherever it went (the rules may have sent it to a district department), that unit's handler answers.
  const [unit] = await h.db.sql`select u.id, u.name from orders o join units u on u.id = o.current_unit_id where o.id = ${order!.id}`;
  const handler = await signIn(h, ['handler'], unit!.id);
  await step(handler, 'claim');
  await step(handler, 'reply', { text: '已责令工地夜间停工，如再发生请联系13900001234', qualityReason: '工地值班电话，供市民夜间联系' });
  const replied = (await list(`?service_request_id=${noise}`))[0];
  t.match(replied, { status: 'open', status_notes: '已责令工地夜间停工，如再发生请联系139****1234' }, 'a reply waiting for its rating');
  await step(desk, 'close', { satisfaction: 'satisfied' });
  const closed = await list('?status=closed');
  t.same(ids(closed), [noise]);
  t.match(closed[0], { status: 'closed', status_notes: /已责令工地夜间停工/, agency_responsible: unit!.name, lat: 39.13, long: 117.22 });
  t.same(ids(await list('?status=open')), [lamp]);
  t.same(ids(await list('?status=open,closed')), [lamp, noise].sort());

  const everything = [
    (await h.app.inject(`${BASE}/requests.json`)).body,
    (await h.app.inject(`${BASE}/requests.xml`)).body,
    (await h.app.inject(`${BASE}/requests/${lamp}.json`)).body,
    (await h.app.inject(`${BASE}/requests/${noise}.xml`)).body,
  ].join('\n');
  for (const value of [...Object.values(CONTACT), '赵敏', '13900001234', key]) {
    t.notOk(everything.includes(value), `no ${value} in any GET answer`);
  }
  t.match(everything, /138\*\*\*\*2222/, 'a number written into the complaint is masked');

  const bad = async (q: string, field: string) => {
    const res = await h.app.inject(`${BASE}/requests.json${q}`);
    t.equal(res.statusCode, 400, q);
    t.match(res.json()[0], { code: 400, description: new RegExp(field) });
  };
  await bad('?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z', 'end_date');
  await bad('?start_date=yesterday', 'start_date');
  await bad('?status=pending', 'status');
  await bad('?service_code=no.such', 'service_code');
  await bad('?service_request_id=42', 'service_request_id');
});
