/**
 * The live feed: each instance LISTENs on `order_events` (announced by a trigger
 * when an event's transaction commits), looks the event up once, and hands it to
 * the subscriptions of its WebSocket clients.
 */
import fp from 'fastify-plugin';
import type { Sql } from '../../db/client.ts';

export interface LiveEvent {
  /** The audit event's id: monotonically increasing, the resume point. */
  eventId: number;
  type: string;
  action: string;
  at: string;
  order: { id: number; number: string; status: string; currentUnitId: string; urgency: string; categoryCode: string | null };
  /** Ancestors of the unit holding the order: who may see it. */
  ancestors: string[];
  /** The message as it goes on the wire, serialized once for all clients. */
  wire: string;
}

const BATCH = 500;

export type Listener = (event: LiveEvent) => void;

/** What a client may watch: a unit's subtree, one order, or the dispatcher's queue. */
export type Topic = { topic: 'unit'; unit: string } | { topic: 'order'; orderId: number } | { topic: 'queue' };

/** Statuses in which an order held by the hotline centre waits in the dispatcher's queue. */
const QUEUE_STATUSES = ['received', 'accepted', 'returned'];
export const inQueue = (o: { currentUnitId: string; status: string }) => o.currentUnitId === 'hotline' && QUEUE_STATUSES.includes(o.status);

declare module 'fastify' {
  interface FastifyInstance {
    live: {
      subscribe(listener: Listener): () => void;
      /** The topic's events after `afterId`, from the audit trail, oldest first. */
      replay(afterId: number, topic: Topic, limit: number): Promise<LiveEvent[]>;
    };
  }
}

/** What kind of message an audit action is on the wire. */
export function typeOf(action: string): string {
  if (action === 'create') return 'order.created';
  if (action === 'sla_warn_50' || action === 'sla_warn_80') return 'sla.warning';
  if (action === 'sla_overdue') return 'sla.overdue';
  if (action.startsWith('sla_escalate')) return 'sla.escalated';
  return 'order.updated';
}

function topicFilter(sql: Sql, t: Topic) {
  if (t.topic === 'unit') return sql`u.ancestors @> array[${t.unit}]::text[]`;
  if (t.topic === 'order') return sql`o.id = ${t.orderId}`;
  return sql`o.current_unit_id = 'hotline' and o.status = any(${QUEUE_STATUSES}::text[])`;
}

async function lookUp(sql: Sql, where: { ids: number[] } | { after: number; topic: Topic }, limit: number): Promise<LiveEvent[]> {
  const rows = await sql`
    select e.id, e.action, e.at, o.id as order_id, o.number, o.status, o.current_unit_id, o.urgency, o.category_code, u.ancestors
    from order_events e
    join orders o on o.id = e.order_id
    join units u on u.id = o.current_unit_id
    where ${'ids' in where ? sql`e.id = any(${where.ids.map(String)}::text[]::bigint[])` : sql`e.id > ${where.after} and ${topicFilter(sql, where.topic)}`}
    order by e.id
    limit ${limit}`;
  return rows.map((r) => withWire({
    eventId: Number(r.id),
    type: typeOf(r.action),
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

function withWire(e: Omit<LiveEvent, 'wire'>): LiveEvent {
  const { ancestors: _internal, ...message } = e;
  return { ...e, wire: JSON.stringify(message) };
}

export default fp(
  async function live(app) {
    const listeners = new Set<Listener>();
    // Notifications arrive in commit order; look them up in batches, one batch at a
    // time, and hand them on in that same order.
    let pending: number[] = [];
    let draining = false;
    async function drain() {
      draining = true;
      try {
        while (pending.length > 0) {
          // A few hundred at a time, yielding between batches so sockets can flush.
          const ids = pending.splice(0, BATCH);
          const byId = new Map((await lookUp(app.sql, { ids }, ids.length)).map((e) => [e.eventId, e]));
          for (const id of ids) {
            const event = byId.get(id);
            if (event) for (const l of listeners) l(event);
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (err) {
        app.log.warn({ err }, 'live event lookup failed');
      } finally {
        draining = false;
      }
    }
    const { unlisten } = await app.sql.listen('order_events', (payload) => {
      if (listeners.size === 0) return;
      // One notification per statement: {"ids":[…]} (migration 0009).
      for (const id of (JSON.parse(payload) as { ids: number[] }).ids) pending.push(Number(id));
      if (!draining) void drain();
    });
    app.decorate('live', {
      subscribe(listener: Listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      replay: (afterId, topic, limit) => lookUp(app.sql, { after: afterId, topic }, limit),
    });
    app.addHook('onClose', async () => {
      await unlisten();
    });
  },
  { name: 'live', dependencies: ['db'] },
);
