import { createCipheriv, createHash } from 'node:crypto';
import t from 'tap';
import { DomainError } from '../server/core/errors.ts';
import {
  WechatCrypto,
  WechatProtocolError,
  buildTextReply,
  checkTimestamp,
  parseMessage,
  verifySignature,
} from '../server/channels/wechat-protocol.ts';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

type Asserts = Pick<typeof t, 'ok' | 'same' | 'fail'>;

function refused(t: Asserts, fn: () => unknown, status: number, code: string, field?: string) {
  try {
    fn();
  } catch (err) {
    t.ok(err instanceof WechatProtocolError && err instanceof DomainError, `${code}: a WechatProtocolError`);
    const e = err as WechatProtocolError;
    t.same({ status: e.status, statusCode: e.statusCode, code: e.code }, { status, statusCode: status, code }, e.message);
    if (field) t.same(e.details, { field });
    return;
  }
  t.fail(`expected ${code}, nothing was thrown`);
}

const msg = (
  inner: string,
  head = '<ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1348831860</CreateTime>',
) => `<xml>${head}${inner}</xml>`;

t.test('URL signature: sha1 of the sorted token, timestamp and nonce', async (t) => {
  const token = 'zz-hotline';
  const [timestamp, nonce] = ['1700000000', '8734521'];
  // Sorted, the token goes last; a wrongly ordered concatenation must not pass.
  const signature = sha1([nonce, timestamp, token].sort().join(''));
  t.not(signature, sha1(token + timestamp + nonce));
  t.ok(verifySignature({ token, timestamp, nonce, signature }));
  const flipped = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
  t.notOk(verifySignature({ token, timestamp, nonce, signature: flipped }), 'one hex digit off');
  t.notOk(verifySignature({ token, timestamp, nonce, signature: signature.slice(0, 39) }), 'truncated');
  t.notOk(verifySignature({ token: 'other', timestamp, nonce, signature }), 'another token');
  t.notOk(verifySignature({ token, timestamp: '1700000001', nonce, signature }), 'another timestamp');
  t.notOk(verifySignature({ token, timestamp, nonce, signature: undefined as unknown as string }), 'missing');
});

t.test('timestamp window refuses replays and clocks far ahead', async (t) => {
  const now = new Date(1_700_000_000_000);
  t.ok(checkTimestamp('1700000000', now));
  t.ok(checkTimestamp('1699999700', now), '300 s old is still inside');
  t.notOk(checkTimestamp('1699999699', now), '301 s old');
  t.ok(checkTimestamp('1700000300', now));
  t.notOk(checkTimestamp('1700000301', now), '301 s ahead');
  t.ok(checkTimestamp('1699999000', now, 1000), 'a wider window');
  for (const bad of ['', 'abc', '-1700000000', '1700000000.5', ' 1700000000', '1e9', '0x6553F100']) {
    t.notOk(checkTimestamp(bad, now), `rejects ${JSON.stringify(bad)}`);
  }
  t.notOk(checkTimestamp('1700000000', new Date(NaN)), 'an invalid clock');
});

t.test('text message from the documented sample', async (t) => {
  const m = parseMessage(msg('<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[内容]]></Content><MsgId>1234567890123456</MsgId>'));
  t.match(m, {
    kind: 'text',
    toUserName: 'gh_x',
    fromUserName: 'oUser',
    createTime: 1348831860,
    msgType: 'text',
    content: '内容',
    msgId: '1234567890123456',
    dedupeKey: 'msg:1234567890123456',
  });
  t.equal(m.fields.Content, '内容');
});

t.test('MsgId beyond 2^53 stays exact; beyond 2^64 is refused', async (t) => {
  for (const id of ['9007199254740993', '18446744073709551615']) {
    const m = parseMessage(msg(`<MsgType><![CDATA[text]]></MsgType><Content>x</Content><MsgId>${id}</MsgId>`));
    t.equal(m.msgId, id);
    t.equal(m.dedupeKey, `msg:${id}`);
    t.not(String(Number(id)), id, 'Number would have rounded it');
  }
  refused(
    t,
    () => parseMessage(msg('<MsgType>text</MsgType><Content>x</Content><MsgId>18446744073709551616</MsgId>')),
    400,
    'BAD_FIELD',
    'MsgId',
  );
  refused(t, () => parseMessage(msg('<MsgType>text</MsgType><Content>x</Content><MsgId>12ab</MsgId>')), 400, 'BAD_FIELD', 'MsgId');
});

t.test('voice with Recognition, image, location, other', async (t) => {
  const voice = parseMessage(
    msg(
      '<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[amr]]></Format>' +
        '<Recognition><![CDATA[腾讯微信团队]]></Recognition><MsgId>1234567890123456</MsgId>',
    ),
  );
  t.match(voice, { kind: 'voice', mediaId: 'media_id', format: 'amr', recognition: '腾讯微信团队' });
  const plainVoice = parseMessage(msg('<MsgType>voice</MsgType><MediaId>m</MediaId><Format>speex</Format><MsgId>1</MsgId>'));
  t.notOk('recognition' in plainVoice, 'no Recognition, no property');

  const image = parseMessage(
    msg(
      '<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl><MediaId><![CDATA[mid]]></MediaId><MsgId>7</MsgId>',
    ),
  );
  t.match(image, { kind: 'image', picUrl: 'http://mmbiz.qpic.cn/x', mediaId: 'mid', msgId: '7' });

  const loc = parseMessage(
    msg(
      '<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y>' +
        '<Scale>20</Scale><Label><![CDATA[位置信息]]></Label><MsgId>1234567890123456</MsgId>',
    ),
  );
  t.match(loc, {
    kind: 'location',
    locationX: '23.134521',
    locationY: '113.358803',
    latitude: 23.134521,
    longitude: 113.358803,
    scale: 20,
    label: '位置信息',
  });
  refused(
    t,
    () => parseMessage(msg('<MsgType>location</MsgType><Location_X>north</Location_X><Location_Y>1</Location_Y>')),
    400,
    'BAD_FIELD',
    'Location_X',
  );
  refused(
    t,
    () => parseMessage(msg('<MsgType>location</MsgType><Location_X>1</Location_X><Location_Y>181</Location_Y>')),
    400,
    'BAD_FIELD',
    'Location_Y',
  );

  const video = parseMessage(
    msg('<MsgType><![CDATA[video]]></MsgType><MediaId>m</MediaId><ThumbMediaId>th</ThumbMediaId><MsgId>42</MsgId>'),
  );
  t.match(video, { kind: 'other', msgType: 'video', msgId: '42', dedupeKey: 'msg:42', fields: { ThumbMediaId: 'th' } });
});

t.test('events dedupe by FromUserName + CreateTime', async (t) => {
  const sub = parseMessage(msg('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>'));
  t.match(sub, { kind: 'event', event: 'subscribe', msgId: null, dedupeKey: 'event:oUser:1348831860' });
  t.notOk('eventKey' in sub);
  const click = parseMessage(
    msg('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[COMPLAIN]]></EventKey>'),
  );
  t.match(click, { kind: 'event', event: 'CLICK', eventKey: 'COMPLAIN', dedupeKey: 'event:oUser:1348831860' });
  const where = parseMessage(
    msg(
      '<MsgType>event</MsgType><Event>LOCATION</Event><Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>',
    ),
  );
  t.match(where, { event: 'LOCATION', fields: { Latitude: '23.137466', Longitude: '113.352425' } });
  // Template-send receipts carry MsgID, but the event key still applies.
  const receipt = parseMessage(
    msg('<MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>200163836</MsgID><Status>success</Status>'),
  );
  t.match(receipt, { msgId: '200163836', dedupeKey: 'event:oUser:1348831860' });
  // Menu events nest elements; the push must still parse.
  const pics = parseMessage(
    msg(
      '<MsgType>event</MsgType><Event>pic_sysphoto</Event><EventKey>6</EventKey><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum>1b5f</PicMd5Sum></item></PicList></SendPicsInfo>',
    ),
  );
  t.match(pics, { event: 'pic_sysphoto', eventKey: '6' });
  t.notOk('SendPicsInfo' in pics.fields);
});

t.test('entities: the five predefined and character references, nothing else', async (t) => {
  const m = parseMessage(
    msg(
      '<MsgType>text</MsgType><Content>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#x4E2D;&#25991; &#128512;<![CDATA[&lt;kept]]></Content><MsgId>1</MsgId>',
    ),
  );
  t.equal(m.kind === 'text' && m.content, 'a <b> & "c" \'d\' 中文 😀&lt;kept');
  // Declarations inside CDATA are just what the citizen typed.
  const typed = parseMessage(msg('<MsgType>text</MsgType><Content><![CDATA[<!DOCTYPE x> & <!ENTITY>]]></Content><MsgId>1</MsgId>'));
  t.equal(typed.kind === 'text' && typed.content, '<!DOCTYPE x> & <!ENTITY>');
  const crlf = parseMessage(
    '<?xml version="1.0" encoding="UTF-8"?>\r\n' + msg('<MsgType>text</MsgType><Content><![CDATA[a\r\nb]]></Content><MsgId>1</MsgId>'),
  );
  t.equal(crlf.kind === 'text' && crlf.content, 'a\nb', 'line ends normalised as XML requires');
  refused(t, () => parseMessage(msg('<MsgType>text</MsgType><Content>&xxe;</Content>')), 400, 'XML_ENTITIES_FORBIDDEN');
  refused(t, () => parseMessage(msg('<MsgType>text</MsgType><Content>&constructor;</Content>')), 400, 'XML_ENTITIES_FORBIDDEN');
  refused(t, () => parseMessage(msg('<MsgType>text</MsgType><Content>&#0;</Content>')), 400, 'XML_MALFORMED');
  refused(t, () => parseMessage(msg('<MsgType>text</MsgType><Content>fish & chips</Content>')), 400, 'XML_MALFORMED');
});

t.test('DTDs and entity declarations are refused before anything is expanded', async (t) => {
  const body = msg('<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId>');
  const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${body}`;
  const laughs =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
    Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('') +
    ']>' +
    msg('<MsgType>text</MsgType><Content>&lol9;</Content>');
  for (const [name, xml] of [
    ['XXE', xxe],
    ['billion laughs', laughs],
    ['DOCTYPE alone', `<!DOCTYPE xml>${body}`],
    ['ENTITY inside the root', msg('<!ENTITY a "b"><MsgType>text</MsgType>')],
    ['a comment', msg('<!-- hi --><MsgType>text</MsgType>')],
  ] as const) {
    t.test(name, async (t) => refused(t, () => parseMessage(xml), 400, 'XML_ENTITIES_FORBIDDEN'));
  }
});

t.test('size limit answers 413, counted in UTF-8 bytes', async (t) => {
  const big = msg(`<MsgType>text</MsgType><Content>${'x'.repeat(64 * 1024)}</Content><MsgId>1</MsgId>`);
  refused(t, () => parseMessage(big), 413, 'XML_TOO_LARGE');
  const cjk = msg('<MsgType>text</MsgType><Content>投诉</Content><MsgId>1</MsgId>');
  const bytes = Buffer.byteLength(cjk);
  t.ok(parseMessage(cjk, { maxBytes: bytes }));
  refused(t, () => parseMessage(cjk, { maxBytes: bytes - 1 }), 413, 'XML_TOO_LARGE');
});

t.test('malformed XML, wrong root and missing fields are 400', async (t) => {
  const ok = '<MsgType>text</MsgType><Content>x</Content>';
  const malformed = {
    'empty body': '',
    'plain text': 'hello',
    'unclosed root': `<xml>${ok}`,
    'unclosed child': msg('<MsgType>text</MsgType><Content>x'),
    'mismatched tags': msg('<MsgType>text</Content>'),
    'unterminated CDATA': msg('<MsgType>text</MsgType><Content><![CDATA[x</Content>'),
    attributes: msg('<MsgType a="1">text</MsgType>'),
    'text after root': `${msg(ok)}junk`,
    'second root': `${msg(ok)}<xml></xml>`,
    'processing instruction': msg(`<?php echo 1 ?>${ok}`),
    'control character': msg('<MsgType>text</MsgType><Content>a\u0001b</Content>'),
    'mixed content': msg(`stray${ok}`),
    'too deep': msg(`${ok}<a><b><c><d><e><f><g><h>x</h></g></f></e></d></c></b></a>`),
  };
  for (const [name, xml] of Object.entries(malformed)) {
    t.test(name, async (t) => refused(t, () => parseMessage(xml), 400, 'XML_MALFORMED'));
  }
  refused(t, () => parseMessage(`<message>${ok}</message>`), 400, 'XML_BAD_ROOT');
  refused(t, () => parseMessage(msg(`${ok}<Content>y</Content>`)), 400, 'XML_DUPLICATE_FIELD', 'Content');
  const all = { ToUserName: 'gh_x', FromUserName: 'oUser', CreateTime: '1348831860', MsgType: 'text' };
  for (const missing of Object.keys(all)) {
    const xml = `<xml>${Object.entries(all)
      .filter(([k]) => k !== missing)
      .map(([k, v]) => `<${k}>${v}</${k}>`)
      .join('')}<Content>x</Content></xml>`;
    t.test(`missing ${missing}`, async (t) => refused(t, () => parseMessage(xml), 400, 'MISSING_FIELD', missing));
  }
  refused(t, () => parseMessage(msg('<MsgType>text</MsgType>')), 400, 'MISSING_FIELD', 'Content');
  refused(t, () => parseMessage(msg('<MsgType>event</MsgType>')), 400, 'MISSING_FIELD', 'Event');
  refused(
    t,
    () => parseMessage(msg(ok, '<ToUserName>gh_x</ToUserName><FromUserName>oUser</FromUserName><CreateTime>soon</CreateTime>')),
    400,
    'BAD_FIELD',
    'CreateTime',
  );
});

t.test('passive text reply', async (t) => {
  const reply = buildTextReply({ toUserName: 'oUser', fromUserName: 'gh_x', content: '已受理 ]]> <b>&', createTime: 1700000000 });
  t.equal(
    reply,
    '<xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_x]]></FromUserName>' +
      '<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>' +
      '<Content><![CDATA[已受理 ]]]]><![CDATA[> <b>&]]></Content></xml>',
  );
  t.match(parseMessage(reply), { kind: 'text', toUserName: 'oUser', fromUserName: 'gh_x', content: '已受理 ]]> <b>&' });
  t.throws(() => buildTextReply({ toUserName: 'o', fromUserName: 'g', content: 'x', createTime: 1.5 }), RangeError);
});

// Safe mode. Ciphertexts below are built with node:crypto straight from the
// documented byte layout, or taken from WeChat's own WXBizMsgCrypt samples.
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

function sealByHand(o: { key: string; msg: string; appId: string; pad?: (n: number) => Buffer }): string {
  const aes = Buffer.from(`${o.key}=`, 'base64');
  const msg = Buffer.from(o.msg);
  const len = Buffer.from([msg.length >>> 24, (msg.length >>> 16) & 255, (msg.length >>> 8) & 255, msg.length & 255]);
  const body = Buffer.concat([Buffer.from('0123456789abcdef'), len, msg, Buffer.from(o.appId)]);
  const n = 32 - (body.length % 32);
  const cipher = createCipheriv('aes-256-cbc', aes, aes.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([body, o.pad ? o.pad(n) : Buffer.alloc(n, n)])), cipher.final()]).toString('base64');
}

t.test('decrypts a ciphertext built independently from the spec', async (t) => {
  const c = new WechatCrypto('hotline', KEY, 'wx1234567890abcdef');
  const xml = msg('<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[路灯坏了]]></Content><MsgId>9223372036854775809</MsgId>');
  t.same(c.decrypt(sealByHand({ key: KEY, msg: xml, appId: 'wx1234567890abcdef' })), { xml, appId: 'wx1234567890abcdef' });
  // A body that fills whole blocks gets a full 32-byte block of padding.
  const exact = 'x'.repeat(64 - 16 - 4 - 18);
  t.equal(c.decrypt(sealByHand({ key: KEY, msg: exact, appId: 'wx1234567890abcdef' })).xml, exact);
});

t.test('matches the official WXBizMsgCrypt vectors', async (t) => {
  // Java sample testAesEncrypt: fixed random "aaaabbbbccccdddd".
  const a = new WechatCrypto('pamtest', KEY, 'wxb11529c136998cb6');
  const cipher = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==';
  t.equal(a.encrypt('我是中文abcd123', Buffer.from('aaaabbbbccccdddd')), cipher);
  t.equal(a.decrypt(cipher).xml, '我是中文abcd123');
  // Python Sample.py: a compatible-mode push, checked and decrypted end to end.
  const c = new WechatCrypto('spamtest', KEY, 'wx2c2769f8efd9abc2');
  const encrypt =
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
  const body = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  t.equal(c.extractEncrypt(body), encrypt);
  const [timestamp, nonce, msgSignature] = ['1409735669', '1320562132', '5d197aaffba7e9b25a30732f161a50dee96bd5fa'];
  t.equal(c.signature(timestamp, nonce, encrypt), msgSignature);
  t.ok(c.verifyMsgSignature({ timestamp, nonce, encrypt, msgSignature }));
  t.notOk(c.verifyMsgSignature({ timestamp, nonce: '1320562133', encrypt, msgSignature }));
  t.notOk(c.verifyMsgSignature({ timestamp, nonce, encrypt: encrypt.replace('hyz', 'hyZ'), msgSignature }));
  t.notOk(new WechatCrypto('other', KEY, 'wx2c2769f8efd9abc2').verifyMsgSignature({ timestamp, nonce, encrypt, msgSignature }));
  const m = parseMessage(c.decrypt(encrypt).xml);
  t.match(m, { kind: 'text', content: 'abcdteT', msgId: '6054768590064713728', fromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs' });
});

t.test('encrypt → decrypt round trip and the encrypted reply envelope', async (t) => {
  const c = new WechatCrypto('hotline', KEY, 'wx1234567890abcdef');
  const reply = buildTextReply({
    toUserName: 'oUser',
    fromUserName: 'gh_x',
    content: '您的诉求已受理，工单号 12345',
    createTime: 1700000000,
  });
  const one = c.encrypt(reply);
  t.not(one, c.encrypt(reply), 'a fresh random prefix each time');
  t.same(c.decrypt(one), { xml: reply, appId: 'wx1234567890abcdef' });

  const envelope = c.buildEncryptedReply(reply, '1700000000', 'n0nce', Buffer.alloc(16, 7));
  const part = (name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)(?:\\]\\]>)?</${name}>`).exec(envelope)?.[1];
  t.match(
    envelope,
    /^<xml><Encrypt><!\[CDATA\[[A-Za-z0-9+/=]+\]\]><\/Encrypt><MsgSignature><!\[CDATA\[[0-9a-f]{40}\]\]><\/MsgSignature><TimeStamp>1700000000<\/TimeStamp><Nonce><!\[CDATA\[n0nce\]\]><\/Nonce><\/xml>$/,
  );
  const encrypt = part('Encrypt')!;
  t.equal(part('MsgSignature'), sha1(['hotline', '1700000000', 'n0nce', encrypt].sort().join('')), 'signature computed independently');
  t.equal(c.extractEncrypt(envelope), encrypt);
  t.equal(c.decrypt(encrypt).xml, reply);
  t.equal(encrypt, c.encrypt(reply, Buffer.alloc(16, 7)), 'deterministic given the random bytes');
});

t.test('safe mode refuses foreign, tampered and malformed ciphertexts', async (t) => {
  const c = new WechatCrypto('hotline', KEY, 'wx1234567890abcdef');
  const foreign = sealByHand({ key: KEY, msg: '<xml/>', appId: 'wxffffffffffffffff' });
  refused(t, () => c.decrypt(foreign), 400, 'WECHAT_APPID_MISMATCH');
  for (const [name, pad] of [
    ['pad bytes that disagree', (n: number) => Buffer.concat([Buffer.alloc(n - 1, 1), Buffer.from([n])])],
    ['a zero pad byte', (n: number) => Buffer.alloc(n, 0)],
    ['a pad over 32', (n: number) => Buffer.alloc(n, 33)],
  ] as const) {
    // The message length is chosen so that n > 1, leaving room for disagreeing pad bytes.
    const bad = sealByHand({ key: KEY, msg: '<xml>1234</xml>', appId: 'wx1234567890abcdef', pad });
    t.test(name, async (t) => refused(t, () => c.decrypt(bad), 400, 'WECHAT_BAD_PADDING'));
  }
  const wrongKey = new WechatCrypto('hotline', 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut', 'wx1234567890abcdef');
  t.throws(() => wrongKey.decrypt(c.encrypt('<xml>hello</xml>')), WechatProtocolError, 'another key');
  for (const junk of ['', 'not base64!', 'YWJj', 'A'.repeat(24)]) {
    refused(t, () => c.decrypt(junk), 400, 'WECHAT_DECRYPT_FAILED');
  }
  refused(t, () => c.decrypt(sealByHand({ key: KEY, msg: 'x', appId: '' })), 400, 'WECHAT_APPID_MISMATCH');
  refused(
    t,
    () => c.extractEncrypt(`<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Encrypt>&xxe;</Encrypt></xml>`),
    400,
    'XML_ENTITIES_FORBIDDEN',
  );
  refused(t, () => c.extractEncrypt('<xml><ToUserName>gh_x</ToUserName></xml>'), 400, 'MISSING_FIELD', 'Encrypt');
  for (const key of ['short', `${KEY}=`, KEY.replace('a', '*')]) {
    t.throws(() => new WechatCrypto('hotline', key, 'wx1'), TypeError, `key ${key}`);
  }
});
