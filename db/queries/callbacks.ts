/**
 * 回访 (callbacks): the replied orders waiting for the hotline to call the citizen
 * back, and the unanswered tries (回访未接通) made since each order's last reply.
 * Query style as in db/queries/events.ts.
 */
import { and, asc, count, eq, gte, inArray, sql as q } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { orderEvents, orders } from '../schema.ts';
import type { Tx } from './actions.ts';
import type { OrderRow } from './orders.ts';

/** Unanswered callbacks of an order since `since` (its last reply): what the next try counts from. */
export async function countCallbackMisses(tx: Tx | Database, orderId: number, since: Date | null): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(orderEvents)
    .where(
      and(eq(orderEvents.orderId, orderId), eq(orderEvents.action, 'callback_missed'), since ? gte(orderEvents.at, since) : undefined),
    );
  return Number(row?.n ?? 0);
}

export interface CallbackQueueItem {
  order: OrderRow;
  misses: number;
  lastMissedAt: Date | null;
}

/** The replied orders, oldest reply first (the callback due first), with their unanswered tries. */
export async function callbackQueue(db: Database, opts: { limit: number }): Promise<CallbackQueueItem[]> {
  const rows = await db
    .select()
    .from(orders)
    .where(eq(orders.status, 'replied'))
    .orderBy(asc(orders.repliedAt), asc(orders.id))
    .limit(opts.limit);
  if (!rows.length) return [];
  const misses = await db
    .select({ orderId: orderEvents.orderId, n: count(), last: q<Date>`max(${orderEvents.at})` })
    .from(orderEvents)
    .innerJoin(orders, eq(orders.id, orderEvents.orderId))
    .where(
      and(
        inArray(
          orderEvents.orderId,
          rows.map((r) => r.id),
        ),
        eq(orderEvents.action, 'callback_missed'),
        gte(orderEvents.at, orders.repliedAt),
      ),
    )
    .groupBy(orderEvents.orderId);
  const byOrder = new Map(misses.map((m) => [m.orderId, m]));
  return rows.map((order) => {
    const m = byOrder.get(order.id);
    return { order, misses: Number(m?.n ?? 0), lastMissedAt: m ? new Date(m.last) : null };
  });
}
