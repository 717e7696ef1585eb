/**
 * 督办看板: the running clocks of a unit's subtree, counted per holding unit and
 * kind, and listed nearest deadline first. Both read `order_clocks` through its
 * partial path index (`order_clocks_unit_path_idx`, migration 0012) as one range,
 * so a street's board costs what the street holds, however big the city is.
 *
 * Query style of db/queries: set-based and hand-written queries are postgres.js
 * tagged templates; the drizzle builder only for plain row CRUD; never drizzle's
 * relational `db.query` API (one way to read a query, and the SQL is what runs).
 */
import type { Sql } from '../client.ts';
import type { ClockKind, ClockStanding } from '../../server/core/deadlines.ts';
import type { OrderStatus } from '../../server/core/lifecycle.ts';
import type { RequestType } from '../../server/core/lists.ts';

/**
 * Running clocks held in the subtree of a unit with these ancestors: one range of
 * `unit_path` ('a/b/' up to, not including, 'a/b0'; '0' follows '/' in C order),
 * read through the clocks' path index. The `collate "C"` must stay: it is what
 * makes the range match the index.
 */
export function heldWithin(sql: Sql, ancestors: string[]) {
  const from = `${ancestors.join('/')}/`;
  return sql`c.stopped_at is null and c.unit_path collate "C" >= ${from} and c.unit_path collate "C" < ${`${from.slice(0, -1)}0`}`;
}

/** Only the clocks of orders of one 诉求类型, when asked: the board cut by request type. */
const ofType = (sql: Sql, requestType: RequestType | undefined) =>
  requestType ? sql` and exists (select 1 from orders o where o.id = c.order_id and o.request_type = ${requestType})` : sql``;

export interface ClockCount {
  /** The holding unit's path, 'city/district/.../': which row of the board it counts on. */
  unitPath: string;
  kind: ClockKind;
  onTime: number;
  atRisk: number;
  overdue: number;
}

/**
 * The subtree's running clocks at `at` by holding unit and kind, in the board's
 * three columns: overdue once due, at risk once a warning fired, else on time.
 */
export async function boardCounts(sql: Sql, ancestors: string[], at: Date, requestType?: RequestType): Promise<ClockCount[]> {
  const now = at.toISOString();
  const rows = await sql<{ unit_path: string; kind: ClockKind; on_time: number; at_risk: number; overdue: number }[]>`
    select c.unit_path, c.kind,
      count(*) filter (where c.due_at > ${now} and c.fired_stage < 0)::int as on_time,
      count(*) filter (where c.due_at > ${now} and c.fired_stage >= 0)::int as at_risk,
      count(*) filter (where c.due_at <= ${now})::int as overdue
    from order_clocks c
    where ${heldWithin(sql, ancestors)}${ofType(sql, requestType)}
    group by 1, 2`;
  return rows.map((r) => ({ unitPath: r.unit_path, kind: r.kind, onTime: r.on_time, atRisk: r.at_risk, overdue: r.overdue }));
}

/** The units directly below a unit, in id order: the board's rows after its own. */
export async function childUnitsOf(sql: Sql, unitId: string): Promise<{ id: string; name: string }[]> {
  return sql<{ id: string; name: string }[]>`select id, name from units where parent_id = ${unitId} order by id`;
}

export interface HeldClock {
  orderId: number;
  number: string;
  status: OrderStatus;
  urgency: string;
  currentUnitId: string;
  /** The unit the clock runs at. */
  unitName: string;
  urgeCount: number;
  supervisedAt: Date | null;
  kind: ClockKind;
  dueAt: Date;
  standing: ClockStanding;
}

/**
 * The subtree's running clocks in the wanted standings, nearest deadline first: the
 * same three buckets as `boardCounts`, so a list and its count agree. The page of
 * clocks is taken from order_clocks alone; the orders and units of that page after.
 */
export async function clocksWithin(
  sql: Sql,
  ancestors: string[],
  opts: { at: Date; standings: readonly ClockStanding[]; limit: number; requestType?: RequestType },
): Promise<HeldClock[]> {
  const at = opts.at.toISOString();
  const rows = await sql`
    select o.id, o.number, o.status, o.urgency, o.current_unit_id, u.name as unit_name, o.urge_count, o.supervised_at,
      x.kind, x.due_at, x.standing
    from (
      select c.order_id, c.kind, c.due_at, c.unit_id, s.standing
      from order_clocks c
        cross join lateral (select case when c.due_at <= ${at} then 'overdue' when c.fired_stage >= 0 then 'atRisk' else 'onTime' end as standing) s
      where ${heldWithin(sql, ancestors)} and s.standing = any(${opts.standings as string[]}::text[])${ofType(sql, opts.requestType)}
      order by c.due_at, c.order_id
      limit ${opts.limit}
    ) x
    join orders o on o.id = x.order_id
    join units u on u.id = x.unit_id
    order by x.due_at, x.order_id`;
  return rows.map((r) => ({
    orderId: Number(r.id),
    number: r.number,
    status: r.status,
    urgency: r.urgency,
    currentUnitId: r.current_unit_id,
    unitName: r.unit_name,
    urgeCount: r.urge_count,
    supervisedAt: r.supervised_at ? new Date(r.supervised_at) : null,
    kind: r.kind,
    dueAt: new Date(r.due_at),
    standing: r.standing,
  }));
}

/** An order on a board as the board keeps it (server/desks/board/tally.ts), patched from then on by live events. */
export interface BoardOrder {
  id: number;
  number: string;
  status: OrderStatus;
  currentUnitId: string;
  urgency: string;
  /** The start of the complaint (the caller masks phone numbers). */
  content: string;
  urgeCount: number;
  supervisedAt: string | null;
  /** The order's latest audit event: a live event at or below it is already in this line. */
  version: number;
  clocks: { kind: string; unitPath: string; dueAt: string; stage: number }[];
  extensions: { id: number; clock: string; requestedDueAt: string; reason: string }[];
}

/**
 * Every order with a running clock in the subtree, with its clocks there, its
 * pending extensions and its latest event id: what a board loads once and then
 * patches from the live feed. One range of the clocks' path index, then each
 * order by its key (and its events' and extensions' indexes).
 */
export async function boardOrders(sql: Sql, ancestors: string[]): Promise<BoardOrder[]> {
  const rows = await sql`
    with held as (
      select c.order_id,
        json_agg(json_build_object('kind', c.kind, 'unitPath', c.unit_path, 'dueAt', c.due_at, 'stage', c.fired_stage) order by c.kind) as clocks
      from order_clocks c
      where ${heldWithin(sql, ancestors)}
      group by c.order_id
    )
    select o.id, o.number, o.status, o.current_unit_id, o.urgency, left(o.content, 80) as content, o.urge_count, o.supervised_at,
      (select max(e.id) from order_events e where e.order_id = o.id) as version,
      h.clocks,
      (select coalesce(json_agg(json_build_object('id', x.id, 'clock', x.clock_kind, 'requestedDueAt', x.requested_due_at, 'reason', x.reason)
          order by x.id), '[]'::json)
        from order_extensions x where x.order_id = o.id and x.status = 'pending') as extensions
    from held h join orders o on o.id = h.order_id
    order by o.id`;
  return rows.map((r) => ({
    id: Number(r.id),
    number: r.number,
    status: r.status,
    currentUnitId: r.current_unit_id,
    urgency: r.urgency,
    content: r.content,
    urgeCount: r.urge_count,
    supervisedAt: r.supervised_at ? new Date(r.supervised_at).toISOString() : null,
    version: Number(r.version ?? 0),
    clocks: (r.clocks as BoardOrder['clocks']).map((c) => ({ ...c, dueAt: new Date(c.dueAt).toISOString() })),
    extensions: (r.extensions as BoardOrder['extensions']).map((x) => ({
      ...x,
      id: Number(x.id),
      requestedDueAt: new Date(x.requestedDueAt).toISOString(),
    })),
  }));
}
