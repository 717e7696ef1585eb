/** The WeChat Official Account (公众号) push protocol, as 接入指南 / 接收普通消息 / 被动回复用户消息 / 消息加解密
 * describe it. Pure: no I/O and no clock; callers pass the time in. */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError, type ErrorCode } from '../core/errors.ts';
import { statusOf } from '../http/status.ts';

/** A push that does not follow the protocol: a domain error of the catalogue, answered by the errors plugin. */
export class WechatProtocolError extends DomainError {
  constructor(code: ErrorCode, message: string, field?: string) {
    super(code, message, field ? { field } : undefined);
    this.name = 'WechatProtocolError';
  }
  /** The HTTP status the peer gets (the route answers before any reply is built). */
  get status(): number {
    return statusOf(this.code);
  }
  get statusCode(): number {
    return this.status;
  }
}

const bad = (code: ErrorCode, message: string, field?: string) => new WechatProtocolError(code, message, field);

/** WeChat takes this (or an empty body) as "no passive reply"; a reply it cannot parse makes it tell the citizen the account is down. */
export const NO_REPLY = 'success';

const sha1Sorted = (parts: string[]) =>
  createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');

function safeEqual(expected: string, given: unknown): boolean {
  const a = Buffer.from(expected);
  const b = typeof given === 'string' ? Buffer.from(given) : null;
  return b !== null && a.length === b.length && timingSafeEqual(a, b);
}

export function verifySignature(p: { token: string; timestamp: string; nonce: string; signature: string }): boolean {
  if (![p.token, p.timestamp, p.nonce].every((s) => typeof s === 'string') || !p.token) return false;
  return safeEqual(sha1Sorted([p.token, p.timestamp, p.nonce]), p.signature);
}

/** A valid signature alone can be replayed forever; the timestamp bounds that window. */
export function checkTimestamp(timestamp: string, now: Date, maxSkewSeconds = 300): boolean {
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
  const nowSeconds = now.getTime() / 1000;
  return Number.isFinite(nowSeconds) && Math.abs(nowSeconds - Number(timestamp)) <= maxSkewSeconds;
}

// XML: a strict subset parser. WeChat never sends a DTD, attributes, comments
// or namespaces, so refusing them all removes XXE and entity expansion
// outright rather than configuring them away in a general-purpose parser.

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const SPACE = /[ \t\n]*/y;
const XML_DECL =
  /<\?xml\s+version\s*=\s*(["'])1\.\d+\1(\s+encoding\s*=\s*(["'])[A-Za-z][\w.-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>/y;
const REFERENCE = /&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|([A-Za-z_][\w.-]*))?(;?)/g;
const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);
// Nested elements exist only in a few menu events (SendPicsInfo, ScanCodeInfo); this is far deeper.
const MAX_DEPTH = 8;
const DEFAULT_MAX_BYTES = 64 * 1024;

const malformed = (why: string) => bad('XML_MALFORMED', `malformed XML: ${why}`);

function decodeText(raw: string): string {
  if (raw.includes(']]>')) throw malformed("']]>' outside a CDATA section");
  return raw.replace(REFERENCE, (_m, hex: string | undefined, dec: string | undefined, name: string | undefined, semi: string) => {
    if (!semi || (hex ?? dec ?? name) === undefined) throw malformed("a bare '&' must be written &amp;");
    if (name !== undefined) {
      const ch = PREDEFINED.get(name);
      if (ch === undefined)
        throw bad('XML_ENTITIES_FORBIDDEN', `entity &${name}; is not allowed; only the five predefined XML entities are`);
      return ch;
    }
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    const ch = cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    if (!ch || NOT_XML_CHAR.test(ch)) throw malformed(`character reference to U+${cp.toString(16).toUpperCase()} is not an XML character`);
    return ch;
  });
}

/** Children of the root `<xml>` that hold text; elements with element children are checked but not exposed. */
function parseFlatXml(input: string, maxBytes: number): Record<string, string> {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so the cheap check goes first.
  if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) {
    throw new WechatProtocolError('XML_TOO_LARGE', `XML body exceeds ${maxBytes} bytes`);
  }
  const src = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (NOT_XML_CHAR.test(src)) throw malformed('contains characters XML does not allow');
  let pos = 0;

  const at = (s: string) => src.startsWith(s, pos);
  const skipSpace = () => void ((SPACE.lastIndex = pos), SPACE.test(src), (pos = SPACE.lastIndex));
  const markupGuard = () => {
    if (at('<!')) throw bad('XML_ENTITIES_FORBIDDEN', 'DOCTYPE, ENTITY, comments and other <! declarations are not allowed');
    if (at('<?')) throw malformed('processing instructions are not allowed');
  };
  const readName = (): string => {
    NAME.lastIndex = pos;
    const name = NAME.exec(src)?.[0];
    if (!name) throw malformed(`expected an element name at offset ${pos}`);
    return ((pos = NAME.lastIndex), name);
  };

  type Node = { name: string; text: string; hasChildren: boolean };
  const element = (depth: number, onChild?: (n: Node) => void): Node => {
    if (depth > MAX_DEPTH) throw malformed(`elements nested deeper than ${MAX_DEPTH}`);
    pos++; // '<'
    const name = readName();
    skipSpace();
    if (at('/>')) return ((pos += 2), { name, text: '', hasChildren: false });
    if (!at('>')) throw malformed(`attributes are not allowed (in <${name}>)`);
    pos++;
    let text = '';
    let hasChildren = false;
    for (;;) {
      const lt = src.indexOf('<', pos);
      if (lt < 0) throw malformed(`<${name}> is never closed`);
      text += decodeText(src.slice(pos, lt));
      pos = lt;
      if (at('<![CDATA[')) {
        const end = src.indexOf(']]>', pos + 9);
        if (end < 0) throw malformed('unterminated CDATA section');
        text += src.slice(pos + 9, end);
        pos = end + 3;
        continue;
      }
      markupGuard();
      if (at('</')) {
        pos += 2;
        const closing = readName();
        if (closing !== name) throw malformed(`<${name}> closed by </${closing}>`);
        skipSpace();
        if (!at('>')) throw malformed(`bad closing tag </${closing}>`);
        pos++;
        if (hasChildren && text.trim()) throw malformed(`<${name}> mixes text and elements`);
        return { name, text, hasChildren };
      }
      hasChildren = true;
      const child = element(depth + 1); // not inside onChild?.(): that would skip parsing it
      onChild?.(child);
    }
  };

  XML_DECL.lastIndex = 0;
  if (XML_DECL.test(src)) pos = XML_DECL.lastIndex;
  skipSpace();
  markupGuard();
  if (!at('<')) throw malformed('document does not start with an element');
  NAME.lastIndex = pos + 1;
  const rootName = NAME.exec(src)?.[0];
  if (rootName !== 'xml') throw bad('XML_BAD_ROOT', `root element must be <xml>, got <${rootName ?? '?'}>`);

  const fields: Record<string, string> = Object.create(null);
  const seen = new Set<string>();
  element(1, (child) => {
    // Two values for one field would let a forged element shadow the real one.
    if (seen.has(child.name)) throw bad('XML_DUPLICATE_FIELD', `<${child.name}> appears twice`, child.name);
    seen.add(child.name);
    if (!child.hasChildren) fields[child.name] = child.text;
  });
  skipSpace();
  markupGuard();
  if (pos !== src.length) throw malformed('content after the root element');
  return fields;
}

// Messages (接收普通消息 / 接收事件推送)

interface WechatMessageBase {
  toUserName: string;
  fromUserName: string;
  createTime: number;
  msgType: string;
  /** 64-bit; kept as a string because Number would round it. */
  msgId: string | null;
  /** WeChat retries an unanswered push three times; this identifies the retries. */
  dedupeKey: string;
  /** Every text child of <xml>, verbatim, for fields the union does not name. */
  fields: Readonly<Record<string, string>>;
}
export interface WechatTextMessage extends WechatMessageBase {
  kind: 'text';
  content: string;
}
export interface WechatImageMessage extends WechatMessageBase {
  kind: 'image';
  picUrl: string;
  mediaId: string;
}
/** recognition is present only when the account has speech recognition on, and may be empty. */
export interface WechatVoiceMessage extends WechatMessageBase {
  kind: 'voice';
  mediaId: string;
  format: string;
  recognition?: string;
}
/** Location_X is the latitude and Location_Y the longitude; the strings are kept as sent. */
export interface WechatLocationMessage extends WechatMessageBase {
  kind: 'location';
  locationX: string;
  locationY: string;
  latitude: number;
  longitude: number;
  scale: number | null;
  label: string;
}
export interface WechatEventMessage extends WechatMessageBase {
  kind: 'event';
  event: string;
  eventKey?: string;
}
export interface WechatOtherMessage extends WechatMessageBase {
  kind: 'other';
}
export type WechatMessage =
  WechatTextMessage | WechatImageMessage | WechatVoiceMessage | WechatLocationMessage | WechatEventMessage | WechatOtherMessage;

function required(fields: Record<string, string>, name: string): string {
  const v = fields[name];
  if (v === undefined) throw bad('MISSING_FIELD', `<${name}> is required`, name);
  return v;
}

const optional = <K extends string>(key: K, v: string | undefined) => (v === undefined ? {} : ({ [key]: v } as Record<K, string>));

function coordinate(fields: Record<string, string>, name: string, limit: number): [string, number] {
  const raw = required(fields, name);
  const n = /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(Math.abs(n) <= limit)) throw bad('BAD_FIELD', `<${name}> is not a coordinate: ${raw}`, name);
  return [raw, n];
}

export function parseMessage(xml: string, opts: { maxBytes?: number } = {}): WechatMessage {
  const f = parseFlatXml(xml, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  const toUserName = required(f, 'ToUserName');
  const fromUserName = required(f, 'FromUserName');
  const createTimeRaw = required(f, 'CreateTime').trim();
  const msgType = required(f, 'MsgType');
  if (!/^\d{1,12}$/.test(createTimeRaw)) throw bad('BAD_FIELD', '<CreateTime> must be seconds since the epoch', 'CreateTime');
  const createTime = Number(createTimeRaw);
  if (!toUserName || !fromUserName) throw bad('BAD_FIELD', 'ToUserName and FromUserName must not be empty');

  // Some events (e.g. TEMPLATESENDJOBFINISH) spell it MsgID.
  const msgIdRaw = (f.MsgId ?? f.MsgID)?.trim();
  if (msgIdRaw !== undefined && !(/^\d{1,20}$/.test(msgIdRaw) && BigInt(msgIdRaw) < 2n ** 64n)) {
    throw bad('BAD_FIELD', '<MsgId> must be an unsigned 64-bit integer', 'MsgId');
  }
  const msgId = msgIdRaw ?? null;
  // WeChat's advice: MsgId for messages, FromUserName+CreateTime for events (which mostly have none).
  const dedupeKey = msgType !== 'event' && msgId !== null ? `msg:${msgId}` : `event:${fromUserName}:${createTime}`;
  const base = { toUserName, fromUserName, createTime, msgType, msgId, dedupeKey, fields: f };

  switch (msgType) {
    case 'text':
      return { ...base, kind: 'text', content: required(f, 'Content') };
    case 'image':
      return { ...base, kind: 'image', picUrl: required(f, 'PicUrl'), mediaId: required(f, 'MediaId') };
    case 'voice':
      return {
        ...base,
        kind: 'voice',
        mediaId: required(f, 'MediaId'),
        format: required(f, 'Format'),
        ...optional('recognition', f.Recognition),
      };
    case 'location': {
      const [locationX, latitude] = coordinate(f, 'Location_X', 90);
      const [locationY, longitude] = coordinate(f, 'Location_Y', 180);
      const scale = /^\s*\d{1,3}\s*$/.test(f.Scale ?? '') ? Number(f.Scale) : null;
      return { ...base, kind: 'location', locationX, locationY, latitude, longitude, scale, label: f.Label ?? '' };
    }
    case 'event':
      return { ...base, kind: 'event', event: required(f, 'Event'), ...optional('eventKey', f.EventKey) };
    default:
      return { ...base, kind: 'other' };
  }
}

// Passive replies (被动回复用户消息)

/** CDATA cannot contain ']]>', so it is split across two sections; invalid XML characters become U+FFFD. */
function cdata(value: string): string {
  const clean = value.replace(new RegExp(NOT_XML_CHAR.source, 'gu'), '\uFFFD');
  return `<![CDATA[${clean.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** toUserName is the citizen's openid and fromUserName the account id: the inbound pair swapped. */
export function buildTextReply(p: { toUserName: string; fromUserName: string; content: string; createTime: number }): string {
  if (!Number.isSafeInteger(p.createTime) || p.createTime < 0)
    throw new RangeError(`createTime must be whole seconds, got ${p.createTime}`);
  return (
    `<xml><ToUserName>${cdata(p.toUserName)}</ToUserName><FromUserName>${cdata(p.fromUserName)}</FromUserName>` +
    `<CreateTime>${p.createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content>${cdata(p.content)}</Content></xml>`
  );
}

// Safe mode (消息加解密): AES-256-CBC, IV = first 16 key bytes, PKCS#7 to 32-byte
// blocks, plaintext = random(16) ‖ uint32be(len) ‖ msg ‖ appId.

const PAD_BLOCK = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export class WechatCrypto {
  readonly #key: Buffer;
  constructor(
    private readonly token: string,
    encodingAESKey: string,
    readonly appId: string,
  ) {
    if (!token || !appId) throw new TypeError('WechatCrypto needs a token and an appId');
    const key = /^[A-Za-z0-9+/]{43}$/.test(encodingAESKey) ? Buffer.from(`${encodingAESKey}=`, 'base64') : null;
    if (key?.length !== 32) throw new TypeError('EncodingAESKey must be 43 base64 characters');
    this.#key = key;
  }

  /** Throws WECHAT_DECRYPT_FAILED, WECHAT_BAD_PADDING or WECHAT_APPID_MISMATCH (all 400). */
  decrypt(encrypt: string): { xml: string; appId: string } {
    const fail = (code: ErrorCode, why: string) => bad(code, `cannot decrypt WeChat message: ${why}`);
    const data = BASE64.test(encrypt) && encrypt.length % 4 === 0 ? Buffer.from(encrypt, 'base64') : null;
    if (!data || data.length === 0 || data.length % PAD_BLOCK !== 0) throw fail('WECHAT_DECRYPT_FAILED', 'not a base64 AES ciphertext');
    const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#key.subarray(0, 16)).setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(data), decipher.final()]);
    // Checking every pad byte, not just the last, catches a wrong key or a corrupted body.
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > PAD_BLOCK || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
      throw fail('WECHAT_BAD_PADDING', 'invalid PKCS#7 padding');
    }
    const body = plain.subarray(0, plain.length - pad);
    if (body.length < 20) throw fail('WECHAT_DECRYPT_FAILED', 'plaintext too short');
    const msgLength = body.readUInt32BE(16);
    if (20 + msgLength > body.length) throw fail('WECHAT_DECRYPT_FAILED', 'message length exceeds plaintext');
    const raw = body.subarray(20, 20 + msgLength);
    const xml = raw.toString('utf8'); // lossy: invalid bytes become U+FFFD, which the round trip below catches
    if (!Buffer.from(xml, 'utf8').equals(raw)) throw fail('WECHAT_DECRYPT_FAILED', 'message is not UTF-8');
    const appId = body.subarray(20 + msgLength).toString('utf8');
    if (appId !== this.appId) throw fail('WECHAT_APPID_MISMATCH', `addressed to appId ${JSON.stringify(appId)}, not ours`);
    return { xml, appId };
  }

  encrypt(xml: string, random16: Buffer = randomBytes(16)): string {
    if (random16.length !== 16) throw new RangeError('random16 must be 16 bytes');
    const msg = Buffer.from(xml, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(msg.length);
    const body = Buffer.concat([random16, length, msg, Buffer.from(this.appId, 'utf8')]);
    const pad = PAD_BLOCK - (body.length % PAD_BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#key.subarray(0, 16)).setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  signature(timestamp: string, nonce: string, encrypt: string): string {
    return sha1Sorted([this.token, timestamp, nonce, encrypt]);
  }

  verifyMsgSignature(p: { timestamp: string; nonce: string; encrypt: string; msgSignature: string }): boolean {
    if (![p.timestamp, p.nonce, p.encrypt].every((s) => typeof s === 'string')) return false;
    return safeEqual(this.signature(p.timestamp, p.nonce, p.encrypt), p.msgSignature);
  }

  /** Compatible mode also sends the fields in clear; only what decrypt() returns is authenticated. */
  extractEncrypt(xml: string, opts: { maxBytes?: number } = {}): string {
    return required(parseFlatXml(xml, opts.maxBytes ?? DEFAULT_MAX_BYTES), 'Encrypt');
  }

  buildEncryptedReply(replyXml: string, timestamp: string, nonce: string, random16?: Buffer): string {
    if (!/^\d{1,12}$/.test(timestamp)) throw new RangeError('timestamp must be decimal seconds');
    const encrypt = this.encrypt(replyXml, random16);
    return (
      `<xml><Encrypt>${cdata(encrypt)}</Encrypt><MsgSignature>${cdata(this.signature(timestamp, nonce, encrypt))}</MsgSignature>` +
      `<TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`
    );
  }
}
