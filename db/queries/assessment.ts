/**
 * 考核: a month's counts for every assessed unit. The 三率, 按时率 and 退单 counts are
 * the reports' own (db/queries/reports.ts), asked once per parent unit: the city
 * government for the districts and city departments, each district for its streets
 * and departments. A unit's row there covers its whole subtree, so a district
 * answers for its streets and communities as in the reports. Only the reply
 * checks and the inspectors' scores have no report there and are counted here,
 * on the same cohort.
 */
import type { Sql } from '../client.ts';
import { NO_COUNTS, type UnitCounts } from '../../server/core/assessment.ts';
import type { UnitKind, UnitLevel } from '../../server/core/lists.ts';
import { upheldObjectionCounts } from './objections.ts';
import { clockCounts, clockKey, rateCounts, returnCounts, type ReportScope } from './reports.ts';

export interface AssessableUnit {
  id: string;
  name: string;
  level: UnitLevel;
  kind: UnitKind;
  parentId: string;
}

/** Governments and departments at the city's and districts' levels and streets: the units the core may group. */
export async function assessableUnits(sql: Sql): Promise<AssessableUnit[]> {
  return sql<AssessableUnit[]>`
    select id, name, level, kind, parent_id as "parentId" from units
    where kind in ('government', 'department') and level in ('city', 'district', 'street') and parent_id is not null
    order by id`;
}

/**
 * 答复质检 per unit, each unit counting the replies made in its subtree (the event's
 * unit is the one that replied): every reply the checks ran on, and those with no
 * finding. Replies sent past a finding, with a reason, count as checked but not passed.
 */
export async function replyCheckCounts(
  sql: Sql,
  span: { start: Date; end: Date },
): Promise<Map<string, { replies: number; passed: number }>> {
  const rows = await sql<{ unit_id: string; replies: number; passed: number }[]>`
    select a.unit_id,
      count(*)::int as replies,
      count(*) filter (where jsonb_array_length(e.payload->'quality'->'findings') = 0)::int as passed
    from orders o
    join order_events e on e.order_id = o.id
    join units u on u.id = e.unit_id
    cross join lateral unnest(u.ancestors) as a(unit_id)
    where o.created_at >= ${span.start.toISOString()} and o.created_at < ${span.end.toISOString()}
      and o.status not in ('merged', 'transferred_out')
      and e.action = 'reply' and jsonb_typeof(e.payload->'quality'->'findings') = 'array'
    group by a.unit_id`;
  return new Map(rows.map((r) => [r.unit_id, { replies: r.replies, passed: r.passed }]));
}

/**
 * 人工质检 per unit, each unit counting the scored samples of its subtree (the
 * sample's unit is the one that answered the citizen): how many, and their points.
 */
export async function inspectionCounts(
  sql: Sql,
  span: { start: Date; end: Date },
): Promise<Map<string, { inspected: number; points: number }>> {
  const rows = await sql<{ unit_id: string; inspected: number; points: number }[]>`
    select a.unit_id, count(*)::int as inspected, sum(s.total)::int as points
    from qa_samples s
    join orders o on o.id = s.order_id
    join units u on u.id = s.unit_id
    cross join lateral unnest(u.ancestors) as a(unit_id)
    where s.scored_at is not null
      and o.created_at >= ${span.start.toISOString()} and o.created_at < ${span.end.toISOString()}
      and o.status not in ('merged', 'transferred_out')
    group by a.unit_id`;
  return new Map(rows.map((r) => [r.unit_id, { inspected: r.inspected, points: r.points }]));
}

/**
 * Every given unit's counts for the orders registered in [start, end), the running
 * clocks judged at `now`. 异议成立: the orders on which an objection of the unit's
 * subtree was upheld (db/queries/objections.ts).
 */
export async function unitMonthCounts(
  sql: Sql,
  units: AssessableUnit[],
  span: { start: Date; end: Date; now: Date },
): Promise<Map<string, UnitCounts>> {
  const parents = [...new Set(units.map((u) => u.parentId))];
  const [checks, inspections, upheld, ...perParent] = await Promise.all([
    replyCheckCounts(sql, span),
    inspectionCounts(sql, span),
    upheldObjectionCounts(sql, span),
    ...parents.map(async (unitId) => {
      const scope: ReportScope = { unitId, start: span.start, end: span.end };
      const [rates, clocks, returns] = await Promise.all([
        rateCounts(sql, scope),
        clockCounts(sql, scope, span.now),
        returnCounts(sql, scope),
      ]);
      return { rates, clocks, returns };
    }),
  ]);
  const byParent = new Map(parents.map((p, i) => [p, perParent[i]!]));
  return new Map(
    units.map((u) => {
      const { rates, clocks, returns } = byParent.get(u.parentId)!;
      const r = rates.get(u.id);
      const c = clocks.get(clockKey(u.id, null));
      const d = returns.get(u.id);
      const q = checks.get(u.id);
      const i = inspections.get(u.id);
      const counts: UnitCounts = {
        ...NO_COUNTS,
        ...(r ?? {}),
        ...(c ? { onTime: c.onTime, late: c.late, overdue: c.overdue } : {}),
        ...(d ? { dispatchedOrders: d.dispatchedOrders, returnedOrders: d.returnedOrders } : {}),
        ...(q ? { replies: q.replies, repliesPassed: q.passed } : {}),
        ...(i ? { inspected: i.inspected, inspectionPoints: i.points } : {}),
        upheldObjections: upheld.get(u.id) ?? 0,
      };
      return [u.id, counts];
    }),
  );
}
