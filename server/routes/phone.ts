/**
 * 来电事件 from the call-centre system (modelled on FreeSWITCH's event socket:
 * CHANNEL_ANSWER, CHANNEL_HANGUP_COMPLETE, with Unique-ID and caller numbers).
 * Events may come twice or out of order; each call is one row, merged, which the
 * operator's console reads to prefill the order (caller number, transcript).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../errors.ts';
import { ErrorReply } from './orders.schema.ts';

const CallId = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$', description: '通话唯一标识（Unique-ID）' });
const Time = Type.String({ format: 'date-time' });
const Number_ = Type.String({ pattern: '^\\+?[0-9*#]{1,24}$' });

export const CallEvent = Type.Object(
  {
    callId: CallId,
    event: Type.String({ pattern: '^[A-Z_]{3,40}$', description: '事件名，如 CHANNEL_CREATE、CHANNEL_ANSWER、CHANNEL_HANGUP_COMPLETE、TRANSCRIPT' }),
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
        description: '由呼叫中心系统调用，请求头 X-CTI-Secret 为共享密钥（CTI_SECRET）。同一通话的事件可重复、可乱序，按 callId 合并。',
        tags: ['channels'],
        headers: Type.Object({ 'x-cti-secret': Type.String({ minLength: 1, maxLength: 200 }) }),
        body: CallEvent,
        response: { 200: Call, 400: ErrorReply, 401: ErrorReply, 503: ErrorReply },
      },
    },
    async (request) => {
      if (!secret) throw new AppError(503, 'CTI_NOT_CONFIGURED', '未配置 CTI_SECRET，不接收来电事件');
      const given = Buffer.from(request.headers['x-cti-secret']);
      if (given.length !== secret.length || !timingSafeEqual(given, secret)) {
        throw new AppError(401, 'BAD_CTI_SECRET', 'X-CTI-Secret 不正确', { field: 'x-cti-secret' });
      }
      const e = request.body;
      const started = e.startedAt ?? (e.event === 'CHANNEL_CREATE' ? e.at : null);
      const answered = e.answeredAt ?? (e.event === 'CHANNEL_ANSWER' ? e.at : null);
      const ended = e.endedAt ?? (e.event === 'CHANNEL_HANGUP_COMPLETE' ? e.at : null);
      const mark = JSON.stringify([{ event: e.event, at: new Date(e.at).toISOString() }]);
      // Merge: first start, first answer, last end; a repeated event is kept once.
      const [row] = await app.sql`
        insert into calls (call_id, caller_number, called_number, agent_id, started_at, answered_at, ended_at,
          recording_ref, transcript, events, updated_at)
        values (${e.callId}, ${e.callerNumber ?? null}, ${e.calledNumber ?? null}, ${e.agentId ?? null},
          ${started}::timestamptz, ${answered}::timestamptz, ${ended}::timestamptz, ${e.recordingRef ?? null},
          ${e.transcript ?? null}, ${mark}::jsonb, ${app.clock.now().toISOString()})
        on conflict (call_id) do update set
          caller_number = coalesce(calls.caller_number, excluded.caller_number),
          called_number = coalesce(calls.called_number, excluded.called_number),
          agent_id = coalesce(excluded.agent_id, calls.agent_id),
          started_at = least(calls.started_at, excluded.started_at),
          answered_at = least(calls.answered_at, excluded.answered_at),
          ended_at = greatest(calls.ended_at, excluded.ended_at),
          recording_ref = coalesce(excluded.recording_ref, calls.recording_ref),
          transcript = coalesce(excluded.transcript, calls.transcript),
          events = case when calls.events @> excluded.events then calls.events else calls.events || excluded.events end,
          updated_at = excluded.updated_at
        returning *`;
      return toCall(row!);
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
          { agent: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ calls: Type.Array(Call) }), 400: ErrorReply, 401: ErrorReply, 403: ErrorReply },
      },
    },
    async (request) => {
      const since = new Date(app.clock.now().getTime() - 2 * 3600_000).toISOString();
      const { agent, limit = 20 } = request.query;
      const rows = await app.sql`
        select * from calls
        where order_id is null and updated_at >= ${since} ${agent ? app.sql`and agent_id = ${agent}` : app.sql``}
        order by updated_at desc limit ${limit}`;
      return { calls: rows.map(toCall) };
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
      const [row] = await app.sql`select * from calls where call_id = ${request.params.callId}`;
      if (!row) throw new AppError(404, 'CALL_NOT_FOUND', `通话 ${request.params.callId} 不存在`);
      return toCall(row);
    },
  );
};

const date = (v: unknown) => (v ? new Date(v as string) : null);
function toCall(r: Record<string, any>) {
  return {
    callId: r.call_id,
    callerNumber: r.caller_number,
    calledNumber: r.called_number,
    agentId: r.agent_id,
    startedAt: date(r.started_at),
    answeredAt: date(r.answered_at),
    endedAt: date(r.ended_at),
    recordingRef: r.recording_ref,
    transcript: r.transcript,
    events: typeof r.events === 'string' ? JSON.parse(r.events) : r.events,
    orderId: r.order_id === null ? null : Number(r.order_id),
  };
}

export default phoneRoutes;
