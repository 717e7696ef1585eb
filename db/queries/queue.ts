/**
 * 派单队列 (the dispatcher's queue): what the dispatcher reads beside the plain order
 * list. The orders waiting at the hotline centre with their clocks and every return
 * they came back with, the open orders that look like another open one (those the
 * rules dispatched by themselves among them), and open orders found by words or number.
 */
import { and, asc, eq, inArray, lte, sql as q, type SQL } from 'drizzle-orm';
import type { Database, Sql } from '../client.ts';
import { orderClocks, orderEvents, orders } from '../schema.ts';
import { QUEUE_STATUSES, UNFINISHED_STATUSES, type ReturnReason } from '../../server/core/lifecycle.ts';
import type { RequestType } from '../../server/core/lists.ts';
import { clockFromRow, type StoredClock } from './clocks.ts';
import type { OrderRow } from './orders.ts';

export interface QueueFilter {
  categoryCode?: string;
  /** A district code (6 digits): its orders and those of everything under it. */
  district?: string;
  requestType?: RequestType;
  /** Only orders logged at or before this instant (older than an age). */
  createdBefore?: Date;
  limit: number;
}

export interface ReturnStep {
  at: Date;
  fromUnitId: string | null;
  reasonCode: ReturnReason | null;
  reason: string | null;
}

/** The queue, oldest first (worked in the order complaints came in), each with its clocks and returns. */
export async function queueOrders(
  db: Database,
  f: QueueFilter,
): Promise<{ order: OrderRow; clocks: StoredClock[]; returns: ReturnStep[] }[]> {
  const where: SQL[] = [eq(orders.currentUnitId, 'hotline'), inArray(orders.status, [...QUEUE_STATUSES])];
  if (f.categoryCode) where.push(eq(orders.categoryCode, f.categoryCode));
  if (f.district) where.push(q`left(${orders.areaCode}, 6) = ${f.district}`);
  if (f.requestType) where.push(eq(orders.requestType, f.requestType));
  if (f.createdBefore) where.push(lte(orders.createdAt, f.createdBefore));
  const rows = await db
    .select()
    .from(orders)
    .where(and(...where))
    .orderBy(asc(orders.createdAt), asc(orders.id))
    .limit(f.limit);
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [clockRows, returnRows] = await Promise.all([
    db.select().from(orderClocks).where(inArray(orderClocks.orderId, ids)).orderBy(asc(orderClocks.kind)),
    db
      .select({
        orderId: orderEvents.orderId,
        at: orderEvents.at,
        fromUnitId: q<string | null>`${orderEvents.payload}->>'fromUnitId'`,
        reasonCode: q<ReturnReason | null>`${orderEvents.payload}->>'reasonCode'`,
        reason: orderEvents.reason,
      })
      .from(orderEvents)
      .where(and(eq(orderEvents.action, 'return'), inArray(orderEvents.orderId, ids)))
      .orderBy(asc(orderEvents.id)),
  ]);
  return rows.map((order) => ({
    order,
    clocks: clockRows.filter((c) => c.orderId === order.id).map(clockFromRow),
    returns: returnRows
      .filter((r) => r.orderId === order.id)
      .map((r) => ({ at: r.at, fromUnitId: r.fromUnitId, reasonCode: r.reasonCode, reason: r.reason })),
  }));
}

export interface OpenOrderBrief {
  id: number;
  number: string;
  status: string;
  content: string;
  areaCode: string | null;
  categoryCode: string | null;
  currentUnitId: string;
  createdAt: Date;
}

const brief = (r: Record<string, unknown>): OpenOrderBrief => ({
  id: Number(r.id),
  number: String(r.number),
  status: String(r.status),
  content: String(r.content),
  areaCode: (r.area_code as string | null) ?? null,
  categoryCode: (r.category_code as string | null) ?? null,
  currentUnitId: String(r.current_unit_id),
  createdAt: new Date(r.created_at as string),
});

/**
 * 疑似重复: unfinished orders of the last `days` days that have an earlier unfinished
 * order of the same matter in the same street with similar words (the rule of the
 * merge suggestions), wherever they are held: an order the rules dispatched by
 * itself reaches the dispatcher here. Newest first, each with its closest earlier order.
 */
export async function suspectedDuplicates(
  sql: Sql,
  opts: { at: Date; days: number; limit: number },
): Promise<{ order: OpenOrderBrief; match: OpenOrderBrief & { similarity: number } }[]> {
  const since = new Date(opts.at.getTime() - opts.days * 86_400_000).toISOString();
  const open = [...UNFINISHED_STATUSES];
  const rows = await sql`
    select o.id, o.number, o.status, o.content, o.area_code, o.category_code, o.current_unit_id, o.created_at,
      m.id as m_id, m.number as m_number, m.status as m_status, m.content as m_content, m.area_code as m_area_code,
      m.category_code as m_category_code, m.current_unit_id as m_current_unit_id, m.created_at as m_created_at, m.score
    from orders o
    cross join lateral (
      select m.*, similarity(m.content, o.content) as score
      from orders m
      where m.category_code = o.category_code and m.id < o.id and m.created_at >= ${since}
        and left(m.area_code, 9) = left(o.area_code, 9)
        and m.status = any(${open}::text[])
        and similarity(m.content, o.content) >= 0.15
      order by score desc, m.id desc
      limit 1
    ) m
    where o.created_at >= ${since} and o.status = any(${open}::text[])
      and o.category_code is not null and o.area_code is not null
    order by o.id desc
    limit ${opts.limit}`;
  return rows.map((r) => ({
    order: brief(r),
    match: {
      ...brief(
        Object.fromEntries(
          Object.entries(r)
            .filter(([k]) => k.startsWith('m_'))
            .map(([k, v]) => [k.slice(2), v]),
        ),
      ),
      similarity: Math.round(Number(r.score) * 100) / 100,
    },
  }));
}

/** Unfinished orders by number (whole or its tail) or by words of the complaint, closest first: a merge target found by hand. */
export async function searchOpenOrders(sql: Sql, opts: { text: string; since: Date; limit: number }): Promise<OpenOrderBrief[]> {
  const text = opts.text.trim();
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await sql`
    select id, number, status, content, area_code, category_code, current_unit_id, created_at
    from orders
    where status = any(${[...UNFINISHED_STATUSES]}::text[]) and created_at >= ${opts.since.toISOString()}
      and (number like ${like} or content ilike ${like} or similarity(content, ${text}) >= 0.1)
    order by number = ${text} desc, similarity(content, ${text}) desc, id desc
    limit ${opts.limit}`;
  return rows.map(brief);
}
