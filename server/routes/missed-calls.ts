/**
 * 漏接回拨: the console's list of missed calls to call back, the reveal of the number
 * to dial, each attempt's outcome, and the centre's figures. The tasks come from the
 * call-centre's events (routes/phone.ts → server/calls/missed-calls.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listMissedCalls, missedCallFigures, type MissedCallTask } from '../../db/queries/missed-calls.ts';
import { recordCallback, revealForDialling } from '../calls/missed-calls.ts';
import { maskPhone } from '../core/access.ts';
import { MISSED_CALL_STATES } from '../core/missed-calls.ts';
import { period, ratio } from '../http/report-reply.ts';
import { AttemptBody, errors, Id, MissedCallFigures, MissedCallTask as Task } from './missed-calls.schema.ts';
import { StringEnum } from './orders.schema.ts';

const missedCallRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const rules = () => app.classifier.rules.missedCalls;
  const present = (task: MissedCallTask, full = false) => {
    const { callIds: _calls, skippedByCall: _skip, closedBy: _by, ...rest } = task;
    return { ...rest, callerNumber: full ? task.callerNumber : (maskPhone(task.callerNumber) ?? ''), maxAttempts: rules().maxAttempts };
  };
  const desk = app.requireUser(['operator', 'dispatcher']);

  app.get(
    '/',
    {
      preHandler: desk,
      schema: {
        summary: '漏接回拨任务',
        description:
          '未接通即挂断的来电（排队放弃、无人接听）按主叫号码合并为回拨任务。state=open（默认）按应拨时间排序；其余状态按结束时间倒序。号码隐去中间四位。',
        tags: ['channels'],
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            state: Type.Optional(StringEnum(MISSED_CALL_STATES)),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            at: Type.String({ format: 'date-time', description: '服务时间（倒计时以此为准）' }),
            tasks: Type.Array(Task),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { state = 'open', limit = 50 } = request.query;
      return {
        at: app.clock.now().toISOString(),
        tasks: (await listMissedCalls(app.sql, { state, limit })).map((t) => present(t)),
      };
    },
  );

  app.post(
    '/:id/actions/dial',
    {
      preHandler: desk,
      schema: {
        summary: '回拨：显示完整号码',
        description: '话务员回拨前取得完整主叫号码；每次显示都记入任务痕迹（谁、何时）。已结束的任务不再显示。',
        tags: ['channels'],
        security: [{ bearer: [] }],
        params: Id,
        response: { 200: Task, ...errors },
      },
    },
    async (request) =>
      present(await revealForDialling(app.sql, request.params.id, `user:${request.viewer!.userId}`, app.clock.now()), true),
  );

  app.post(
    '/:id/attempts',
    {
      preHandler: desk,
      schema: {
        summary: '记录回拨结果',
        description:
          'reached 接通：任务结束，可附 orderId 关联回拨中登记的工单；no_answer 无人接听：按规则稍后重拨，达到次数上限后任务以“回拨未接通”结束。',
        tags: ['channels'],
        security: [{ bearer: [] }],
        params: Id,
        body: AttemptBody,
        response: { 200: Task, ...errors },
      },
    },
    async (request) =>
      present(
        await recordCallback(app.sql, request.params.id, request.body, {
          by: `user:${request.viewer!.userId}`,
          now: app.clock.now(),
          rules: rules(),
        }),
      ),
  );

  app.get(
    '/report',
    {
      preHandler: app.requireUser(['operator', 'dispatcher', 'supervisor', 'admin']),
      schema: {
        summary: '漏接回拨统计',
        description:
          '首次漏接时间（北京时间）在 from 至 to（均含当日）之间的回拨任务。回拨率 = 已回拨任务 /（任务 − 来电已接通免回拨）；按时回拨率 = 时限内首拨 / 已回拨；回拨时长为首次漏接到首拨的分钟数。',
        tags: ['reports'],
        security: [{ bearer: [] }],
        querystring: Type.Object(
          { from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) },
          { additionalProperties: false },
        ),
        response: {
          200: MissedCallFigures,
          ...errors,
        },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const { start, end } = period(from, to);
      const f = await missedCallFigures(app.sql, { from: start, to: end, now: app.clock.now() });
      const { calledBackOnTime, ...figures } = f;
      return {
        from,
        to,
        ...figures,
        callbackRate: ratio(f.calledBack, f.tasks - f.skipped),
        onTimeRate: ratio(calledBackOnTime, f.calledBack),
        reachRate: ratio(f.reached, f.calledBack),
      };
    },
  );
};

export default missedCallRoutes;
