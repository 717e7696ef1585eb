/**
 * 个人信息: what a viewer sees of an order's audit trail follows the order's own
 * rules. The creation event keeps the submission as it came in (for the record),
 * but a handler who may not see the phone number reads no more of it there than
 * on the order, network metadata (address, openid, raw XML) is for admins only, and
 * every reveal is itself an event.
 */
import { createHash } from 'node:crypto';
import t, { type Test } from 'tap';
import { signIn, testApp, type Client, type TestApp } from './support/app.ts';

const PHONE = '13812345678';
const WECHAT_TOKEN = 'hotline12345token';
const OPENID = 'oCitizenPrivacy01';

function signedQuery(h: TestApp) {
  const timestamp = String(Math.floor(h.clock.now().getTime() / 1000));
  const nonce = 'nprivacy';
  const signature = createHash('sha1').update([WECHAT_TOKEN, timestamp, nonce].sort().join('')).digest('hex');
  return new URLSearchParams({ signature, timestamp, nonce }).toString();
}

/** One order from each channel, each dispatched by the rules and not yet claimed. */
async function ordersFromEveryChannel(h: TestApp, desk: Client, t: Test) {
  const web = await h.app.inject({
    method: 'POST',
    url: '/api/channels/web',
    payload: { content: `大王庄街道路灯不亮，电话 ${PHONE}`, phone: PHONE, name: '张先生' },
    headers: { 'idempotency-key': 'privacy-web-0001' },
    remoteAddress: '203.0.113.77',
  });
  t.equal(web.statusCode, 201, web.body);
  const call = {
    callId: 'privacy-call-1',
    event: 'CHANNEL_ANSWER',
    at: h.clock.now().toISOString(),
    callerNumber: PHONE,
    transcript: `我的电话是${PHONE}，大王庄街道路灯不亮`,
  };
  t.equal(
    (await h.app.inject({ method: 'POST', url: '/api/channels/phone/calls', payload: call, headers: { 'x-cti-secret': 'cti' } }))
      .statusCode,
    200,
  );
  const phone = await desk.post('/api/orders', { channel: 'phone', callId: 'privacy-call-1', content: '大王庄街道路灯不亮' });
  t.equal(phone.statusCode, 201, phone.body);
  const xml =
    `<xml><ToUserName><![CDATA[gh_12345tj]]></ToUserName><FromUserName><![CDATA[${OPENID}]]></FromUserName>` +
    `<CreateTime>1795600000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[大王庄街道路灯不亮 ${PHONE}]]></Content><MsgId>98765432109876543</MsgId></xml>`;
  const pushed = await h.app.inject({
    method: 'POST',
    url: `/api/channels/wechat?${signedQuery(h)}`,
    payload: xml,
    headers: { 'content-type': 'text/xml' },
  });
  t.equal(pushed.statusCode, 200);
  // The rules route each of them to the unit of the matter (智能派单); none is claimed yet.
  const rows = await h.db.sql`select id, status, current_unit_id from orders order by id`;
  t.same(
    rows.map((r) => r.status),
    ['dispatched', 'dispatched', 'dispatched'],
  );
  return rows.map((r) => ({ id: Number(r.id), unit: r.current_unit_id as string }));
}

const phoneViews = async (h: TestApp) =>
  Number((await h.db.sql`select count(*) as n from order_events where action = 'phone_viewed'`)[0]!.n);

t.test('an unclaimed handler and a city supervisor read the trail without the phone number or network metadata', async (t) => {
  const h = await testApp(t, { ctiSecret: 'cti', wechat: { token: WECHAT_TOKEN } });
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const orders = await ordersFromEveryChannel(h, desk, t);
  const citySupervisor = await signIn(h, ['supervisor'], '120000');
  for (const { id, unit } of orders) {
    const viewers = {
      'a handler of the holding unit before the claim': await signIn(h, ['handler'], unit),
      'a city supervisor': citySupervisor,
    };
    for (const [who, viewer] of Object.entries(viewers)) {
      const res = await viewer.get(`/api/orders/${id}/timeline`);
      t.equal(res.statusCode, 200, `${who} reads the trail of order ${id}`);
      t.notMatch(res.body, /13812345678/, `${who}: no full phone number anywhere in the trail of ${id}`);
      t.notMatch(res.body, /2345678|812345/, `${who}: no digits beyond the mask`);
      t.notMatch(res.body, /203\.0\.113\.77/, `${who}: no submitter address`);
      t.notMatch(res.body, new RegExp(OPENID), `${who}: no openid`);
      t.notMatch(res.body, /<xml>|CDATA/, `${who}: no raw XML`);
      t.match(res.body, /138\*\*\*\*5678/, `${who}: the masked number is there`);
    }
  }
  t.equal(await phoneViews(h), 0, 'nothing was revealed, so no reveal is recorded');
  const unclaimed = await signIn(h, ['handler'], orders[0]!.unit);
  const refused = await unclaimed.get(`/api/orders/${orders[0]!.id}/timeline?reveal=phone`);
  t.equal(refused.statusCode, 403);
  t.equal(refused.json().code, 'PHONE_MASKED');
});

t.test('revealing the trail is allowed where the order allows it, and recorded', async (t) => {
  const h = await testApp(t, { ctiSecret: 'cti', wechat: { token: WECHAT_TOKEN } });
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const { id, unit } = (await ordersFromEveryChannel(h, desk, t))[0]!;
  const handler = await signIn(h, ['handler'], unit);
  t.equal((await handler.post(`/api/orders/${id}/actions/claim`)).statusCode, 200);
  const revealed = await handler.get(`/api/orders/${id}/timeline?reveal=phone`);
  t.equal(revealed.statusCode, 200);
  t.match(revealed.body, /13812345678/, 'the claiming unit sees the number it will call back');
  t.notMatch(revealed.body, /203\.0\.113\.77/, 'but not the network address: that is for admins');
  const views = (await revealed.json()).events.filter((e: { action: string }) => e.action === 'phone_viewed');
  t.equal(views.length, 1, 'the reveal is in the trail it revealed');
  t.equal(await phoneViews(h), 1);

  const admin = await signIn(h, ['admin']);
  const plain = await admin.get(`/api/orders/${id}/timeline`);
  t.notMatch(plain.body, /203\.0\.113\.77/, 'even an admin sees network metadata only when asking for it');
  const raw = await admin.get(`/api/orders/${id}/timeline?reveal=raw`);
  t.equal(raw.statusCode, 200);
  t.match(raw.body, /203\.0\.113\.77/, 'an admin may read the submission as it came in');
  t.equal(await phoneViews(h), 2, 'and that reading is recorded too');
  const notAdmin = await desk.get(`/api/orders/${id}/timeline?reveal=raw`);
  t.equal(notAdmin.statusCode, 403, 'a desk role may reveal the phone, not the raw submission');
});

t.test('an order out of sight and one that does not exist answer alike', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const order = (
    await desk.post('/api/orders', { channel: 'phone', content: '河东区大王庄街道马路边有人乱扔垃圾', citizenPhone: PHONE })
  ).json();
  const outsider = await signIn(h, ['handler'], '120103'); // 河西区
  const missing = order.number.replace(/\d{6}$/, '999999');
  for (const path of ['', '/timeline']) {
    const hidden = await outsider.get(`/api/orders/${order.number}${path}`);
    const absent = await outsider.get(`/api/orders/${missing}${path}`);
    t.equal(hidden.statusCode, 404);
    t.equal(absent.statusCode, 404);
    const shape = (r: typeof hidden, ref: string) => ({ ...r.json(), requestId: undefined, message: r.json().message.replace(ref, '#') });
    t.same(shape(hidden, order.number), shape(absent, missing), `GET …${path}: the same answer, so nothing tells them apart`);
  }
});
