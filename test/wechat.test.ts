/** The WeChat server's side of the conversation: signed pushes, retries, and hostile XML. */
import { createHash } from 'node:crypto';
import t from 'tap';
import { WechatCrypto } from '../server/channels/wechat-protocol.ts';
import { signIn, testApp, type TestApp } from './support/app.ts';

const TOKEN = 'hotline12345token';
const APPID = 'wx1234567890abcdef';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'; // 43 characters, as WeChat issues them

function signed(h: TestApp, extra: Record<string, string> = {}) {
  const timestamp = String(Math.floor(h.clock.now().getTime() / 1000));
  const nonce = 'n' + Math.random().toString(36).slice(2, 10);
  const signature = createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
  return new URLSearchParams({ signature, timestamp, nonce, ...extra }).toString();
}

const textXml = (msgId: string, content: string, createTime = 1795600000) =>
  `<xml><ToUserName><![CDATA[gh_12345tj]]></ToUserName><FromUserName><![CDATA[oCitizen001]]></FromUserName>` +
  `<CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;

const push = (h: TestApp, xml: string, query = signed(h)) =>
  h.app.inject({ method: 'POST', url: `/api/channels/wechat?${query}`, payload: xml, headers: { 'content-type': 'text/xml' } });

const count = async (h: TestApp, table: string) => Number((await h.db.sql.unsafe(`select count(*) as n from ${table}`))[0]!.n);

t.test('URL verification answers echostr only to a correct signature', async (t) => {
  const h = await testApp(t, { wechat: { token: TOKEN } });
  const ok = await h.app.inject(`/api/channels/wechat?${signed(h, { echostr: '5837397520321' })}`);
  t.equal(ok.statusCode, 200);
  t.equal(ok.body, '5837397520321');
  const bad = await h.app.inject(`/api/channels/wechat?signature=${'0'.repeat(40)}&timestamp=1795600000&nonce=x&echostr=1`);
  t.equal(bad.statusCode, 401);
});

t.test('a text message becomes an order, and its retries the same order', async (t) => {
  const h = await testApp(t, { wechat: { token: TOKEN } });
  const xml = textXml('12897483920347283947', '河东区大王庄街道诚厚里社区楼上邻居半夜跺脚，噪音太吵了');
  const first = await push(h, xml);
  t.equal(first.statusCode, 200);
  t.match(first.headers['content-type'], /xml/);
  const number = first.body.match(/12345-\d{8}-\d{6}/)?.[0];
  t.ok(number, 'the passive reply carries the tracking number');
  t.match(first.body, /<ToUserName><!\[CDATA\[oCitizen001\]\]><\/ToUserName>/, 'addressed back to the citizen');
  // WeChat got no answer in time and pushes again, three times.
  const retries = await Promise.all([push(h, xml), push(h, xml), push(h, xml)]);
  for (const r of retries) t.equal(r.body.match(/12345-\d{8}-\d{6}/)?.[0], number, 'the same number');
  t.equal(await count(h, 'orders'), 1, 'one order');
  t.equal(await count(h, 'inbound_messages'), 1, 'one inbound message');
  const [order] = await h.db.sql`select channel, channel_message_id, channel_user_id, status from orders`;
  t.same(
    { ...order },
    { channel: 'wechat', channel_message_id: '12897483920347283947', channel_user_id: 'oCitizen001', status: 'dispatched' },
  );
  const [event] = await h.db.sql`select payload from order_events where action = 'create'`;
  t.equal(event!.payload.inbound, xml, 'the raw XML is in the audit trail');
});

t.test('voice with Recognition makes an order; a location then extends it', async (t) => {
  const h = await testApp(t, { wechat: { token: TOKEN } });
  const voice =
    `<xml><ToUserName><![CDATA[gh_12345tj]]></ToUserName><FromUserName><![CDATA[oCitizen002]]></FromUserName>` +
    `<CreateTime>1795600100</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_id_1]]></MediaId>` +
    `<Format><![CDATA[amr]]></Format><Recognition><![CDATA[我家小区门口的路灯坏了好几天了]]></Recognition><MsgId>6345678901234567890</MsgId></xml>`;
  const r = await push(h, voice);
  const number = r.body.match(/12345-\d{8}-\d{6}/)?.[0];
  t.ok(number);
  const location =
    `<xml><ToUserName><![CDATA[gh_12345tj]]></ToUserName><FromUserName><![CDATA[oCitizen002]]></FromUserName>` +
    `<CreateTime>1795600160</CreateTime><MsgType><![CDATA[location]]></MsgType><Location_X>39.137</Location_X><Location_Y>117.225</Location_Y>` +
    `<Scale>15</Scale><Label><![CDATA[天津市河东区大王庄街道诚厚里]]></Label><MsgId>6345678901234567891</MsgId></xml>`;
  const ext = await push(h, location);
  t.match(ext.body, new RegExp(`已补充到工单 ${number}`));
  await push(h, location); // retried
  const [order] = await h.db.sql`select location_text, content from orders`;
  t.match(order!.location_text, /诚厚里/);
  t.equal(order!.content, '我家小区门口的路灯坏了好几天了');
  const supplements = await h.db.sql`select actor from order_events where action = 'supplement'`;
  t.equal(supplements.length, 1, 'the retried location is applied once');
  t.equal(supplements[0]!.actor, 'citizen:wechat:oCitizen002');
});

t.test('a picture extends the citizen’s order while it is open, a returned one too, and not once it is replied to', async (t) => {
  const h = await testApp(t, { wechat: { token: TOKEN } });
  const picture = (msgId: string) =>
    `<xml><ToUserName><![CDATA[gh_12345tj]]></ToUserName><FromUserName><![CDATA[oCitizen001]]></FromUserName>` +
    `<CreateTime>1795600200</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://mmbiz.example/${msgId}.jpg]]></PicUrl>` +
    `<MediaId><![CDATA[media_${msgId}]]></MediaId><MsgId>${msgId}</MsgId></xml>`;
  const number = (await push(h, textXml('5100000000000000001', '河东区大王庄街道诚厚里社区楼上邻居半夜跺脚，噪音太吵了'))).body.match(
    /12345-\d{8}-\d{6}/,
  )?.[0];
  const [order] = await h.db.sql`select id, current_unit_id, status from orders`;
  t.equal(order!.status, 'dispatched');
  // The unit it went to returns it: back at the hotline centre, still open.
  const handler = await signIn(h, ['handler'], order!.current_unit_id);
  t.equal((await handler.post(`/api/orders/${order!.id}/actions/return`, { reasonCode: 'wrong_area' })).statusCode, 200);
  t.match(
    (await push(h, picture('5100000000000000002'))).body,
    new RegExp(`已补充到工单 ${number}`),
    'a returned order is open: the picture is added',
  );
  const [linked] = await h.db.sql`select order_id from inbound_messages where dedupe_key = 'msg:5100000000000000002'`;
  t.equal(Number(linked!.order_id), Number(order!.id), 'the picture is linked to the order it extended');
  await h.db.sql`update orders set status = 'replied' where id = ${order!.id}`;
  t.match((await push(h, picture('5100000000000000003'))).body, /请先用文字描述/, 'a replied order takes no supplement');
  t.equal((await h.db.sql`select 1 from order_events where action = 'supplement'`).length, 1);
});

t.test('refused and stored nothing: bad signature, stale timestamp, XXE, malformed and oversized XML', async (t) => {
  const h = await testApp(t, { wechat: { token: TOKEN } });
  const xml = textXml('1', '测试');
  const badSig = await push(h, xml, `signature=${'a'.repeat(40)}&timestamp=${Math.floor(h.clock.now().getTime() / 1000)}&nonce=x`);
  t.equal(badSig.statusCode, 401);
  const query = signed(h);
  h.clock.advance(3600_000);
  const stale = await push(h, xml, query);
  t.equal(stale.statusCode, 401);
  t.equal(stale.json().code, 'STALE_TIMESTAMP');
  const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>`;
  const r1 = await push(h, xxe);
  t.equal(r1.statusCode, 400);
  t.equal(r1.json().code, 'XML_ENTITIES_FORBIDDEN');
  t.equal((await push(h, '<xml><ToUserName>a</xml>')).statusCode, 400);
  t.equal((await push(h, textXml('3', '长'.repeat(70_000)))).statusCode, 413);
  t.equal(await count(h, 'orders'), 0);
  t.equal(await count(h, 'inbound_messages'), 0);
});

t.test('safe mode: an encrypted push is decrypted, and the reply encrypted', async (t) => {
  const h = await testApp(t, { wechat: { token: TOKEN, appId: APPID, aesKey: AES_KEY } });
  const wechat = new WechatCrypto(TOKEN, AES_KEY, APPID);
  const encrypt = wechat.encrypt(textXml('777000111222333444', '南开区有家烧烤店油烟很大，呛得人没法开窗'));
  const timestamp = String(Math.floor(h.clock.now().getTime() / 1000));
  const nonce = 'safe123';
  const signature = createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
  const query = new URLSearchParams({
    signature,
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: wechat.signature(timestamp, nonce, encrypt),
  });
  const envelope = `<xml><ToUserName><![CDATA[gh_12345tj]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  const res = await push(h, envelope, query.toString());
  t.equal(res.statusCode, 200);
  const replyEncrypt = wechat.extractEncrypt(res.body);
  const replySig =
    res.body.match(/<MsgSignature><!\[CDATA\[([0-9a-f]{40})\]\]>/)?.[1] ?? res.body.match(/<MsgSignature>([0-9a-f]{40})</)?.[1];
  t.equal(replySig, wechat.signature(timestamp, nonce, replyEncrypt), 'the reply is signed');
  t.match(wechat.decrypt(replyEncrypt).xml, /12345-\d{8}-\d{6}/);
  const tampered = new URLSearchParams(query);
  tampered.set('msg_signature', 'b'.repeat(40));
  t.equal((await push(h, envelope, tampered.toString())).statusCode, 401);
  t.equal(await count(h, 'orders'), 1);
});
