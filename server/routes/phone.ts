/**
 * 来电事件 from the call-centre system (modelled on FreeSWITCH's event socket:
 * CHANNEL_ANSWER, CHANNEL_HANGUP_COMPLETE, with Unique-ID and caller numbers).
 * Events may come twice or out of order; each call is one row, merged, which the
 * operator's console reads to prefill the order (caller number, transcript).
 */
import { timingSafeEqual } from 'node:crypto';
import { DomainError } from '../core/errors.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { findCall, openCallsOf } from '../../db/queries/calls.ts';
import { recordCallEvent } from '../calls/missed-calls.ts';
import { ErrorReply } from './orders.schema.ts';

const CallId = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$', description: '通话唯一标识（Unique-ID）' });
const Time = Type.String({ format: 'date-time' });
const Number_ = Type.String({ pattern: '^\\+?[0-9*#]{1,24}$' });

export const CallEvent = Type.Object(
  {
    callId: CallId,
    event: Type.String({
      pattern: '^[A-Z_]{3,40}$',
      description: '事件名，如 CHANNEL_CREATE、CHANNEL_ANSWER、CHANNEL_HANGUP_COMPLETE、TRANSCRIPT',
    }),
    at: Time,
    callerNumber: Type.Optional(Number_),
    calledNumber: Type.Optional(Number_),
    agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    startedAt: Type.Optional(Time),
    answeredAt: Type.Optional(Time),
    endedAt: Type.Optional(Time),
    recordingRef: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    transcript: Type.Optional(Type.String({ minLength: 1, maxLength: 20000, description: '语音自动转写' })),
  },
  { additionalProperties: false },
);

const Call = Type.Object({
  callId: Type.String(),
  callerNumber: Type.Union([Type.String(), Type.Null()]),
  calledNumber: Type.Union([Type.String(), Type.Null()]),
  agentId: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.Union([Type.Unsafe<Date>({ type: 'string', format: 'date-time' }), Type.Null()]),
  answeredAt: Type.Union([Type.Unsafe<Date>({ type: 'string', format: 'date-time' }), Type.Null()]),
  endedAt: Type.Union([Type.Unsafe<Date>({ type: 'string', format: 'date-time' }), Type.Null()]),
  recordingRef: Type.Union([Type.String(), Type.Null()]),
  transcript: Type.Union([Type.String(), Type.Null()]),
  events: Type.Array(Type.Object({ event: Type.String(), at: Type.String() })),
  orderId: Type.Union([Type.Integer(), Type.Null()]),
});

const phoneRoutes: FastifyPluginAsyncTypebox<{ ctiSecret?: string }> = async (app, opts) => {
  const secret = opts.ctiSecret ? Buffer.from(opts.ctiSecret) : null;

  app.post(
    '/calls',
    {
      schema: {
        summary: '呼叫中心来电事件',
        description:
          '由呼叫中心系统调用，请求头 X-CTI-Secret 为共享密钥（CTI_SECRET）。同一通话的事件可重复、可乱序，按 callId 合并。未接听即结束的来电生成漏接回拨任务（/api/missed-calls）。',
        tags: ['channels'],
        headers: Type.Object({ 'x-cti-secret': Type.String({ minLength: 1, maxLength: 200 }) }),
        body: CallEvent,
        response: { 200: Call, 400: ErrorReply, 401: ErrorReply, 503: ErrorReply },
      },
    },
    async (request) => {
      if (!secret) throw new DomainError('CTI_NOT_CONFIGURED', '未配置 CTI_SECRET，不接收来电事件');
      const given = Buffer.from(request.headers['x-cti-secret']);
      if (given.length !== secret.length || !timingSafeEqual(given, secret)) {
        throw new DomainError('BAD_CTI_SECRET', 'X-CTI-Secret 不正确', { field: 'x-cti-secret' });
      }
      // A call that ends unanswered becomes a callback task (漏接回拨) in the same transaction.
      return recordCallEvent(app.sql, request.body, app.clock.now(), app.classifier.rules.missedCalls);
    },
  );

  app.get(
    '/calls',
    {
      preHandler: app.requireUser(['operator', 'dispatcher']),
      schema: {
        summary: '待登记来电（近两小时内尚未登记工单的来电，最新在前）',
        description: '话务台据此找到刚接的来电：主叫号码和语音转写已随通话事件送达。可按坐席 agent 过滤。',
        tags: ['channels'],
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            agent: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ calls: Type.Array(Call) }), 400: ErrorReply, 401: ErrorReply, 403: ErrorReply },
      },
    },
    async (request) => {
      const since = new Date(app.clock.now().getTime() - 2 * 3600_000);
      const { agent, limit = 20 } = request.query;
      return { calls: await openCallsOf(app.sql, { since, agent, limit }) };
    },
  );

  app.get(
    '/calls/:callId',
    {
      preHandler: app.requireUser(['operator', 'dispatcher']),
      schema: {
        summary: '来电详情（话务员预填工单用）',
        tags: ['channels'],
        security: [{ bearer: [] }],
        params: Type.Object({ callId: CallId }),
        response: { 200: Call, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const call = await findCall(app.sql, request.params.callId);
      if (!call) throw new DomainError('CALL_NOT_FOUND', `通话 ${request.params.callId} 不存在`);
      return call;
    },
  );
};

export default phoneRoutes;
