/**
 * 派单队列 (GET /api/queue…): the dispatcher's reading of the orders, beside the
 * plain order list. Dispatchers (and admins) only: it spans the whole city and names
 * orders by their complaint.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { presentClock } from '../../db/queries/clocks.ts';
import { queueOrders, searchOpenOrders, suspectedDuplicates } from '../../db/queries/queue.ts';
import { maskPhonesIn } from '../core/privacy.ts';
import { present } from '../http/order-view.ts';
import { errors } from './orders.schema.ts';
import { Duplicates, DuplicatesQuery, OpenOrders, OpenOrderSearchQuery, QueuePage, QueueQuery } from './queue.schema.ts';

const masked = <T extends { content: string }>(o: T): T => ({ ...o, content: maskPhonesIn(o.content) });

const queueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const dispatcher = app.requireUser(['dispatcher']);

  app.get(
    '/',
    {
      preHandler: dispatcher,
      schema: {
        summary: '派单队列（派单员）',
        description:
          '在热线中心等待派单的工单（已登记、已受理、被退回），按登记时间先后；每张附时限与历次退单（退回单位、原因代码与说明）。可按事项、区、诉求类型、已等待时长筛选。',
        tags: ['orders'],
        security: [{ bearer: [] }],
        querystring: QueueQuery,
        response: { 200: QueuePage, ...errors },
      },
    },
    async (request) => {
      const { matter, district, requestType, olderThanMinutes, limit } = request.query;
      const now = app.clock.now();
      const rows = await queueOrders(app.db, {
        categoryCode: matter,
        district,
        requestType,
        createdBefore: olderThanMinutes ? new Date(now.getTime() - olderThanMinutes * 60_000) : undefined,
        limit,
      });
      return {
        items: rows.map((r) => ({ order: present(r.order), clocks: r.clocks.map((c) => presentClock(c, now)), returns: r.returns })),
        policy: { returnLimit: app.classifier.rules.returnLimit },
      };
    },
  );

  app.get(
    '/duplicates',
    {
      preHandler: dispatcher,
      schema: {
        summary: '疑似重复件（派单员）',
        description:
          '近 `days` 天内仍在办理、且有更早的同事项、同街道、诉求内容相似的在办工单的工单，无论在哪个单位（含规则自动派出的）；每张附最相似的更早工单，供合并。',
        tags: ['orders'],
        security: [{ bearer: [] }],
        querystring: DuplicatesQuery,
        response: { 200: Duplicates, ...errors },
      },
    },
    async (request) => {
      const items = await suspectedDuplicates(app.sql, { at: app.clock.now(), ...request.query });
      return { items: items.map((i) => ({ order: masked(i.order), match: masked(i.match) })) };
    },
  );

  app.get(
    '/open-orders',
    {
      preHandler: dispatcher,
      schema: {
        summary: '查找在办工单（派单员，合并目标）',
        description:
          '按工单编号（或尾号）或诉求内容查找近 `days` 天登记、仍在办理的工单，最接近的在前；派单员据此把重复件合并到任意在办工单。',
        tags: ['orders'],
        security: [{ bearer: [] }],
        querystring: OpenOrderSearchQuery,
        response: { 200: OpenOrders, ...errors },
      },
    },
    async (request) => {
      const { q, days, limit } = request.query;
      const since = new Date(app.clock.now().getTime() - days * 86_400_000);
      return { items: (await searchOpenOrders(app.sql, { text: q, since, limit })).map(masked) };
    },
  );
};

export default queueRoutes;
