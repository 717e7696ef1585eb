/**
 * 回访台's queue: the replied orders waiting for the hotline to call the citizen back,
 * oldest reply first, each with its callback deadline (rules/deadlines.yaml `callback`)
 * and the unanswered tries since the reply. The rating itself is an order action
 * (close / reopen / callback_missed); the number is revealed through the order route.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callbackQueue } from '../../db/queries/callbacks.ts';
import { callbackPolicy } from '../core/deadlines.ts';
import { present } from '../http/order-view.ts';
import { CallbackQueue, CallbackQueueQuery } from './callbacks.schema.ts';
import { errors } from './orders.schema.ts';

const UNIT_WORDS = { minutes: '分钟', hours: '小时', days: '天', working_days: '个工作日', working_hours: '个工作小时' } as const;

const callbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      preHandler: app.requireUser(['operator', 'dispatcher']),
      schema: {
        summary: '待回访工单（话务员、派单员）',
        description:
          '已回复、等待回访的工单，按答复时间从早到晚；每件带回访时限（答复后，rules/deadlines.yaml 的 callback.within）和本次答复以来未接通的次数。电话号码隐去中间四位，查看完整号码请用工单详情的 reveal=phone（记入痕迹）。',
        tags: ['orders'],
        security: [{ bearer: [] }],
        querystring: CallbackQueueQuery,
        response: { 200: CallbackQueue, ...errors },
      },
    },
    async (request) => {
      const policy = callbackPolicy(app.deadlines.policy);
      const now = app.clock.now();
      const rows = await callbackQueue(app.db, { limit: request.query.limit });
      return {
        items: rows.map(({ order, misses, lastMissedAt }) => {
          const dueAt = app.deadlines.calendar.add(order.repliedAt ?? order.updatedAt, policy.within);
          return { order: present(order), callback: { dueAt, overdue: dueAt <= now, attempts: misses, lastMissedAt } };
        }),
        policy: { withinLabel: `答复后 ${policy.within.amount} ${UNIT_WORDS[policy.within.unit]}`, attempts: policy.attempts },
      };
    },
  );
};

export default callbackRoutes;
