/** 督办看板: on-time, at-risk and overdue clocks for a unit and each unit below it. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CLOCK_KINDS, CLOCK_LABELS, CLOCK_STANDINGS, supervisionPolicy } from '../core/deadlines.ts';
import { maskPhonesIn } from '../core/privacy.ts';
import { STATUS_LABELS } from '../core/lifecycle.ts';
import { REQUEST_TYPES } from '../core/lists.ts';
import { boardCounts, boardOrders, childUnitsOf, clocksWithin } from '../../db/queries/board.ts';
import { visibleUnit } from '../../db/queries/units.ts';
import { ErrorReply, StringEnum } from './orders.schema.ts';
import { BoardOrders } from './sla.schema.ts';

const UNIT_WORDS = { minutes: '分钟', hours: '小时', days: '天', working_days: '个工作日', working_hours: '个工作小时' } as const;

const ClockItem = Type.Object({
  orderId: Type.Integer(),
  number: Type.String(),
  status: Type.String(),
  statusLabel: Type.String(),
  urgency: Type.String(),
  currentUnitId: Type.String(),
  unitName: Type.String({ description: '计时的承办单位' }),
  urgeCount: Type.Integer(),
  supervisedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  kind: Type.String(),
  label: Type.String(),
  dueAt: Type.String({ format: 'date-time' }),
  standing: StringEnum(CLOCK_STANDINGS, { description: 'onTime 按时 / atRisk 黄灯 / overdue 红灯' }),
  timeLeftMs: Type.Integer({ description: '距时限的毫秒数，负数为已超期' }),
});

const Counts = Type.Object({ onTime: Type.Integer(), atRisk: Type.Integer(), overdue: Type.Integer() });
const Row = Type.Object({
  unitId: Type.String(),
  unitName: Type.String(),
  /** The unit itself (orders it holds) or a unit below it (orders held anywhere in its subtree). */
  scope: Type.String({ description: 'self | subtree' }),
  clocks: Type.Record(Type.String(), Counts),
  totals: Counts,
});

const slaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/board',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '时限看板',
        description:
          '该单位及其每个直属下级单位（含其全部下级）在办工单的各项时限：按时（on time）、黄灯（已预警，at risk）、红灯（已超期，overdue）。只能查看本单位及下级单位；热线中心和派单员可查看全市。',
        tags: ['sla'],
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            unit: Type.String({ minLength: 1, maxLength: 64 }),
            requestType: Type.Optional(StringEnum(REQUEST_TYPES, { description: '只看该诉求类型的工单' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            unit: Type.Object({ id: Type.String(), name: Type.String() }),
            at: Type.String({ format: 'date-time' }),
            rows: Type.Array(Row),
          }),
          400: ErrorReply,
          401: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (request) => {
      const unitId = request.query.unit;
      const unit = await visibleUnit(app.sql, request.viewer!, unitId);
      const now = app.clock.now();
      const at = now.toISOString();
      const counts = await boardCounts(app.sql, unit.ancestors, now, request.query.requestType);
      const children = await childUnitsOf(app.sql, unitId);
      const zero = () => ({ onTime: 0, atRisk: 0, overdue: 0 });
      const rows = [
        { id: unitId, name: unit.name as string, scope: 'self' },
        ...children.map((c) => ({ id: c.id, name: c.name, scope: 'subtree' })),
      ].map((u) => ({
        unitId: u.id,
        unitName: u.name,
        scope: u.scope,
        clocks: Object.fromEntries(CLOCK_KINDS.map((k) => [k, zero()])) as Record<string, ReturnType<typeof zero>>,
        totals: zero(),
      }));
      const byId = new Map(rows.map((r) => [r.unitId, r]));
      for (const c of counts) {
        // Counted on the board's own row, or on the row of the child unit whose subtree holds it.
        const row = byId.get(c.unitPath.split('/')[unit.ancestors.length] || unitId);
        if (!row) continue;
        const slot = row.clocks[c.kind]!;
        slot.onTime += c.onTime;
        slot.atRisk += c.atRisk;
        slot.overdue += c.overdue;
        row.totals.onTime += c.onTime;
        row.totals.atRisk += c.atRisk;
        row.totals.overdue += c.overdue;
      }
      return { unit: { id: unitId, name: unit.name }, at, rows };
    },
  );

  app.get(
    '/board/orders',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '看板工单（供实时更新）',
        description:
          '该单位辖区内每件正在计时的工单：时限（计时单位、到期时间、已触发的提醒）、诉求内容开头、催办督办、待审批的延期，以及工单最新事件编号。看板载入一次，此后按实时事件（/ws）逐件更新，只在断线重连后重新载入。可见范围同时限看板。',
        tags: ['sla'],
        security: [{ bearer: [] }],
        querystring: Type.Object({ unit: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: BoardOrders, 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const unitId = request.query.unit;
      const unit = await visibleUnit(app.sql, request.viewer!, unitId);
      const at = app.clock.now().toISOString();
      const [orders, children] = await Promise.all([boardOrders(app.sql, unit.ancestors), childUnitsOf(app.sql, unitId)]);
      const { window } = supervisionPolicy(app.deadlines.policy);
      return {
        unit: { id: unitId, name: unit.name, path: `${unit.ancestors.join('/')}/` },
        at,
        children,
        supervision: { windowLabel: `${window.amount} ${UNIT_WORDS[window.unit]}` },
        // The feed masks phone numbers in what it carries; so does the board's first load.
        orders: orders.map((o) => ({
          ...o,
          content: maskPhonesIn(o.content),
          extensions: o.extensions.map((x) => ({ ...x, reason: maskPhonesIn(x.reason) })),
        })),
      };
    },
  );

  app.get(
    '/clocks',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '在办时限明细',
        description:
          '该单位及其全部下级单位在办工单正在计时的时限，逐项列出（看板的明细：红灯、黄灯、按时），按到期时间排序。可按 state 筛选。可见范围同时限看板。',
        tags: ['sla'],
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            unit: Type.String({ minLength: 1, maxLength: 64 }),
            requestType: Type.Optional(StringEnum(REQUEST_TYPES, { description: '只看该诉求类型的工单' })),
            state: Type.Optional(Type.Array(StringEnum(CLOCK_STANDINGS), { maxItems: 3 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ at: Type.String({ format: 'date-time' }), items: Type.Array(ClockItem) }),
          400: ErrorReply,
          401: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (request) => {
      const { unit: unitId, limit } = request.query;
      const unit = await visibleUnit(app.sql, request.viewer!, unitId);
      const now = app.clock.now();
      const held = await clocksWithin(app.sql, unit.ancestors, {
        at: now,
        standings: request.query.state ?? CLOCK_STANDINGS,
        limit,
        requestType: request.query.requestType,
      });
      return {
        at: now.toISOString(),
        items: held.map((c) => ({
          ...c,
          statusLabel: STATUS_LABELS[c.status] ?? c.status,
          supervisedAt: c.supervisedAt ? c.supervisedAt.toISOString() : null,
          label: CLOCK_LABELS[c.kind] ?? c.kind,
          dueAt: c.dueAt.toISOString(),
          timeLeftMs: c.dueAt.getTime() - now.getTime(),
        })),
      };
    },
  );
};

export default slaRoutes;
