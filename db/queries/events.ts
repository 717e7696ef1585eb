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
  if (t.topic === 'unit') return sql`u.ancestors @> array[${t.unit}]::text[]`;
  if (t.topic === 'order') return sql`o.id = ${t.orderId}`;
  return sql`o.current_unit_id = 'hotline' and o.status = any(${[...QUEUE_STATUSES]}::text[])`;
}

async function lookUp(sql: Sql, where: ReturnType<typeof topicFilter>, limit: number): Promise<FeedEvent[]> {
  const rows = await sql`
    select e.id, e.action, e.at, o.id as order_id, o.number, o.status, o.current_unit_id, o.urgency, o.category_code, u.ancestors
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
  }));
}
