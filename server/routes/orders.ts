import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  applyAction,
  createOrder,
  getOrder,
  listOrders,
  requestHash,
  timeline,
  type Actor,
  type OrderRow,
} from '../../db/queries/orders.ts';
import { ACTIONS, planIntake, STATUS_LABELS, type ActionInput } from '../core/lifecycle.ts';
import { AppError } from '../errors.ts';
import {
  ActionBodies,
  CreateOrderBody,
  ErrorReply,
  IdempotencyHeaders,
  ListQuery,
  Order,
  OrderEvent,
  OrderRef,
} from './orders.schema.ts';

/** Until sign-in exists (issue 4) every change is recorded as made through the API. */
const apiActor: Actor = { id: 'api' };

export const present = (row: OrderRow) => ({ ...row, statusLabel: STATUS_LABELS[row.status] });

const errors = { 400: ErrorReply, 404: ErrorReply, 409: ErrorReply, 422: ErrorReply };

const orderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      schema: {
        summary: '登记工单',
        description:
          '创建工单。相同的 Idempotency-Key，或相同渠道 + 渠道消息 id 的重复提交返回第一次创建的工单（200），不会产生第二张工单。',
        tags: ['orders'],
        headers: IdempotencyHeaders,
        body: CreateOrderBody,
        response: { 200: Order, 201: Order, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.categoryCode && !app.classifier.rules.routes.has(body.categoryCode)) {
        throw new AppError(422, 'UNKNOWN_CATEGORY', `事项分类 ${body.categoryCode} 不在 rules/categories.yaml 中`, { field: 'categoryCode' });
      }
      if (body.areaCode && !app.classifier.places.get(body.areaCode)) {
        throw new AppError(422, 'UNKNOWN_AREA', `行政区划代码 ${body.areaCode} 不在已加载的区划中`, { field: 'areaCode' });
      }
      // The rules fill in what the operator did not; a confident result dispatches itself.
      const at = app.clock.now();
      const c = app.classifier.classify(body.content, body.locationText);
      const overridden = Boolean(body.categoryCode || body.areaCode);
      const { order, created } = await createOrder(
        app.sql,
        {
          ...body,
          categoryCode: body.categoryCode ?? c.category.code,
          urgency: body.urgency ?? c.urgency,
          areaCode: body.areaCode ?? c.area?.code ?? null,
          classification: c as unknown as Record<string, unknown>,
        },
        {
          idempotencyKey: request.headers['idempotency-key'],
          requestHash: requestHash(body),
          actor: apiActor,
          at,
          plan: planIntake(c.autoDispatch && !overridden ? c.unit!.id : null, at),
          planActor: { id: 'system:classifier' },
        },
      );
      return reply.status(created ? 201 : 200).header('location', `/api/orders/${order.id}`).send(present(order));
    },
  );

  app.get(
    '/',
    {
      schema: {
        summary: '查询工单',
        description: '按状态、承办单位、区域（含下级）、渠道、登记时间筛选；按 id 倒序，以 nextCursor 翻页。',
        tags: ['orders'],
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(Order), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const from = q.createdFrom ? new Date(q.createdFrom) : undefined;
      const to = q.createdTo ? new Date(q.createdTo) : undefined;
      if (from && to && from > to) throw new AppError(400, 'VALIDATION_FAILED', 'createdFrom 晚于 createdTo', { field: 'createdFrom' });
      const page = await listOrders(app.db, {
        status: q.status,
        unitId: q.unit,
        areaCode: q.area,
        channel: q.channel,
        createdFrom: from,
        createdTo: to,
        beforeId: q.cursor ? Number(q.cursor) : undefined,
        limit: q.limit,
      });
      return { items: page.items.map(present), nextCursor: page.nextCursor === null ? null : String(page.nextCursor) };
    },
  );

  const Params = Type.Object({ id: OrderRef });

  app.get(
    '/:id',
    { schema: { summary: '工单详情', tags: ['orders'], params: Params, response: { 200: Order, ...errors } } },
    async (request) => present(await getOrder(app.db, request.params.id)),
  );

  app.get(
    '/:id/timeline',
    {
      schema: {
        summary: '工单全过程记录（痕迹）',
        tags: ['orders'],
        params: Params,
        response: { 200: Type.Object({ order: Order, events: Type.Array(OrderEvent) }), ...errors },
      },
    },
    async (request) => {
      const order = await getOrder(app.db, request.params.id);
      return { order: present(order), events: await timeline(app.db, order.id) };
    },
  );

  for (const action of ACTIONS) {
    app.post(
      `/:id/actions/${action}`,
      {
        schema: {
          summary: `工单操作：${action}`,
          tags: ['actions'],
          params: Params,
          body: ActionBodies[action],
          response: { 200: Type.Object({ order: Order, event: OrderEvent }), ...errors },
        },
        // Actions without fields may be posted with no body at all.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request) => {
        const input = { action, ...(request.body as object) } as ActionInput;
        if (input.action === 'return' && input.reasonCode === 'other' && !input.reason) {
          throw new AppError(400, 'VALIDATION_FAILED', '退单原因为 other 时必须填写 reason', { field: 'reason' });
        }
        const { order, event } = await applyAction(app.db, request.params.id, input, {
          actor: apiActor,
          at: app.clock.now(),
          policy: app.classifier,
        });
        return { order: present(order), event };
      },
    );
  }

  app.post(
    '/:id/actions/:action',
    { schema: { hide: true, params: Type.Object({ id: Type.String(), action: Type.String() }) } },
    async (request) => {
      throw new AppError(400, 'UNKNOWN_ACTION', `未知操作「${request.params.action}」；可用操作：${ACTIONS.join(', ')}`, {
        field: 'action',
      });
    },
  );
};

export default orderRoutes;
