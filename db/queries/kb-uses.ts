/**
 * The record of the knowledge entries an operator read out for an order (直办),
 * written in the step's transaction.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from './actions.ts';

/** An array parameter as PostgreSQL's literal: drizzle's `sql` would spread a JS array into a list. */
const idArray = (ids: number[]) => `{${ids.map((id) => Math.trunc(id)).join(',')}}`;

/** Which entries (at their current version) an answer read out. */
export async function recordKbUses(tx: Tx, use: { eventId: number; orderId: number; entryIds: number[]; at: Date }): Promise<void> {
  if (!use.entryIds.length) return;
  await tx.execute(sql`
    insert into order_kb_uses (event_id, entry_id, order_id, version, at)
    select ${use.eventId}, e.id, ${use.orderId}, e.version, ${use.at.toISOString()}::timestamptz
    from kb_entries e where e.id = any(${idArray(use.entryIds)}::bigint[])`);
}
