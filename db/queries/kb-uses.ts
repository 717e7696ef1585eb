/**
 * The knowledge entries an operator read out for an order (直办): which may be used,
 * and the record of their use, written in the step's transaction.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from './actions.ts';

/** An array parameter as PostgreSQL's literal: drizzle's `sql` would spread a JS array into a list. */
const idArray = (ids: number[]) => `{${ids.map((id) => Math.trunc(id)).join(',')}}`;

/**
 * Of `ids`, those that may not be read out at `at` to a caller in `areaCode`:
 * missing, not published, not yet or no longer in force on that Beijing day, or for
 * another area. An entry for the city holds everywhere; one for a district, in it.
 */
export async function unusableKbEntries(tx: Tx, ids: number[], at: Date, areaCode: string | null): Promise<number[]> {
  if (!ids.length) return [];
  const rows = await tx.execute<{ id: string }>(sql`
    with day as (select (${at.toISOString()}::timestamptz at time zone 'Asia/Shanghai')::date as d)
    select e.id from kb_entries e cross join day left join areas a on a.code = e.area_code
    where e.id = any(${idArray(ids)}::bigint[]) and e.status = 'published'
      and (e.effective_from is null or e.effective_from <= day.d)
      and (e.expires_on is null or e.expires_on > day.d)
      and (e.area_code is null or a.level = 'city' or ${areaCode}::text like e.area_code || '%')`);
  const usable = new Set(rows.map((r) => Number(r.id)));
  return ids.filter((id) => !usable.has(id));
}

/** Which entries (at their current version) an answer read out. */
export async function recordKbUses(tx: Tx, use: { eventId: number; orderId: number; entryIds: number[]; at: Date }): Promise<void> {
  if (!use.entryIds.length) return;
  await tx.execute(sql`
    insert into order_kb_uses (event_id, entry_id, order_id, version, at)
    select ${use.eventId}, e.id, ${use.orderId}, e.version, ${use.at.toISOString()}::timestamptz
    from kb_entries e where e.id = any(${idArray(use.entryIds)}::bigint[])`);
}
