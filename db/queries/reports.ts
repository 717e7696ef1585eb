/**
 * 报表: one statement per report, grouped in PostgreSQL.
 *
 * Every report looks at the same cohort, the orders registered (登记, `created_at`)
 * in the period, read through `orders_created_report_idx` (index-only, migration 0020), and measures them as they stand
 * when the report is made. Each order or clock is counted for one unit: the unit
 * responsible for it, mapped to a row of the report (the unit asked for itself, or
 * the child of it whose subtree holds the responsible unit; `rowKey`). A report
 * for the hotline centre covers the whole city: its rows are the top-level
 * government units.
 */
import type { Sql } from '../client.ts';
import { type CLOCK_KINDS } from '../../server/core/deadlines.ts';
import { RETURN_REASONS } from '../../server/core/lifecycle.ts';
import type { RequestType } from '../../server/core/lists.ts';

export const HOTLINE = 'hotline';

export interface ReportScope {
  /** The unit whose subtree is reported on. */
  unitId: string;
  /** Start of the first day and start of the day after the last, as instants. */
  start: Date;
  end: Date;
  /** Only orders of this 诉求类型, when given. */
  requestType?: RequestType;
}

/** A report row's unit: null for the total over the whole scope. */
export type RowKey = string | null;

/** The row a unit `u` falls in: the reported unit itself or its child above `u`. */
export function rowKey(sql: Sql, root: string) {
  return root === HOTLINE
    ? sql`case when u.id = ${HOTLINE} then ${HOTLINE}::text else u.ancestors[1] end`
    : sql`coalesce(u.ancestors[array_position(u.ancestors, ${root}::text) + 1], ${root}::text)`;
}

/** `u` lies in the reported subtree; the hotline centre sees every unit. */
export function inScope(sql: Sql, root: string) {
  return root === HOTLINE ? sql`true` : sql`u.ancestors @> array[${root}]::text[]`;
}

export const registered = (sql: Sql, s: Pick<ReportScope, 'start' | 'end' | 'requestType'>) =>
  sql`o.created_at >= ${s.start.toISOString()} and o.created_at < ${s.end.toISOString()}${
    s.requestType ? sql` and o.request_type = ${s.requestType}` : sql``
  }`;

/** The units the rows stand for: the unit itself, then its children. */
export async function reportUnits(sql: Sql, unitId: string): Promise<{ id: string; name: string }[]> {
  return sql<{ id: string; name: string }[]>`
    select id, name from units
    where ${unitId === HOTLINE ? sql`parent_id is null and id <> ${HOTLINE}` : sql`parent_id = ${unitId}`}
    order by id`;
}

export interface RateCounts {
  received: number;
  responded: number;
  resolved: number;
  rated: number;
  satisfied: number;
}

/**
 * 三率. An order counts for the unit holding it now (承办单位: where it was
 * finished, or where it waits); merged duplicates and orders transferred out of
 * the hotline are not the units' to answer for and are left out.
 */
export async function rateCounts(sql: Sql, s: ReportScope): Promise<Map<RowKey, RateCounts>> {
  const rows = await sql`
    with s as (
      select ${rowKey(sql, s.unitId)} as key, o.status, o.satisfaction,
        -- 直办: an answer on the call responds (and resolves) at once.
        exists (select 1 from order_events e where e.order_id = o.id
          and ((e.action = 'claim' and e.unit_id = o.current_unit_id) or e.action = 'answer')) as responded
      from orders o join units u on u.id = o.current_unit_id
      where ${registered(sql, s)} and o.status not in ('merged', 'transferred_out') and ${inScope(sql, s.unitId)}
    )
    select key, grouping(key) = 1 as total,
      count(*)::int as received,
      count(*) filter (where responded)::int as responded,
      count(*) filter (where status = 'closed')::int as resolved,
      count(*) filter (where satisfaction is not null)::int as rated,
      count(*) filter (where satisfaction in ('satisfied', 'basically_satisfied'))::int as satisfied
    from s group by rollup (key)`;
  return new Map(
    rows.map((r) => [
      r.total ? null : (r.key as string),
      { received: r.received, responded: r.responded, resolved: r.resolved, rated: r.rated, satisfied: r.satisfied },
    ]),
  );
}

export interface ClockCounts {
  onTime: number;
  late: number;
  overdue: number;
  running: number;
}

/**
 * 按时率. Each order keeps one clock of each kind (a clock restarted by 下派, 退单 or
 * 重办 replaces the one before). A clock counts for the unit it is stored with: the
 * holder while it runs, and the unit it ran at once stopped.
 * Keys: [row, clock kind], null standing for "all".
 */
export async function clockCounts(sql: Sql, s: ReportScope, now: Date): Promise<Map<string, ClockCounts>> {
  const at = now.toISOString();
  const rows = await sql`
    with c as (
      select c.kind, c.due_at, c.stopped_at, c.unit_id
      from orders o
      join order_clocks c on c.order_id = o.id
      where ${registered(sql, s)} and o.status not in ('merged', 'transferred_out')
    ), s as (
      select ${rowKey(sql, s.unitId)} as key, c.kind, c.due_at, c.stopped_at
      from c join units u on u.id = c.unit_id
      where ${inScope(sql, s.unitId)}
    )
    select key, kind, grouping(key) = 1 as all_units, grouping(kind) = 1 as all_kinds,
      count(*) filter (where stopped_at < due_at)::int as on_time,
      count(*) filter (where stopped_at >= due_at)::int as late,
      count(*) filter (where stopped_at is null and due_at <= ${at})::int as overdue,
      count(*) filter (where stopped_at is null and due_at > ${at})::int as running
    from s group by grouping sets ((key, kind), (key), (kind), ())`;
  return new Map(
    rows.map((r) => [
      clockKey(r.all_units ? null : r.key, r.all_kinds ? null : r.kind),
      { onTime: r.on_time, late: r.late, overdue: r.overdue, running: r.running },
    ]),
  );
}

export const clockKey = (row: RowKey, kind: (typeof CLOCK_KINDS)[number] | null) => JSON.stringify([row, kind]);

export type ReturnCounts = {
  dispatchedOrders: number;
  returns: number;
  returnedOrders: number;
  reopens: number;
  reopenedOrders: number;
  byReason: Record<(typeof RETURN_REASONS)[number], number>;
};

/**
 * 退单与重办. A return counts for the unit that returned the order (`fromUnitId`
 * of the step), a reopen for the unit it goes back to (the one that replied), a
 * dispatch (派单, 改派, 下派, 异议成立改派) for the unit receiving it.
 */
export async function returnCounts(sql: Sql, s: ReportScope): Promise<Map<RowKey, ReturnCounts>> {
  const reasonColumns = RETURN_REASONS.reduce(
    (columns, r) => sql`${columns}, count(*) filter (where action = 'return' and reason = ${r})::int as ${sql(`reason_${r}`)}`,
    sql``,
  );
  // Two branches so that only returns read their event rows (for the reason and the unit
  // returning): dispatches and reopens come from order_events_steps_idx alone (migration 0020).
  const rows = await sql`
    with ev as (
      select e.order_id, e.action, null::text as reason, e.unit_id
      from orders o join order_events e on e.order_id = o.id
      where ${registered(sql, s)} and e.action in ('dispatch', 'redispatch', 'hand_down', 'uphold_objection', 'reopen')
      union all
      select e.order_id, e.action, e.payload->>'reasonCode', e.payload->>'fromUnitId'
      from orders o join order_events e on e.order_id = o.id
      where ${registered(sql, s)} and e.action = 'return'
    ), s as (
      select ${rowKey(sql, s.unitId)} as key, ev.order_id, ev.action, ev.reason
      from ev join units u on u.id = ev.unit_id
      where ${inScope(sql, s.unitId)}
    )
    select key, grouping(key) = 1 as total,
      count(distinct order_id) filter (where action in ('dispatch', 'redispatch', 'hand_down', 'uphold_objection'))::int as dispatched_orders,
      count(*) filter (where action = 'return')::int as returns,
      count(distinct order_id) filter (where action = 'return')::int as returned_orders,
      count(*) filter (where action = 'reopen')::int as reopens,
      count(distinct order_id) filter (where action = 'reopen')::int as reopened_orders
      ${reasonColumns}
    from s group by rollup (key)`;
  return new Map(
    rows.map((r) => [
      r.total ? null : (r.key as string),
      {
        dispatchedOrders: r.dispatched_orders,
        returns: r.returns,
        returnedOrders: r.returned_orders,
        reopens: r.reopens,
        reopenedOrders: r.reopened_orders,
        byReason: Object.fromEntries(RETURN_REASONS.map((reason) => [reason, r[`reason_${reason}`] as number])) as ReturnCounts['byReason'],
      },
    ]),
  );
}

/** Digits of an area code at each level of the tree. */
export const AREA_DIGITS = { district: 6, street: 9, community: 12 } as const;

export interface TopResult {
  total: number;
  /** Orders with no category, or no area at the level asked. */
  unplaced: number;
  rows: { key: string; count: number; areaName: string | null }[];
}

/** 热点: all orders registered in the period and held in the subtree, by category or by area at a level. */
export async function topCounts(
  sql: Sql,
  s: ReportScope,
  by: { kind: 'category' } | { kind: 'area'; level: keyof typeof AREA_DIGITS },
  limit: number,
): Promise<TopResult> {
  const digits = by.kind === 'area' ? AREA_DIGITS[by.level] : 0;
  const key =
    by.kind === 'category' ? sql`o.category_code` : sql`case when length(o.area_code) >= ${digits} then left(o.area_code, ${digits}) end`;
  const rows = await sql`
    with g as (
      select ${key} as key, count(*)::int as n
      from orders o join units u on u.id = o.current_unit_id
      where ${registered(sql, s)} and ${inScope(sql, s.unitId)}
      group by 1
    )
    select t.total, t.unplaced, r.key, r.n, a.name as area_name
    from (select coalesce(sum(n), 0)::int as total, coalesce(sum(n) filter (where key is null), 0)::int as unplaced from g) t
    left join lateral (select key, n from g where key is not null order by n desc, key limit ${limit}) r on true
    left join areas a on ${by.kind === 'area' ? sql`a.code = r.key` : sql`false`}
    order by r.n desc, r.key`;
  const first = rows[0]!;
  return {
    total: first.total,
    unplaced: first.unplaced,
    rows: rows
      .filter((r) => r.key !== null)
      .map((r) => ({ key: r.key as string, count: r.n as number, areaName: (r.area_name as string | null) ?? null })),
  };
}

// ——— The live figures of a board's charts and the wall (大屏) ———

const HOUR_OF = (sql: Sql) => sql`extract(hour from o.created_at at time zone 'Asia/Shanghai')::int`;
const typed = (sql: Sql, requestType?: RequestType) => (requestType ? sql` and o.request_type = ${requestType}` : sql``);

/** Registered orders per Beijing hour of a day (start, start + 1 day) and of the same hours a week earlier. */
function intakeRows(sql: Sql, unitId: string, day: Date, requestType?: RequestType) {
  const end = new Date(day.getTime() + 86_400_000);
  const weekStart = new Date(day.getTime() - 7 * 86_400_000);
  const weekEnd = new Date(weekStart.getTime() + 86_400_000);
  return sql`
    with o as (
      select o.created_at >= ${day.toISOString()} as today, ${HOUR_OF(sql)} as hour
      from orders o join units u on u.id = o.current_unit_id
      where ((o.created_at >= ${day.toISOString()} and o.created_at < ${end.toISOString()})
          or (o.created_at >= ${weekStart.toISOString()} and o.created_at < ${weekEnd.toISOString()}))
        and ${inScope(sql, unitId)}${typed(sql, requestType)}
    )
    select h.hour, count(o.hour) filter (where o.today)::int as "today", count(o.hour) filter (where not o.today)::int as "weekAgo"
    from generate_series(0, 23) as h(hour) left join o on o.hour = h.hour
    group by h.hour order by h.hour`;
}

export interface HourlyIntake {
  hour: number;
  today: number;
  weekAgo: number;
}

/** 今日来件: orders now held in the subtree, by the Beijing hour they were registered, beside the same weekday a week before. */
export async function intakeByHour(sql: Sql, unitId: string, day: Date, requestType?: RequestType): Promise<HourlyIntake[]> {
  return (await intakeRows(sql, unitId, day, requestType)) as unknown as HourlyIntake[];
}

/** Overdue by how long: under an hour, up to a day, more. */
function overdueRows(sql: Sql, unitId: string, now: Date, requestType?: RequestType) {
  const at = now.toISOString();
  return sql`
    select c.kind,
      count(*) filter (where c.due_at > ${at}::timestamptz - interval '1 hour')::int as "underHour",
      count(*) filter (where c.due_at <= ${at}::timestamptz - interval '1 hour' and c.due_at > ${at}::timestamptz - interval '1 day')::int as "underDay",
      count(*) filter (where c.due_at <= ${at}::timestamptz - interval '1 day')::int as "overDay",
      count(*)::int as total
    from order_clocks c join units u on u.id = c.unit_id
    ${requestType ? sql`join orders o on o.id = c.order_id` : sql``}
    where c.stopped_at is null and c.due_at <= ${at} and ${inScope(sql, unitId)}${typed(sql, requestType)}
    group by c.kind`;
}

export interface OverdueCounts {
  kind: (typeof CLOCK_KINDS)[number];
  underHour: number;
  underDay: number;
  overDay: number;
  total: number;
}

/** 超期在办: the clocks running past their deadline now, held in the subtree, by kind; whenever the order was registered. */
export async function overdueByClock(sql: Sql, unitId: string, now: Date, requestType?: RequestType): Promise<OverdueCounts[]> {
  return (await overdueRows(sql, unitId, now, requestType)) as unknown as OverdueCounts[];
}

export interface WallFigures {
  intake: HourlyIntake[];
  overdue: OverdueCounts[];
  onTime: { unitId: string; unitName: string; onTime: number; late: number; overdue: number }[];
  matters: { code: string; count: number }[];
  areas: { code: string; name: string | null; count: number }[];
}

/**
 * The wall (大屏) in one statement, so that a screen costs the database one query per
 * refresh: today's intake by hour against a week before, the overdue clocks now, the
 * on-time counts per unit over the last 7 days, and today's top matters and streets.
 * For the hotline centre the units are those below the city (districts, departments).
 */
export async function wallFigures(sql: Sql, unitId: string, day: Date, now: Date): Promise<WallFigures> {
  const end = new Date(day.getTime() + 86_400_000).toISOString();
  const weekFrom = new Date(day.getTime() - 6 * 86_400_000).toISOString();
  const key = unitId === HOTLINE ? sql`coalesce(u.ancestors[2], u.ancestors[1])` : rowKey(sql, unitId);
  const today = sql`o.created_at >= ${day.toISOString()} and o.created_at < ${end}`;
  const [row] = await sql`
    select
      (select coalesce(json_agg(x), '[]') from (${intakeRows(sql, unitId, day)}) x) as intake,
      (select coalesce(json_agg(x), '[]') from (${overdueRows(sql, unitId, now)}) x) as overdue,
      (select coalesce(json_agg(x order by x."onTime"::numeric / nullif(x."onTime" + x.late + x.overdue, 0) nulls last), '[]') from (
        select k.key as "unitId", coalesce(n.name, k.key) as "unitName",
          count(*) filter (where k.stopped_at < k.due_at)::int as "onTime",
          count(*) filter (where k.stopped_at >= k.due_at)::int as late,
          count(*) filter (where k.stopped_at is null and k.due_at <= ${now.toISOString()})::int as overdue
        from (
          select ${key} as key, c.due_at, c.stopped_at
          from orders o join order_clocks c on c.order_id = o.id join units u on u.id = c.unit_id
          where o.created_at >= ${weekFrom} and o.created_at < ${end}
            and o.status not in ('merged', 'transferred_out') and ${inScope(sql, unitId)}
        ) k left join units n on n.id = k.key
        where k.key is not null
        group by k.key, n.name
      ) x) as "onTime",
      (select coalesce(json_agg(x order by x.count desc, x.code), '[]') from (
        select o.category_code as code, count(*)::int as count
        from orders o join units u on u.id = o.current_unit_id
        where ${today} and o.category_code is not null and ${inScope(sql, unitId)}
        group by 1 order by 2 desc, 1 limit 8
      ) x) as matters,
      (select coalesce(json_agg(x order by x.count desc, x.code), '[]') from (
        select g.code, a.name, g.count from (
          select left(o.area_code, ${AREA_DIGITS.street}) as code, count(*)::int as count
          from orders o join units u on u.id = o.current_unit_id
          where ${today} and length(o.area_code) >= ${AREA_DIGITS.street} and ${inScope(sql, unitId)}
          group by 1 order by 2 desc, 1 limit 8
        ) g left join areas a on a.code = g.code
      ) x) as areas`;
  return row as unknown as WallFigures;
}
