/**
 * The WeChat Official Account (公众号) push endpoint, as the WeChat server calls
 * it: GET to verify the URL, POST with the XML of each message (plain or safe
 * mode), answered within WeChat's 5 seconds with a passive text reply carrying
 * the tracking number. WeChat retries an unanswered push three times: a retry
 * finds the order the first push made and gets the same answer.
 */
import { isUtf8 } from 'node:buffer';
import { DomainError } from '../core/errors.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { linkInboundToOrder, recentOrderOf, recordInbound } from '../../db/queries/inbound.ts';
import {
  buildTextReply,
  checkTimestamp,
  NO_REPLY,
  parseMessage,
  verifySignature,
  WechatCrypto,
  WechatProtocolError,
  type WechatMessage,
} from '../channels/wechat-protocol.ts';

export interface WechatOptions {
  token?: string;
  appId?: string;
  aesKey?: string;
}

const Query = Type.Object({
  signature: Type.String({ pattern: '^[0-9a-f]{40}$' }),
  timestamp: Type.String({ pattern: '^[0-9]{1,12}$' }),
  nonce: Type.String({ minLength: 1, maxLength: 64 }),
  echostr: Type.Optional(Type.String({ maxLength: 200 })),
  openid: Type.Optional(Type.String({ maxLength: 64 })),
  encrypt_type: Type.Optional(Type.String({ maxLength: 10 })),
  msg_signature: Type.Optional(Type.String({ pattern: '^[0-9a-f]{40}$' })),
});

/** WeChat's pushes are a few KiB at most; the XML parser refuses more than this as well. */
const BODY_LIMIT = 64 * 1024;

/** A location or picture sent within this time extends the citizen's last complaint. */
const EXTEND_WINDOW_MS = 30 * 60_000;

const wechatRoutes: FastifyPluginAsyncTypebox<WechatOptions> = async (app, opts) => {
  const crypto = opts.token && opts.aesKey && opts.appId ? new WechatCrypto(opts.token, opts.aesKey, opts.appId) : null;
  // WeChat posts text/xml in UTF-8; the body is taken as a string and parsed by the strict parser.
  // Bytes that are not UTF-8 make malformed XML (an encoding error is fatal), not text with U+FFFD in it.
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body: Buffer, done) =>
    isUtf8(body)
      ? done(null, body.toString('utf8'))
      : done(new WechatProtocolError('XML_MALFORMED', 'malformed XML: the body is not UTF-8'), undefined),
  );

  function authenticate(q: { signature: string; timestamp: string; nonce: string }) {
    if (!opts.token) throw new DomainError('WECHAT_NOT_CONFIGURED', '未配置 WECHAT_TOKEN');
    if (!verifySignature({ token: opts.token, ...q })) throw new DomainError('BAD_SIGNATURE', '微信签名校验失败', { field: 'signature' });
    if (!checkTimestamp(q.timestamp, app.clock.now()))
      throw new DomainError('STALE_TIMESTAMP', '时间戳过旧或超前，疑似重放', { field: 'timestamp' });
  }

  app.get('/', { schema: { summary: '微信服务器 URL 验证', tags: ['channels'], querystring: Query } }, async (request, reply) => {
    authenticate(request.query);
    return reply.type('text/plain').send(request.query.echostr ?? '');
  });

  app.post(
    '/',
    {
      // On the route as well as the parser, so the 413 names this limit and not the server's.
      bodyLimit: BODY_LIMIT,
      schema: {
        summary: '微信公众号消息推送',
        description:
          '文本、语音（识别结果）生成工单并被动回复工单编号；位置、图片补充到该用户30分钟内的工单；按 MsgId（事件按 FromUserName+CreateTime）去重。支持明文和安全模式（AES）。',
        tags: ['channels'],
        querystring: Query,
      },
    },
    async (request, reply) => {
      const q = request.query;
      authenticate(q);
      if (typeof request.body !== 'string') throw new DomainError('XML_REQUIRED', '消息体必须是 XML（text/xml）');
      let xml = request.body;
      const safe = q.encrypt_type === 'aes';
      if (safe) {
        if (!crypto) throw new DomainError('SAFE_MODE_NOT_CONFIGURED', '未配置 WECHAT_AES_KEY / WECHAT_APPID，不能解密安全模式消息');
        const encrypt = crypto.extractEncrypt(xml);
        if (
          !q.msg_signature ||
          !crypto.verifyMsgSignature({ timestamp: q.timestamp, nonce: q.nonce, encrypt, msgSignature: q.msg_signature })
        ) {
          throw new DomainError('BAD_SIGNATURE', '消息签名 msg_signature 校验失败', { field: 'msg_signature' });
        }
        xml = crypto.decrypt(encrypt).xml;
      }
      const message = parseMessage(xml);
      const text = await handle(message, xml);
      if (text === null) return reply.type('text/plain').send(NO_REPLY);
      const out = buildTextReply({
        toUserName: message.fromUserName,
        fromUserName: message.toUserName,
        content: text,
        createTime: Math.floor(app.clock.now().getTime() / 1000),
      });
      return reply.type('application/xml').send(safe ? crypto!.buildEncryptedReply(out, q.timestamp, q.nonce) : out);
    },
  );

  /** Act on one message; the text of the passive reply, or null for none. */
  async function handle(m: WechatMessage, raw: string): Promise<string | null> {
    const at = app.clock.now();
    const log = (orderId: number | null) =>
      recordInbound(app.sql, { channel: 'wechat', dedupeKey: m.dedupeKey, receivedAt: at, raw, orderId });

    if (m.kind === 'text' || (m.kind === 'voice' && m.recognition)) {
      const content = m.kind === 'text' ? m.content.trim() : m.recognition!.trim();
      if (!content) return '请用文字描述您要反映的问题。';
      // Idempotent by (channel, MsgId): a retried push returns the order the first one made.
      const { order, notice } = await app.orders.intake(
        { channel: 'wechat', channelMessageId: m.msgId ?? m.dedupeKey, channelUserId: m.fromUserName, content },
        { actor: { id: `citizen:wechat:${m.fromUserName}` }, at, inbound: raw },
      );
      await log(order.id);
      return notice;
    }
    if (m.kind === 'voice') return '抱歉，未能识别您的语音，请用文字描述您要反映的问题。';
    if (m.kind === 'event') {
      await log(null);
      return m.event === 'subscribe' ? '欢迎关注12345政务服务便民热线。请直接发送文字或语音描述您的诉求，也可以发送位置补充地址。' : null;
    }
    if (m.kind === 'location' || m.kind === 'image') {
      if (!(await log(null))) return '已收到。'; // a retry of a supplement already applied
      const order = await recentOrderOf(app.db, 'wechat', m.fromUserName, new Date(at.getTime() - EXTEND_WINDOW_MS));
      if (!order) return '请先用文字描述您要反映的问题，再发送位置或图片。';
      const input =
        m.kind === 'location'
          ? ({ action: 'supplement', locationText: `${m.label}（${m.latitude},${m.longitude}）` } as const)
          : ({ action: 'supplement', attachmentUrl: m.picUrl } as const);
      await app.orders.apply(String(order.id), input, { viewer: null, actor: `citizen:wechat:${m.fromUserName}`, at });
      await linkInboundToOrder(app.sql, 'wechat', m.dedupeKey, order.id);
      return `已补充到工单 ${order.number}。`;
    }
    await log(null);
    return null;
  }
};

export default wechatRoutes;
