/**
 * The live feed: each instance LISTENs on `order_events` (announced by a trigger
 * when an event's transaction commits), looks the event up once, and hands it to
 * the subscriptions of its WebSocket clients.
 */
import fp from 'fastify-plugin';
import { eventsAfter, eventsByIds, listenForEvents, type FeedEvent, type Topic } from '../../db/queries/events.ts';
import { STAGE_SIGNALS, stageOfAction } from '../core/deadlines.ts';
import { maskPhonesIn } from '../core/privacy.ts';
import type { BoardFacts } from '../../db/queries/events.ts';
import { QUEUE_STATUSES } from '../core/lifecycle.ts';

export interface LiveEvent {
  /** The audit event's id: monotonically increasing, the resume point. */
  eventId: number;
  type: string;
  action: string;
  at: string;
  order: { id: number; number: string; status: string; currentUnitId: string; urgency: string; categoryCode: string | null };
  /** Ancestors of the unit holding the order: who may see it. */
  ancestors: string[];
  /** Ancestors of the unit that held it before this event, when another: its boards hear the order leave. */
  formerAncestors: string[] | null;
  /** The assisting units (协办) and the units above them: their desks follow the order too. */
  assistAncestors: string[];
  /**
   * What a board moves its counts and patches its line with (server/desks/board/tally.ts),
   * so a thousand boards need not re-fetch: the running clocks, the start of the text and
   * the note with phone numbers masked (the feed carries no phone number).
   */
  board: BoardFacts;
  /** The message as it goes on the wire, serialized once for all clients. */
  wire: string;
}

const BATCH = 500;

export type Listener = (event: LiveEvent) => void;

export type { Topic };

/** Whether the order waits in the dispatcher's queue: held by the hotline centre in a queue status. */
export const inQueue = (o: { currentUnitId: string; status: string }) =>
  o.currentUnitId === 'hotline' && (QUEUE_STATUSES as readonly string[]).includes(o.status);

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
  const stage = stageOfAction(action);
  if (stage) return `sla.${STAGE_SIGNALS[stage]}`;
  return 'order.updated';
}

/** The feed's event with its wire type, in the order its fields go on the wire. */
function toLive(e: FeedEvent): LiveEvent {
  const board = { ...e.board, content: maskPhonesIn(e.board.content), note: e.board.note === null ? null : maskPhonesIn(e.board.note) };
  return withWire({
    eventId: e.eventId,
    type: typeOf(e.action),
    action: e.action,
    at: e.at,
    order: e.order,
    board,
    ancestors: e.ancestors,
    formerAncestors: e.formerAncestors,
    assistAncestors: e.assistAncestors,
  });
}

function withWire(e: Omit<LiveEvent, 'wire'>): LiveEvent {
  const { ancestors: _internal, formerAncestors: _former, assistAncestors: _assists, ...message } = e;
  return { ...e, wire: JSON.stringify(message) };
}

export default fp(
  async function live(app) {
    const listeners = new Set<Listener>();
    // Notifications arrive in commit order; look them up in batches, one batch at a
    // time, and hand them on in that same order.
    const pending: number[] = [];
    let draining = false;
    async function drain() {
      draining = true;
      try {
        while (pending.length > 0) {
          // A few hundred at a time, yielding between batches so sockets can flush.
          const ids = pending.splice(0, BATCH);
          const byId = new Map((await eventsByIds(app.sql, ids)).map((e) => [e.eventId, toLive(e)]));
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
    const { unlisten } = await listenForEvents(app.sql, {
      wanted: () => listeners.size > 0,
      onIds(ids) {
        for (const id of ids) pending.push(id);
        if (!draining) void drain();
      },
    });
    app.decorate('live', {
      subscribe(listener: Listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      replay: async (afterId, topic, limit) => (await eventsAfter(app.sql, afterId, topic, limit)).map(toLive),
    });
    app.addHook('onClose', async () => {
      await unlisten();
    });
  },
  { name: 'live', dependencies: ['db'] },
);
