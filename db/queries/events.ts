/**
 * The live feed's reads of the audit trail: events by id as their notifications
 * arrive, and a topic's events after a resume point. Each event comes with the
 * order as it stands and the ancestors of the unit holding it (who may see it).
 *
 * Query style of db/queries: set-based and hand-written queries are postgres.js
 * tagged templates; the drizzle builder only for plain row CRUD; never drizzle's
 * relational `db.query` API (one way to read a query, and the SQL is what runs).
 */
import type { Sql } from '../client.ts';
import { QUEUE_STATUSES } from '../../server/core/lifecycle.ts';

/** What a client may watch: a unit's subtree, one order, or the dispatcher's queue. */
export type Topic = { topic: 'unit'; unit: string } | { topic: 'order'; orderId: number } | { topic: 'queue' };

export interface FeedEvent {
  eventId: number;
  action: string;
  at: string;
  order: { id: number; number: string; status: string; currentUnitId: string; urgency: string; categoryCode: string | null };
  /** Ancestors of the unit holding the order. */
  ancestors: string[];
  /**
   * Ancestors of the unit that held the order before this event (the unit of the
   * order's previous event), when another: an order returned or sent away leaves its
   * old boards, which must hear of it to take it off their counts.
   */
  formerAncestors: string[] | null;
  /** The assisting units (协办) and every unit above each: their desks hear the order too, wherever it is held. */
  assistAncestors: string[];
  /** What a board needs to patch its line of the order, as the order stands when looked up. */
  board: BoardFacts;
}

/** A running clock as a board counts it: on the row of `unitPath`, by its due time and fired stage. */
export interface BoardClock {
  kind: string;
  unitPath: string;
  dueAt: string;
  /** The last stage the sweeper fired (-1: none yet): 0 and up is 黄灯. */
  stage: number;
}

export interface BoardFacts {
  /** The start of the complaint, phone numbers masked by the caller (server/plugins/live.ts). */
  content: string;
  urgeCount: number;
  supervisedAt: string | null;
  /** The order's running clocks; empty once none runs (closed, merged, sent out). */
  clocks: BoardClock[];
  /** The event's note (催办/督办 text, extension reason), masked by the caller, and its extension. */
  note: string | null;
  extension: { id: number; clock: string; requestedDueAt: string | null } | null;
}

/** The events with these ids, oldest first; ids with no event (yet) are left out. */
export function eventsByIds(sql: Sql, ids: number[]): Promise<FeedEvent[]> {
  return lookUp(sql, sql`e.id = any(${ids.map(String)}::text[]::bigint[])`, ids.length);
}

/** The topic's events after `afterId`, oldest first, at most `limit`. */
export function eventsAfter(sql: Sql, afterId: number, topic: Topic, limit: number): Promise<FeedEvent[]> {
  return lookUp(sql, sql`e.id > ${afterId} and ${topicFilter(sql, topic)}`, limit);
}

/**
 * LISTEN on `order_events`, announced by a trigger as each statement's events
 * commit, in commit order: one notification per statement, {"ids":[…]} (migration
 * 0009). While `wanted()` is false notifications are dropped unread.
 */
export function listenForEvents(
  sql: Sql,
  opts: { wanted: () => boolean; onIds: (ids: number[]) => void },
): Promise<{ unlisten: () => Promise<void> }> {
  return sql.listen('order_events', (payload) => {
    if (!opts.wanted()) return;
    opts.onIds((JSON.parse(payload) as { ids: number[] }).ids.map(Number));
  });
}

function topicFilter(sql: Sql, t: Topic) {
  if (t.topic === 'unit') {
    return sql`(u.ancestors @> array[${t.unit}]::text[] or exists (select 1 from order_assists oa join units au on au.id = oa.unit_id
      where oa.order_id = o.id and au.ancestors @> array[${t.unit}]::text[]))`;
  }
  if (t.topic === 'order') return sql`o.id = ${t.orderId}`;
  return sql`o.current_unit_id = 'hotline' and o.status = any(${[...QUEUE_STATUSES]}::text[])`;
}

async function lookUp(sql: Sql, where: ReturnType<typeof topicFilter>, limit: number): Promise<FeedEvent[]> {
  // The board's facts ride on the same statement: the order's running clocks (a few
  // rows by its primary key) and the unit of its previous event (order_events_order_idx).
  const rows = await sql`
    select e.id, e.action, e.at, e.reason, e.payload, o.id as order_id, o.number, o.status, o.current_unit_id, o.urgency,
      o.category_code, u.ancestors, left(o.content, 80) as content, o.urge_count, o.supervised_at,
      (select pu.ancestors from order_events pe join units pu on pu.id = pe.unit_id
        where pe.order_id = e.order_id and pe.id < e.id order by pe.id desc limit 1) as former_ancestors,
      (select coalesce(array_agg(distinct up), '{}') from order_assists oa join units au on au.id = oa.unit_id
        cross join unnest(au.ancestors) up where oa.order_id = o.id) as assist_ancestors,
      (select coalesce(json_agg(json_build_object('kind', c.kind, 'unitPath', c.unit_path, 'dueAt', c.due_at, 'stage', c.fired_stage)
          order by c.kind), '[]'::json)
        from order_clocks c where c.order_id = o.id and c.stopped_at is null) as clocks
    from order_events e
    join orders o on o.id = e.order_id
    join units u on u.id = o.current_unit_id
    where ${where}
    order by e.id
    limit ${limit}`;
  return rows.map((r) => ({
    eventId: Number(r.id),
    action: r.action,
    at: new Date(r.at).toISOString(),
    order: {
      id: Number(r.order_id),
      number: r.number,
      status: r.status,
      currentUnitId: r.current_unit_id,
      urgency: r.urgency,
      categoryCode: r.category_code,
    },
    ancestors: r.ancestors,
    formerAncestors: r.former_ancestors && r.former_ancestors.join('/') !== r.ancestors.join('/') ? r.former_ancestors : null,
    assistAncestors: r.assist_ancestors ?? [],
    board: {
      content: r.content,
      urgeCount: r.urge_count,
      supervisedAt: r.supervised_at ? new Date(r.supervised_at).toISOString() : null,
      clocks: (r.clocks as BoardClock[]).map((c) => ({ ...c, dueAt: new Date(c.dueAt).toISOString() })),
      note: r.reason ?? null,
      extension: extensionOf(r.action, r.payload ?? {}),
    },
  }));
}

/** The extension an event asks for or decides, from its payload. */
function extensionOf(action: string, p: Record<string, unknown>): BoardFacts['extension'] {
  if (!['request_extension', 'approve_extension', 'reject_extension'].includes(action) || typeof p.extensionId !== 'number') return null;
  return {
    id: p.extensionId,
    clock: typeof p.clock === 'string' ? p.clock : '',
    requestedDueAt: typeof p.requestedDueAt === 'string' ? p.requestedDueAt : null,
  };
}
