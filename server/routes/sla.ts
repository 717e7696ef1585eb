/** 督办看板: on-time, at-risk and overdue clocks for a unit and each unit below it. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CLOCK_KINDS, CLOCK_LABELS, type ClockKind } from '../core/deadlines.ts';
import { STATUS_LABELS, type OrderStatus } from '../core/lifecycle.ts';
import { visibleUnit } from '../../db/queries/units.ts';
import { ErrorReply, StringEnum } from './orders.schema.ts';

/** How a running clock stands: the board's three columns. */
const CLOCK_STANDINGS = ['onTime', 'atRisk', 'overdue'] as const;
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
  /**
   * Running clocks held in the subtree of a unit with these ancestors: one range of
   * `unit_path` ('a/b/' up to, not including, 'a/b0'; '0' follows '/' in C order),
   * read through the clocks' path index.
   */
  const heldWithin = (ancestors: string[]) => {
    const from = `${ancestors.join('/')}/`;
    return app.sql`c.stopped_at is null and c.unit_path collate "C" >= ${from} and c.unit_path collate "C" < ${`${from.slice(0, -1)}0`}`;
  };

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
        querystring: Type.Object({ unit: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ unit: Type.Object({ id: Type.String(), name: Type.String() }), at: Type.String({ format: 'date-time' }), rows: Type.Array(Row) }),
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
      const counts = await app.sql<{ unit_path: string; kind: string; on_time: number; at_risk: number; overdue: number }[]>`
        select c.unit_path, c.kind,
          count(*) filter (where c.due_at > ${at} and c.fired_stage < 0)::int as on_time,
          count(*) filter (where c.due_at > ${at} and c.fired_stage >= 0)::int as at_risk,
          count(*) filter (where c.due_at <= ${at})::int as overdue
        from order_clocks c
        where ${heldWithin(unit.ancestors)}
        group by 1, 2`;
      const children = await app.sql`select id, name from units where parent_id = ${unitId} order by id`;
      const zero = () => ({ onTime: 0, atRisk: 0, overdue: 0 });
      const rows = [{ id: unitId, name: unit.name as string, scope: 'self' }, ...children.map((c) => ({ id: c.id as string, name: c.name as string, scope: 'subtree' }))].map(
        (u) => ({
          unitId: u.id,
          unitName: u.name,
          scope: u.scope,
          clocks: Object.fromEntries(CLOCK_KINDS.map((k) => [k, zero()])) as Record<string, ReturnType<typeof zero>>,
          totals: zero(),
        }),
      );
      const byId = new Map(rows.map((r) => [r.unitId, r]));
      for (const c of counts) {
        // Counted on the board's own row, or on the row of the child unit whose subtree holds it.
        const row = byId.get(c.unit_path.split('/')[unit.ancestors.length] || unitId);
        if (!row) continue;
        const slot = row.clocks[c.kind]!;
        slot.onTime += c.on_time;
        slot.atRisk += c.at_risk;
        slot.overdue += c.overdue;
        row.totals.onTime += c.on_time;
        row.totals.atRisk += c.at_risk;
        row.totals.overdue += c.overdue;
      }
      return { unit: { id: unitId, name: unit.name }, at, rows };
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
            state: Type.Optional(Type.Array(StringEnum(CLOCK_STANDINGS), { maxItems: 3 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ at: Type.String({ format: 'date-time' }), items: Type.Array(ClockItem) }), 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const { unit: unitId, limit } = request.query;
      const unit = await visibleUnit(app.sql, request.viewer!, unitId);
      const at = app.clock.now().toISOString();
      const wanted = request.query.state ?? [...CLOCK_STANDINGS];
      // The same three buckets as the board's counts, so a list and its count agree.
      // The page of clocks first, from order_clocks alone; the orders and units of that page after.
      const rows = await app.sql`
        select o.id, o.number, o.status, o.urgency, o.current_unit_id, u.name as unit_name, o.urge_count, o.supervised_at,
          x.kind, x.due_at, x.standing
        from (
          select c.order_id, c.kind, c.due_at, c.unit_id, s.standing
          from order_clocks c
            cross join lateral (select case when c.due_at <= ${at} then 'overdue' when c.fired_stage >= 0 then 'atRisk' else 'onTime' end as standing) s
          where ${heldWithin(unit.ancestors)} and s.standing = any(${wanted}::text[])
          order by c.due_at, c.order_id
          limit ${limit}
        ) x
        join orders o on o.id = x.order_id
        join units u on u.id = x.unit_id
        order by x.due_at, x.order_id`;
      const now = Date.parse(at);
      return {
        at,
        items: rows.map((r) => ({
          orderId: Number(r.id),
          number: r.number as string,
          status: r.status as string,
          statusLabel: STATUS_LABELS[r.status as OrderStatus] ?? r.status,
          urgency: r.urgency as string,
          currentUnitId: r.current_unit_id as string,
          unitName: r.unit_name as string,
          urgeCount: r.urge_count as number,
          supervisedAt: r.supervised_at ? new Date(r.supervised_at).toISOString() : null,
          kind: r.kind as string,
          label: CLOCK_LABELS[r.kind as ClockKind] ?? r.kind,
          dueAt: new Date(r.due_at).toISOString(),
          standing: r.standing as (typeof CLOCK_STANDINGS)[number],
          timeLeftMs: new Date(r.due_at).getTime() - now,
        })),
      };
    },
  );
};

export default slaRoutes;
