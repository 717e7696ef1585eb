/** 督办看板: on-time, at-risk and overdue clocks for a unit and each unit below it. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isCityWide } from '../core/access.ts';
import { CLOCK_KINDS } from '../core/deadlines.ts';
import { AppError } from '../errors.ts';
import { ErrorReply } from './orders.schema.ts';

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
      const viewer = request.viewer!;
      const unitId = request.query.unit;
      const [unit] = await app.sql`select id, name, ancestors from units where id = ${unitId}`;
      if (!unit || !(isCityWide(viewer) || (unit.ancestors as string[]).includes(viewer.unitId))) {
        throw new AppError(404, 'UNIT_NOT_FOUND', `单位 ${unitId} 不存在或不在本单位辖区内`, { field: 'unit' });
      }
      const now = app.clock.now();
      const at = now.toISOString();
      const counts = await app.sql`
        select coalesce(k.id, ${unitId}) as unit_id, c.kind,
          count(*) filter (where c.due_at > ${at} and c.fired_stage < 0)::int as on_time,
          count(*) filter (where c.due_at > ${at} and c.fired_stage >= 0)::int as at_risk,
          count(*) filter (where c.due_at <= ${at})::int as overdue
        from order_clocks c
        join units u on u.id = c.unit_id
        left join units k on k.parent_id = ${unitId} and k.id = any(u.ancestors)
        where c.stopped_at is null and u.ancestors @> array[${unitId}]::text[]
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
        const row = byId.get(c.unit_id);
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
};

export default slaRoutes;
