/**
 * 热点预警's SQL: the clusters of the window with their baselines, the alerts and
 * the orders they hold, the audit event each order gets when its alert is raised
 * (which is how the alert reaches the boards, through the live feed).
 */
import type { Queryable, Sql } from '../client.ts';
import type { ClusterCount, HotspotLevel, HotspotState } from '../../server/core/hotspots.ts';

const iso = (d: Date) => d.toISOString();

/** One scan at a time across instances; the lock ends with the scan's transaction. */
export async function tryLockHotspotScan(sql: Queryable): Promise<boolean> {
  const [row] = await sql`select pg_try_advisory_xact_lock(hashtextextended('hotspot-scan', 0)) as got`;
  return Boolean(row!.got);
}

export interface ClusterRow extends ClusterCount {
  areaName: string;
  firstAt: Date;
  lastAt: Date;
}

/**
 * Orders of one matter in one place logged in (from, to], per level, at least
 * `minOrders` of them, with the count of the same clock window on each of the
 * baseline days before `from` (the place's usual for that time of day).
 */
export async function countClusters(
  sql: Queryable,
  o: {
    from: Date;
    to: Date;
    baselineFrom: Date;
    windowMinutes: number;
    minOrders: number;
    levels: { level: HotspotLevel; length: number }[];
  },
): Promise<ClusterRow[]> {
  const rows = await sql`
    with levels as (
      select * from unnest(${o.levels.map((l) => l.level)}::text[], ${o.levels.map((l) => l.length)}::int[]) as l(level, len)
    ), grouped as (
      select r.category_code, left(r.area_code, l.len) as key, l.level,
        array_agg(r.id order by r.id) as order_ids, min(r.created_at) as first_at, max(r.created_at) as last_at
      from orders r join levels l on length(r.area_code) >= l.len
      where r.created_at > ${iso(o.from)} and r.created_at <= ${iso(o.to)}
        and r.category_code is not null and r.area_code is not null
      group by r.category_code, left(r.area_code, l.len), l.level
      having count(*) >= ${o.minOrders}
    )
    select g.*, a.name as area_name,
      (select count(*)::int from orders b
        where b.category_code = g.category_code and b.area_code like g.key || '%'
          and b.created_at >= ${iso(o.baselineFrom)} and b.created_at <= ${iso(o.from)}
          and mod(mod(floor(extract(epoch from b.created_at - ${iso(o.from)}::timestamptz) / 60)::bigint, 1440) + 1440, 1440)
            < ${o.windowMinutes}) as baseline_count
    from grouped g join areas a on a.code = g.key
    order by g.category_code, g.key`;
  return rows.map((r) => ({
    matterCode: r.category_code as string,
    areaCode: r.key as string,
    areaName: r.area_name as string,
    level: r.level as HotspotLevel,
    orderIds: (r.order_ids as (string | number)[]).map(Number),
    baselineCount: Number(r.baseline_count),
    firstAt: new Date(r.first_at as string),
    lastAt: new Date(r.last_at as string),
  }));
}

/** The alert of this matter and place whose span reaches back into the window, if any. */
export async function findRecentAlert(
  sql: Queryable,
  o: { matterCode: string; areaCode: string; since: Date },
): Promise<{ id: number; state: HotspotState } | undefined> {
  const [row] = await sql`
    select id, state from hotspot_alerts
    where matter_code = ${o.matterCode} and area_code = ${o.areaCode} and last_at >= ${iso(o.since)}
    order by id desc limit 1`;
  return row ? { id: Number(row.id), state: row.state as HotspotState } : undefined;
}

export async function insertAlert(
  sql: Queryable,
  a: { matterCode: string; areaCode: string; level: HotspotLevel; firstAt: Date; lastAt: Date; usualRate: number; raisedAt: Date },
): Promise<number> {
  const [row] = await sql`
    insert into hotspot_alerts (matter_code, area_code, level, first_at, last_at, order_count, usual_rate, raised_at)
    values (${a.matterCode}, ${a.areaCode}, ${a.level}, ${iso(a.firstAt)}, ${iso(a.lastAt)}, 1, ${a.usualRate}, ${iso(a.raisedAt)})
    returning id`;
  return Number(row!.id);
}

/** Links the orders not yet in the alert, keeps its count and span, and returns the orders newly linked. */
export async function attachAlertOrders(sql: Queryable, alertId: number, orderIds: number[]): Promise<number[]> {
  const added = await sql`
    insert into hotspot_alert_orders (alert_id, order_id)
    select ${alertId}, unnest(${orderIds}::bigint[])
    on conflict do nothing
    returning order_id`;
  await sql`
    update hotspot_alerts h set order_count = s.n, first_at = s.first_at, last_at = s.last_at
    from (select count(*)::int as n, min(o.created_at) as first_at, max(o.created_at) as last_at
          from hotspot_alert_orders x join orders o on o.id = x.order_id where x.alert_id = ${alertId}) s
    where h.id = ${alertId}`;
  return added.map((r) => Number(r.order_id));
}

/** The audit event on each order of a raised alert; the live feed takes it to the boards above each holder. */
export async function recordHotspotEvents(
  sql: Queryable,
  o: { alertId: number; orderIds: number[]; at: Date; reason: string },
): Promise<void> {
  await sql`
    insert into order_events (order_id, at, actor, action, from_status, to_status, unit_id, reason, payload)
    select o.id, ${iso(o.at)}, 'system:hotspot', 'hotspot', o.status, o.status, o.current_unit_id, ${o.reason},
      jsonb_build_object('alertId', ${o.alertId}::bigint)
    from orders o where o.id = any(${o.orderIds}::bigint[])
    order by o.id`;
}

export interface AlertRow {
  id: number;
  matterCode: string;
  areaCode: string;
  areaName: string;
  level: HotspotLevel;
  firstAt: Date;
  lastAt: Date;
  orderCount: number;
  usualRate: number;
  state: HotspotState;
  raisedAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  handledBy: string | null;
  handledAt: Date | null;
  note: string | null;
  orders: { id: number; number: string; status: string; currentUnitId: string; content: string; createdAt: Date }[];
}

const selectAlerts = (sql: Queryable) => sql`
  select h.*, a.name as area_name,
    (select coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'number', o.number, 'status', o.status,
        'currentUnitId', o.current_unit_id, 'content', left(o.content, 120), 'createdAt', o.created_at) order by o.id), '[]')
     from hotspot_alert_orders x join orders o on o.id = x.order_id where x.alert_id = h.id) as orders
  from hotspot_alerts h join areas a on a.code = h.area_code`;

/** An alert that concerns the unit: one of its orders is held in the unit's subtree (none given: every alert). */
const concerning = (sql: Queryable, unit: string | undefined) =>
  unit
    ? sql`and exists (select 1 from hotspot_alert_orders x join orders o on o.id = x.order_id join units u on u.id = o.current_unit_id
        where x.alert_id = h.id and ${unit} = any(u.ancestors))`
    : sql``;

/** Alerts in a state (or all), newest raised first; `within` keeps those with an order held in that unit's subtree. */
export async function listAlerts(sql: Sql, o: { state?: HotspotState; within?: string; limit: number }): Promise<AlertRow[]> {
  const rows = await sql`${selectAlerts(sql)}
    where true ${o.state ? sql`and h.state = ${o.state}` : sql``}
      ${concerning(sql, o.within)}
    order by h.raised_at desc, h.id desc limit ${o.limit}`;
  return rows.map(toAlert);
}

export async function findAlert(
  sql: Queryable,
  id: number,
  opts: { forUpdate?: boolean; within?: string } = {},
): Promise<AlertRow | undefined> {
  const [row] = await sql`${selectAlerts(sql)} where h.id = ${id}
    ${concerning(sql, opts.within)}
    ${opts.forUpdate ? sql`for update of h` : sql``}`;
  return row ? toAlert(row) : undefined;
}

export async function recordAlertStep(
  sql: Queryable,
  id: number,
  o: { state: HotspotState; by: string; at: Date; note: string | null },
): Promise<void> {
  if (o.state === 'acknowledged') {
    await sql`update hotspot_alerts set state = 'acknowledged', acknowledged_by = ${o.by}, acknowledged_at = ${iso(o.at)},
      note = coalesce(${o.note}, note) where id = ${id}`;
  } else {
    await sql`update hotspot_alerts set state = 'handled', handled_by = ${o.by}, handled_at = ${iso(o.at)},
      note = coalesce(${o.note}, note) where id = ${id}`;
  }
}

const date = (v: unknown) => (v ? new Date(v as string) : null);

function toAlert(r: Record<string, unknown>): AlertRow {
  return {
    id: Number(r.id),
    matterCode: r.matter_code as string,
    areaCode: r.area_code as string,
    areaName: r.area_name as string,
    level: r.level as HotspotLevel,
    firstAt: date(r.first_at)!,
    lastAt: date(r.last_at)!,
    orderCount: Number(r.order_count),
    usualRate: Number(r.usual_rate),
    state: r.state as HotspotState,
    raisedAt: date(r.raised_at)!,
    acknowledgedBy: (r.acknowledged_by as string | null) ?? null,
    acknowledgedAt: date(r.acknowledged_at),
    handledBy: (r.handled_by as string | null) ?? null,
    handledAt: date(r.handled_at),
    note: (r.note as string | null) ?? null,
    orders: (r.orders as AlertRow['orders']).map((o) => ({
      ...o,
      id: Number(o.id),
      createdAt: new Date(o.createdAt as unknown as string),
    })),
  };
}
