/**
 * What the channels push to us (inbound_messages), kept once per message as it
 * arrived, and the citizen's recent order a follow-up message extends.
 *
 * Query style of db/queries: set-based and hand-written queries are postgres.js
 * tagged templates; the drizzle builder only for plain row CRUD; never drizzle's
 * relational `db.query` API (one way to read a query, and the SQL is what runs).
 */
import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import type { Database, Sql } from '../client.ts';
import { orders } from '../schema.ts';
import { OPEN_STATUSES } from '../../server/core/lifecycle.ts';
import type { OrderRow } from './orders.ts';

export interface InboundMessage {
  channel: string;
  /** The channel's own id of the message (WeChat: MsgId, or FromUserName + CreateTime for events). */
  dedupeKey: string;
  receivedAt: Date;
  raw: string;
  orderId: number | null;
}

/**
 * Keep the message unless it was kept before: true the first time, false for a
 * channel's retry (the unique key on channel and dedupe key refuses it).
 */
export async function recordInbound(sql: Sql, m: InboundMessage): Promise<boolean> {
  const inserted = await sql`
    insert into inbound_messages (channel, dedupe_key, received_at, raw, order_id)
    values (${m.channel}, ${m.dedupeKey}, ${m.receivedAt.toISOString()}, ${m.raw}, ${m.orderId})
    on conflict (channel, dedupe_key) do nothing returning id`;
  return inserted.length > 0;
}

/** Point a kept message at the order it turned out to extend. */
export async function linkInboundToOrder(sql: Sql, channel: string, dedupeKey: string, orderId: number): Promise<void> {
  await sql`update inbound_messages set order_id = ${orderId} where channel = ${channel} and dedupe_key = ${dedupeKey}`;
}

/**
 * The citizen's newest order from this channel made since `since` that a
 * supplement can still be applied to (the open statuses), if any.
 */
export async function recentOrderOf(db: Database, channel: string, channelUserId: string, since: Date): Promise<OrderRow | undefined> {
  const [row] = await db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.channel, channel),
        eq(orders.channelUserId, channelUserId),
        gte(orders.createdAt, since),
        inArray(orders.status, [...OPEN_STATUSES]),
      ),
    )
    .orderBy(desc(orders.id))
    .limit(1);
  return row;
}
