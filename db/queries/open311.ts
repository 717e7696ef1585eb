/**
 * Open311 GeoReport v2: registered clients, and the open311 channel's orders as the
 * standard lists them. Instants go in as ISO text and come back as text (drizzle
 * turns off the driver's date parsing on the shared client, db/client.ts).
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Database, Sql } from '../client.ts';
import { open311Clients } from '../schema-open311.ts';
import { UNFINISHED_STATUSES } from '../../server/core/lifecycle.ts';

export type Open311Client = typeof open311Clients.$inferSelect;

const instant = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/** A new client; its key is made and hashed by the caller, who shows it once. */
export async function insertOpen311Client(db: Database, name: string, keyHash: string): Promise<Open311Client> {
  const [row] = await db.insert(open311Clients).values({ name, keyHash }).returning();
  return row!;
}

/** The enabled client whose key hashes to `keyHash`, if any. */
export async function enabledClientByKeyHash(db: Database, keyHash: string): Promise<Open311Client | undefined> {
  const [row] = await db
    .select()
    .from(open311Clients)
    .where(and(eq(open311Clients.keyHash, keyHash), isNull(open311Clients.disabledAt)))
    .limit(1);
  return row;
}

/** Turn a client off: its key is refused from the next request on. */
export async function disableOpen311Client(db: Database, name: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(open311Clients)
    .set({ disabledAt: at })
    .where(and(eq(open311Clients.name, name), isNull(open311Clients.disabledAt)))
    .returning({ id: open311Clients.id });
  return rows.length > 0;
}

/**
 * The order a client already made under one of these idempotency keys since
 * `since`: a retried POST finds it here and makes none.
 */
export async function orderNumberByKeys(sql: Sql, scope: string, keys: string[], since: Date): Promise<string | undefined> {
  const [row] = await sql<{ number: string }[]>`
    select number from orders
    where idempotency_scope = ${scope} and idempotency_key = any(${keys}::text[]) and created_at >= ${since.toISOString()}
    order by created_at desc
    limit 1`;
  return row?.number;
}

/** An order as GeoReport v2 shows it; the personal data is not selected at all. */
export interface Open311Row {
  number: string;
  status: string;
  categoryCode: string | null;
  content: string;
  replyText: string | null;
  unitName: string | null;
  mergedInto: string | null;
  transferTarget: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  resolveDue: Date | null;
  locationText: string | null;
  areaCode: string | null;
  /** What the client sent for the place and its media, from the creation event. */
  lat: string | null;
  long: string | null;
  mediaUrl: string | null;
}

export interface Open311Filter {
  numbers?: string[];
  categoryCodes?: string[];
  from?: Date;
  to?: Date;
  /** open: still to be answered or rated; closed: finished (closed, merged, transferred out). */
  state?: 'open' | 'closed';
  limit: number;
}

/**
 * The orders registered clients made, newest first. Only theirs: the hotline's other
 * orders (calls, 举报 about a neighbour) were never given to a public client.
 */
export async function listOpen311Orders(sql: Sql, f: Open311Filter): Promise<Open311Row[]> {
  const open = [...UNFINISHED_STATUSES];
  const rows = await sql`
    select o.number, o.status, o.category_code, o.content, o.reply_text, u.name as unit_name, m.number as merged_into,
      o.transfer_target, o.created_at, o.updated_at, o.closed_at, k.due_at as resolve_due, o.location_text, o.area_code,
      e.payload #>> '{inbound,submission,lat}' as lat, e.payload #>> '{inbound,submission,long}' as long,
      e.payload #>> '{inbound,submission,media_url}' as media_url
    from orders o
      left join units u on u.id = o.current_unit_id
      left join orders m on m.id = o.merged_into_id
      left join order_clocks k on k.order_id = o.id and k.kind = 'resolve' and k.stopped_at is null
      left join lateral (select payload from order_events where order_id = o.id and action = 'create' order by id limit 1) e on true
    -- Made by a registered client (its key space), not an order a desk merely labelled open311.
    where o.channel = 'open311' and o.idempotency_scope like 'open311:%'
      and (${f.numbers ?? null}::text[] is null or o.number = any(${f.numbers ?? null}::text[]))
      and (${f.categoryCodes ?? null}::text[] is null or o.category_code = any(${f.categoryCodes ?? null}::text[]))
      and (${f.from?.toISOString() ?? null}::timestamptz is null or o.created_at >= ${f.from?.toISOString() ?? null}::timestamptz)
      and (${f.to?.toISOString() ?? null}::timestamptz is null or o.created_at <= ${f.to?.toISOString() ?? null}::timestamptz)
      and (${f.state ?? null}::text is null or (o.status = any(${open}::text[])) = (${f.state ?? null}::text = 'open'))
    order by o.created_at desc, o.id desc
    limit ${f.limit}`;
  return rows.map((r) => ({
    number: r.number,
    status: r.status,
    categoryCode: r.category_code,
    content: r.content,
    replyText: r.reply_text,
    unitName: r.unit_name,
    mergedInto: r.merged_into,
    transferTarget: r.transfer_target,
    createdAt: instant(r.created_at)!,
    updatedAt: instant(r.updated_at)!,
    closedAt: instant(r.closed_at),
    resolveDue: instant(r.resolve_due),
    locationText: r.location_text,
    areaCode: r.area_code,
    lat: r.lat,
    long: r.long,
    mediaUrl: r.media_url,
  }));
}
