/**
 * Open311 GeoReport v2 as a client speaks it: form-encoded POSTs with an api_key,
 * the documents in JSON and XML, and the spec's errors. The shapes below are the
 * spec's example responses (http://wiki.open311.org/GeoReport_v2 and its Service
 * Discovery page) reduced to what a client relies on: the root and item element
 * names, and the field names of each item, in the spec's order.
 */
import t, { type Test } from 'tap';
import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { insertOpen311Client, disableOpen311Client } from '../db/queries/open311.ts';
import { hashApiKey, newApiKey } from '../server/open311/service.ts';
import { tianjinClassifier } from './support/classifier.ts';
import { testApp, type TestApp } from './support/app.ts';

// Built once for the file from rules/ and the Tianjin tree, as the service builds it.
const classifier = await tianjinClassifier();

const SPEC = {
  services: {
    root: 'services',
    item: 'service',
    fields: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
  },
  definition: { root: 'service_definition', fields: ['service_code', 'attributes'] },
  created: { root: 'service_requests', item: 'request', fields: ['service_request_id', 'service_notice', 'account_id'] },
  token: { root: 'service_requests', item: 'request', fields: ['service_request_id', 'token'] },
  requests: {
    root: 'service_requests',
    item: 'request',
    fields: [
      'service_request_id',
      'status',
      'status_notes',
      'service_name',
      'service_code',
      'description',
      'agency_responsible',
      'service_notice',
      'requested_datetime',
      'updated_datetime',
      'expected_datetime',
      'address',
      'address_id',
      'zipcode',
      'lat',
      'long',
      'media_url',
    ],
  },
  discovery: { root: 'discovery', fields: ['changeset', 'contact', 'key_service', 'endpoints'] },
  endpoint: { fields: ['specification', 'url', 'changeset', 'type', 'formats'] },
  errors: { root: 'errors', item: 'error', fields: ['code', 'description'] },
};
const W3 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;
const xml = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['service', 'request', 'error', 'endpoint', 'format'].includes(name),
});
const BASE = '/open311/v2';

/** The XML's declaration and its one root element, parsed. */
function parseXml(t: Test, body: string, root: string): any {
  t.match(body, /^<\?xml version="1\.0" encoding="utf-8"\?>\n/, 'the XML declaration with its encoding comes first');
  const doc = xml.parse(body);
  t.same(
    Object.keys(doc).filter((k) => k !== '?xml'),
    [root],
    `root element <${root}>`,
  );
  return doc[root];
}

async function client(h: TestApp, name = 'fixmycity'): Promise<string> {
  const key = newApiKey();
  await insertOpen311Client(h.db.db, name, hashApiKey(key));
  return key;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const post = (app: FastifyInstance, fields: Record<string, string>, format = 'json') =>
  app.inject({
    method: 'POST',
    url: `${BASE}/requests.${format}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    payload: form(fields),
  });

const CONTACT = { email: 'wang.li@example.cn', first_name: '丽', last_name: '王', phone: '13987654321' };
const sanitation = (key: string, extra: Record<string, string> = {}) => ({
  api_key: key,
  service_code: 'urban.sanitation',
  address_string: '河东区大王庄街道十一经路',
  description: '路边垃圾箱满了好几天没人清运，臭得很',
  ...CONTACT,
  ...extra,
});

t.test('services, a service definition and discovery have the spec’s shape in JSON and XML', async (t) => {
  const h = await testApp(t, { classifier });
  const rules = h.app.classifier.rules;
  const json = await h.app.inject(`${BASE}/services.json`);
  t.equal(json.statusCode, 200);
  t.match(json.headers['content-type'], /^application\/json; charset=utf-8/);
  const services = json.json();
  t.equal(services.length, rules.categories.length, 'one service per matter of the taxonomy');
  for (const s of services) t.same(Object.keys(s), SPEC.services.fields);
  const sanitation = services.find((s: any) => s.service_code === 'urban.sanitation');
  t.match(sanitation, { service_name: '环境卫生与垃圾', group: '城市管理', metadata: false, type: 'realtime' });

  const xmlRes = await h.app.inject(`${BASE}/services.xml`);
  t.match(xmlRes.headers['content-type'], /^text\/xml; charset=utf-8/);
  const list = parseXml(t, xmlRes.body, SPEC.services.root)[SPEC.services.item];
  t.equal(list.length, services.length);
  t.same(Object.keys(list[0]), SPEC.services.fields);
  t.equal(list[0].metadata, 'false');

  const def = (await h.app.inject(`${BASE}/services/urban.sanitation.json`)).json();
  t.same(Object.keys(def), SPEC.definition.fields);
  t.same(def, { service_code: 'urban.sanitation', attributes: [] }, 'the matters ask for no extra fields');
  const defXml = parseXml(t, (await h.app.inject(`${BASE}/services/urban.sanitation.xml`)).body, SPEC.definition.root);
  t.same(Object.keys(defXml), SPEC.definition.fields);
  const unknown = await h.app.inject(`${BASE}/services/no.such.xml`);
  t.equal(unknown.statusCode, 404);
  t.same(Object.keys(parseXml(t, unknown.body, 'errors').error[0]), SPEC.errors.fields);

  const disc = (await h.app.inject(`${BASE}/discovery.json`)).json();
  t.same(Object.keys(disc), SPEC.discovery.fields);
  t.same(Object.keys(disc.endpoints[0]), SPEC.endpoint.fields);
  t.equal(disc.endpoints[0].specification, 'http://wiki.open311.org/GeoReport_v2');
  t.same(disc.endpoints[0].formats, ['text/xml', 'application/json']);
  t.match(disc.endpoints[0].url, /\/open311\/v2$/);
  const discXml = parseXml(t, (await h.app.inject(`${BASE}/discovery.xml`)).body, SPEC.discovery.root);
  t.same(Object.keys(discXml), SPEC.discovery.fields);
  t.same(discXml.endpoints.endpoint[0].formats.format, ['text/xml', 'application/json'], 'lists wrap one element per value');
  const other = await h.app.inject(`${BASE}/services.json?jurisdiction_id=beijing.gov.cn`);
  t.equal(other.statusCode, 404, 'another jurisdiction is not served');
  t.match(other.json()[0], { code: 404, description: /jurisdiction_id/ });
  t.equal((await h.app.inject(`${BASE}/services.json?jurisdiction_id=120000`)).statusCode, 200);
});

t.test('POST requests: an order through the web intake, its answer and its request in the spec’s shape', async (t) => {
  const h = await testApp(t, { classifier });
  const key = await client(h);
  const res = await post(h.app, sanitation(key));
  t.equal(res.statusCode, 201, res.body);
  const [made] = res.json();
  t.same(Object.keys(made), SPEC.created.fields);
  t.match(made.service_request_id, /^12345-\d{8}-\d{6}$/, 'service_request_id is the order number');
  t.match(made.service_notice, new RegExp(`工单编号 ${made.service_request_id}`), 'the one-time notice');
  t.equal(made.account_id, null);

  const [order] = await h.db.sql`select * from orders where number = ${made.service_request_id}`;
  t.match(order, { channel: 'open311', citizen_name: '王丽', citizen_phone: '13987654321', idempotency_scope: /^open311:\d+$/ });
  const [event] = await h.db.sql`select actor, payload from order_events where order_id = ${order!.id} and action = 'create'`;
  t.match(event!.payload.inbound.submission, { email: CONTACT.email, service_code: 'urban.sanitation' }, 'the submission is kept');
  t.notOk(JSON.stringify(event!.payload).includes(key), 'the api_key is not');

  const one = await h.app.inject(`${BASE}/requests/${made.service_request_id}.json`);
  t.equal(one.statusCode, 200);
  const [request] = one.json();
  t.same(Object.keys(request), SPEC.requests.fields);
  t.match(request, {
    service_request_id: made.service_request_id,
    status: 'open',
    service_code: 'urban.sanitation',
    service_name: '环境卫生与垃圾',
    description: sanitation(key).description,
    requested_datetime: W3,
    updated_datetime: W3,
    expected_datetime: W3,
  });
  const oneXml = parseXml(t, (await h.app.inject(`${BASE}/requests/${made.service_request_id}.xml`)).body, SPEC.requests.root);
  t.same(Object.keys(oneXml.request[0]), SPEC.requests.fields);
  t.equal(oneXml.request[0].service_request_id, made.service_request_id);

  const postXml = await post(h.app, sanitation(key, { description: '十一经路的垃圾桶也满了 <很久> & 没人管' }), 'xml');
  t.equal(postXml.statusCode, 201);
  const createdXml = parseXml(t, postXml.body, SPEC.created.root).request[0];
  t.same(Object.keys(createdXml), SPEC.created.fields);
  const again = parseXml(t, (await h.app.inject(`${BASE}/requests/${createdXml.service_request_id}.xml`)).body, 'service_requests');
  t.equal(again.request[0].description, '十一经路的垃圾桶也满了 <很久> & 没人管', 'markup in a complaint is text, escaped');

  const token = (await h.app.inject(`${BASE}/tokens/${made.service_request_id}.json`)).json();
  t.same(Object.keys(token[0]), SPEC.token.fields);
  t.equal(token[0].service_request_id, made.service_request_id);
  t.equal((await h.app.inject(`${BASE}/tokens/12345-20000101-000001.json`)).statusCode, 404);
  t.equal((await h.app.inject(`${BASE}/requests/12345-20000101-000001.xml`)).statusCode, 404);
});

t.test('a retried POST makes no second order; new words or a later day do', async (t) => {
  const h = await testApp(t, { classifier });
  const key = await client(h);
  const count = async () => Number((await h.db.sql`select count(*) as n from orders`)[0]!.n);
  const [a, b] = await Promise.all([post(h.app, sanitation(key)), post(h.app, sanitation(key))]);
  t.same([a.statusCode, b.statusCode].sort(), [200, 201], 'two at once: one creates, the other finds it');
  t.equal(a.json()[0].service_request_id, b.json()[0].service_request_id);
  t.equal(await count(), 1);
  const retry = await post(h.app, sanitation(key));
  t.equal(retry.statusCode, 200);
  t.equal(retry.json()[0].service_request_id, a.json()[0].service_request_id);
  t.equal(retry.json()[0].service_notice, null, 'the notice (with its query code) was given once');

  // The test clock starts at 10:00 Beijing time; past midnight is the next day's key.
  h.clock.advance(15 * 3600_000);
  t.equal((await post(h.app, sanitation(key))).statusCode, 200, 'a retry after midnight still finds it');
  t.equal(await count(), 1);
  const other = await client(h, 'another-app');
  t.equal((await post(h.app, sanitation(other))).statusCode, 201, 'another client’s key space is its own');
  t.equal((await post(h.app, sanitation(key, { description: '垃圾箱旁边还有一堆建筑垃圾' }))).statusCode, 201, 'new words');
  h.clock.advance(2 * 24 * 3600_000);
  t.equal((await post(h.app, sanitation(key))).statusCode, 201, 'the same words days later are a new complaint');
  t.equal(await count(), 4);
});

t.test('errors in the spec’s format: 403 for the api_key, 400 naming the field, 404 for what is not there', async (t) => {
  const h = await testApp(t, { classifier });
  const key = await client(h);
  for (const [name, fields] of [
    ['a wrong api_key', sanitation('o311_not-a-key')],
    ['no api_key', { ...sanitation(key), api_key: '' }],
  ] as const) {
    const res = await post(h.app, fields);
    t.equal(res.statusCode, 403, name);
    const body = res.json();
    t.same(Object.keys(body[0]), SPEC.errors.fields);
    t.match(body[0], { code: 403, description: /api_key/ }, name);
    const asXml = await post(h.app, fields, 'xml');
    t.equal(asXml.statusCode, 403);
    t.match(parseXml(t, asXml.body, 'errors').error[0], { code: '403', description: /api_key/ });
  }
  await disableOpen311Client(h.db.db, 'fixmycity', h.clock.now());
  t.equal((await post(h.app, sanitation(key))).statusCode, 403, 'a disabled client is refused at once');
  const fresh = await client(h, 'second');

  const missing: [string, Record<string, string>][] = [
    ['service_code', { service_code: '' }],
    ['description', { description: '' }],
    ['address_string', { address_string: '' }],
    ['long', { address_string: '', lat: '39.1' }],
  ];
  for (const [field, change] of missing) {
    const res = await post(h.app, sanitation(fresh, change));
    t.equal(res.statusCode, 400, `without ${field}`);
    t.match(res.json()[0], { code: 400, description: new RegExp(field) }, `the description names ${field}`);
  }
  const bad = await post(h.app, sanitation(fresh, { email: 'not-an-address' }), 'xml');
  t.equal(bad.statusCode, 400);
  t.match(parseXml(t, bad.body, 'errors').error[0].description, /email/);
  const unknown = await post(h.app, sanitation(fresh, { service_code: 'no.such' }));
  t.equal(unknown.statusCode, 404, 'an unknown service_code is not found');
  t.match(unknown.json()[0].description, /service_code/);
  const elsewhere = await post(h.app, sanitation(fresh, { jurisdiction_id: 'beijing.gov.cn' }));
  t.equal(elsewhere.statusCode, 404);
  const asJson = await h.app.inject({ method: 'POST', url: `${BASE}/requests.json`, payload: sanitation(fresh) });
  t.equal(asJson.statusCode, 400, 'the spec’s POST is a form, not JSON');
  t.equal(Number((await h.db.sql`select count(*) as n from orders`)[0]!.n), 0, 'nothing was created by any of them');
  const nowhere = await h.app.inject(`${BASE}/nothing.json`);
  t.equal(nowhere.statusCode, 404);
  t.match(nowhere.json()[0], { code: 404 });
});
