import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { placeOf } from '../../db/queries/actions.ts';
import { loadClocks, presentClock } from '../../db/queries/clocks.ts';
import { getOrder, listOrders, recordPhoneView, similarOrders, timeline, type OrderRow } from '../../db/queries/orders.ts';
import { canSee, canSeePhone, isCityWide, maskPhone, type Viewer } from '../core/access.ts';
import { STATUS_LABELS } from '../core/lifecycle.ts';
import { AppError } from '../errors.ts';
import { intakeOrder } from '../intake.ts';
import { CreateOrderBody, ErrorReply, IdempotencyHeaders, ListQuery, Order, OrderEvent, OrderRef } from './orders.schema.ts';

/**
 * What a viewer is shown of an order: the phone number masked unless revealed;
 * the classification (with its explanation) only where one order is looked at.
 */
export const present = (row: OrderRow, phone: 'masked' | 'full' = 'masked', detail = false) => {
  const { classification, ...rest } = row;
  return {
    ...rest,
    ...(detail ? { classification } : {}),
    citizenPhone: phone === 'full' ? row.citizenPhone : maskPhone(row.citizenPhone),
    statusLabel: STATUS_LABELS[row.status],
  };
};

export const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply, 422: ErrorReply };
const Params = Type.Object({ id: OrderRef });
/** The creation answer also carries the one-time notice the operator reads to the caller. */
const CreatedOrder = Type.Object({ ...Order.properties, notice: Type.String({ description: '一次性告知：下一步做什么、何时答复' }) });

const orderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** The order, if the viewer may see it; otherwise "not found", never "forbidden". */
  async function visibleOrder(viewer: Viewer, ref: string) {
    const order = await getOrder(app.db, ref);
    const place = await placeOf(app.db, order);
    if (!canSee(viewer, place)) throw new AppError(404, 'ORDER_NOT_FOUND', `order ${ref} not found`);
    return { order, place };
  }

  app.post(
    '/',
    {
      preHandler: app.requireUser(['operator', 'dispatcher']),
      schema: {
        summary: '登记工单（话务员、派单员）',
        description:
          '创建工单并按规则分类；可信的结果自动受理并派单（智能派单）。应答中的 notice 是给诉求人的一次性告知。相同的 Idempotency-Key，或相同渠道 + 渠道消息 id 的重复提交返回第一次创建的工单（200），不会产生第二张工单。',
        tags: ['orders'],
        security: [{ bearer: [] }],
        headers: IdempotencyHeaders,
        body: CreateOrderBody,
        response: { 200: CreatedOrder, 201: CreatedOrder, ...errors },
      },
    },
    async (request, reply) => {
      const { callId, ...body } = request.body;
      let inbound: unknown = body;
      if (callId) {
        // A call's order: one per call, the caller's number unless the operator typed another.
        const [call] = await app.sql`select * from calls where call_id = ${callId}`;
        if (!call) throw new AppError(422, 'CALL_NOT_FOUND', `通话 ${callId} 不存在`, { field: 'callId' });
        if (body.channel !== 'phone') throw new AppError(422, 'CALL_NEEDS_PHONE', '关联来电的工单渠道必须是 phone', { field: 'channel' });
        Object.assign(body, { channelMessageId: callId, citizenPhone: body.citizenPhone ?? call.caller_number ?? undefined });
        inbound = { body: request.body, call };
      }
      const { order, created, notice } = await intakeOrder(app, body, {
        actor: { id: `user:${request.viewer!.userId}` },
        at: app.clock.now(),
        idempotencyKey: request.headers['idempotency-key'],
        inbound,
      });
      if (callId) await app.sql`update calls set order_id = ${order.id} where call_id = ${callId} and order_id is null`;
      // The operator on the call has the number already; the response does not repeat it.
      return reply.status(created ? 201 : 200).header('location', `/api/orders/${order.id}`).send({ ...present(order), notice });
    },
  );

  app.get(
    '/',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '查询工单',
        description:
          '按状态、承办单位、区域（含下级）、渠道、登记时间筛选；按 id 倒序，以 nextCursor 翻页。承办人和督办只能看到本单位及下级单位承办或协办的工单；电话号码一律隐去中间四位。',
        tags: ['orders'],
        security: [{ bearer: [] }],
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(Order), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const viewer = request.viewer!;
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
        withinUnit: isCityWide(viewer) ? undefined : viewer.unitId,
      });
      return { items: page.items.map((o) => present(o)), nextCursor: page.nextCursor === null ? null : String(page.nextCursor) };
    },
  );

  app.get(
    '/:id',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '工单详情',
        description:
          '电话号码默认隐去中间四位。`reveal=phone` 显示完整号码：话务员、派单员随时可以，承办人和督办在本单位（或下级单位）签收后可以；每次查看完整号码都记入工单痕迹。',
        tags: ['orders'],
        security: [{ bearer: [] }],
        params: Params,
        querystring: Type.Object({ reveal: Type.Optional(Type.Literal('phone')) }, { additionalProperties: false }),
        response: { 200: Order, ...errors },
      },
    },
    async (request) => {
      const viewer = request.viewer!;
      const { order, place } = await visibleOrder(viewer, request.params.id);
      const now = app.clock.now();
      const clocks = (await loadClocks(app.db, order.id)).map((c) => presentClock(c, now));
      if (request.query.reveal !== 'phone') return { ...present(order, 'masked', true), clocks };
      if (!canSeePhone(viewer, place)) {
        throw new AppError(403, 'PHONE_MASKED', '诉求人电话在本单位签收工单后才能查看', { field: 'reveal' });
      }
      await recordPhoneView(app.db, order, { actor: `user:${viewer.userId}`, unitId: viewer.unitId, at: app.clock.now() });
      return { ...present(order, 'full', true), clocks };
    },
  );

  app.get(
    '/:id/timeline',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '工单全过程记录（痕迹）',
        tags: ['orders'],
        security: [{ bearer: [] }],
        params: Params,
        response: { 200: Type.Object({ order: Order, events: Type.Array(OrderEvent) }), ...errors },
      },
    },
    async (request) => {
      const { order } = await visibleOrder(request.viewer!, request.params.id);
      return { order: present(order), events: await timeline(app.db, order.id) };
    },
  );

  app.get(
    '/:id/similar',
    {
      preHandler: app.requireUser(['operator', 'dispatcher']),
      schema: {
        summary: '疑似重复件（话务员、派单员）',
        description: '同一事项分类、同一街道（社区）、近 `days` 天内仍在办理的工单中，诉求内容相似的，按相似度排序；派单员据此合并重复件。',
        tags: ['orders'],
        security: [{ bearer: [] }],
        params: Params,
        querystring: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 90, default: 7 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.Integer(),
                number: Type.String(),
                status: Type.String(),
                content: Type.String(),
                areaCode: Type.Union([Type.String(), Type.Null()]),
                createdAt: Type.Unsafe<Date>({ type: 'string', format: 'date-time' }),
                similarity: Type.Number(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const order = await getOrder(app.db, request.params.id);
      return { items: await similarOrders(app.sql, order, { at: app.clock.now(), days: request.query.days }) };
    },
  );
};

export default orderRoutes;

