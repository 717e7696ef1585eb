import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../core/errors.ts';
import { Type } from 'typebox';
import { findCallRecord, linkCallToOrder } from '../../db/queries/calls.ts';
import { loadClocks, presentClock } from '../../db/queries/clocks.ts';
import {
  findOrderInPlace,
  getOrder,
  listOrders,
  recordPhoneView,
  similarOrders,
  timeline,
  type OrderRow,
} from '../../db/queries/orders.ts';
import { AT_THE_HOTLINE, authorize, canSee, canSeePhone, isCityWide, type OrderPlace, type Viewer } from '../core/access.ts';
import { MASKED, redactEvent, type Disclosure } from '../core/privacy.ts';
import { CreateOrderBody, errors, IdempotencyHeaders, ListQuery, Order, OrderEvent, OrderRef } from './orders.schema.ts';
import { present } from '../http/order-view.ts';
import { ladderClock } from '../http/clock-view.ts';

const Params = Type.Object({ id: OrderRef });
/** The creation answer also carries the one-time notice the operator reads to the caller. */
const CreatedOrder = Type.Object({ ...Order.properties, notice: Type.String({ description: '一次性告知：下一步做什么、何时答复' }) });

const orderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** The order, if the viewer may see it; otherwise "not found", never "forbidden", by the same path either way. */
  async function visibleOrder(viewer: Viewer, ref: string) {
    const found = await findOrderInPlace(app.db, ref);
    if (!found || !canSee(viewer, found.place)) throw new DomainError('ORDER_NOT_FOUND', `工单 ${ref} 不存在`);
    return found;
  }

  /**
   * What the viewer asked to see in full, once allowed: the phone number where the
   * order allows it, the raw submission (address, openid, XML) for admins only.
   * Each reveal is written to the order's trail before anything is shown.
   */
  async function disclose(
    viewer: Viewer,
    order: OrderRow,
    place: OrderPlace,
    reveal: 'phone' | 'raw' | undefined,
    what: 'order' | 'timeline',
  ) {
    if (!reveal) return MASKED;
    if (!canSeePhone(viewer, place)) {
      throw new DomainError('PHONE_MASKED', '诉求人电话在本单位签收工单后才能查看', { field: 'reveal' });
    }
    if (reveal === 'raw' && !viewer.roles.includes('admin')) {
      throw new DomainError('RAW_ADMIN_ONLY', '原始报文（地址、微信 openid、XML）只有管理员可以查看', { field: 'reveal' });
    }
    const shown = reveal === 'raw' ? 'raw' : what;
    await recordPhoneView(app.db, order, { actor: `user:${viewer.userId}`, unitId: viewer.unitId, at: app.clock.now(), what: shown });
    return { phone: true, network: reveal === 'raw' } satisfies Disclosure;
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
        const call = await findCallRecord(app.sql, callId);
        if (!call) throw new DomainError('UNKNOWN_CALL', `通话 ${callId} 不存在`, { field: 'callId' });
        if (body.channel !== 'phone') throw new DomainError('CALL_NEEDS_PHONE', '关联来电的工单渠道必须是 phone', { field: 'channel' });
        Object.assign(body, { channelMessageId: callId, citizenPhone: body.citizenPhone ?? call.caller_number ?? undefined });
        inbound = { body: request.body, call };
      }
      // 直办 as it is logged is the operator's answer, as it would be a moment later.
      if (body.answer) authorize(request.viewer!, 'answer', AT_THE_HOTLINE, '新工单');
      const { order, created, notice } = await app.orders.intake(body, {
        actor: { id: `user:${request.viewer!.userId}` },
        idempotencyKey: request.headers['idempotency-key'],
        inbound,
      });
      if (callId) await linkCallToOrder(app.sql, callId, order.id);
      // The operator on the call has the number already; the response does not repeat it.
      return reply
        .status(created ? 201 : 200)
        .header('location', `/api/orders/${order.id}`)
        .send({ ...present(order), notice });
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
      if (from && to && from > to) throw new DomainError('VALIDATION_FAILED', 'createdFrom 晚于 createdTo', { field: 'createdFrom' });
      const page = await listOrders(app.db, {
        status: q.status,
        unitId: q.unit,
        areaCode: q.area,
        channel: q.channel,
        citizenPhone: q.phone,
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
      const clocks = (await loadClocks(app.db, order.id)).map((c) =>
        c.stoppedAt ? presentClock(c, now) : ladderClock(c, now, app.deadlines),
      );
      const shown = await disclose(viewer, order, place, request.query.reveal, 'order');
      return { ...present(order, shown.phone ? 'full' : 'masked', true), clocks };
    },
  );

  app.get(
    '/:id/timeline',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '工单全过程记录（痕迹）',
        description:
          '与工单详情同一规则：电话号码（含诉求内容和原始提交中的号码）默认隐去中间四位；`reveal=phone` 在可查看电话时显示完整号码；`reveal=raw`（仅管理员）另显示原始提交中的网络信息（IP 地址、微信 openid、原始 XML）。每次显示都记入工单痕迹。',
        tags: ['orders'],
        security: [{ bearer: [] }],
        params: Params,
        querystring: Type.Object(
          { reveal: Type.Optional(Type.Union([Type.Literal('phone'), Type.Literal('raw')])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ order: Order, events: Type.Array(OrderEvent) }), ...errors },
      },
    },
    async (request) => {
      const viewer = request.viewer!;
      const { order, place } = await visibleOrder(viewer, request.params.id);
      const shown = await disclose(viewer, order, place, request.query.reveal, 'timeline');
      const events = await timeline(app.db, order.id);
      return { order: present(order, shown.phone ? 'full' : 'masked'), events: events.map((e) => redactEvent(e, shown)) };
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
