import { createHash } from 'node:crypto';
import { DomainError } from '../../server/core/errors.ts';
import { and, asc, desc, eq, getTableColumns, gte, inArray, like, lt, lte, sql as q, type SQL } from 'drizzle-orm';
import type { Database, Sql } from '../client.ts';
import { orderEvents, orders } from '../schema.ts';
import { planIntake, UNFINISHED_STATUSES, type IntakePlan, type OrderStatus } from '../../server/core/lifecycle.ts';
import type { OrderPlace } from '../../server/core/access.ts';
import type { RequestType, Urgency } from '../../server/core/lists.ts';
import { instantsLiteral, type clockRow } from './clocks.ts';

export type OrderRow = typeof orders.$inferSelect;
export type EventRow = typeof orderEvents.$inferSelect;

export interface NewOrder {
  channel: string;
  channelMessageId?: string | null;
  channelUserId?: string | null;
  citizenName?: string | null;
  citizenPhone?: string | null;
  content: string;
  locationText?: string | null;
  categoryCode?: string | null;
  urgency?: Urgency;
  areaCode?: string | null;
  /** 诉求类型 as the operator set it; the rules' reading otherwise. */
  requestType?: RequestType;
  /** 知识缺口: a consultation no knowledge entry answers, for the knowledge team. */
  knowledgeGap?: boolean;
  /** 直办: answered on the call as it is logged, with the entries read out. */
  answer?: { text: string; kbEntryIds?: number[] };
}

export interface Actor {
  /** `user:42`, `system:sweeper`, `channel:wechat`, … */
  id: string;
}

/** A stable digest of what was asked, so a reused idempotency key with other content is caught. */
export function requestHash(input: NewOrder): string {
  const canonical = JSON.stringify([
    input.channel,
    input.channelMessageId ?? null,
    input.citizenName ?? null,
    input.citizenPhone ?? null,
    input.content,
    input.locationText ?? null,
    input.categoryCode ?? null,
    input.urgency ?? 'normal',
    input.areaCode ?? null,
    // Appended only when given, so the digests of requests from before these fields are unchanged.
    ...(input.requestType !== undefined ? [{ requestType: input.requestType }] : []),
    ...(input.knowledgeGap ? [{ knowledgeGap: true }] : []),
    ...(input.answer ? [{ answer: input.answer }] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

const orderColumns = Object.entries(getTableColumns(orders));

/**
 * Rows read with plain `postgres` queries, decoded the way drizzle decodes its own
 * (drizzle turns off the driver's date parsing on the shared client).
 */
function fromRaw(raw: Record<string, unknown>): OrderRow {
  const row: Record<string, unknown> = {};
  for (const [key, column] of orderColumns) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as OrderRow;
}

/**
 * 登记: one statement writes the order and all its first events (one implicit
 * transaction, one round trip). `plan` carries the steps a confident
 * classification took by itself (智能派单). A repeat of the same idempotency key
 * (in the same key space) or channel message id inserts nothing and returns the
 * order already there.
 *
 * Keys are chosen by clients, so they are only unique per client: each actor has
 * its own key space (`idempotencyScope`), and a key never finds another actor's
 * order. A key reused for other content is refused without naming the order it
 * made, which the caller may not be allowed to know of.
 */
export async function createOrder(
  sql: Sql,
  input: NewOrder & { classification?: Record<string, unknown> | null },
  opts: {
    idempotencyKey?: string | null;
    /** Whose key space the key is in; the actor's own by default (a desk user's `user:<id>`). */
    idempotencyScope?: string;
    actor: Actor;
    at: Date;
    plan?: IntakePlan;
    planActor?: Actor;
    requestHash?: string;
    /** The submission as the channel delivered it, kept in the creation event. */
    inbound?: unknown;
    /** The clocks the first steps started, written in the same statement. */
    clocks?: ReturnType<typeof clockRow>[];
    /** SHA-256 of the 查询码 (server/query-code.ts); the code itself never reaches the database. */
    queryCodeHash?: string | null;
  },
): Promise<{ order: OrderRow; created: boolean }> {
  // The digest of what the client sent, not of what the rules derived from it.
  const hash = opts.requestHash ?? requestHash(input);
  const scope = opts.idempotencyScope ?? opts.actor.id;
  const at = opts.at.toISOString();
  const plan = opts.plan ?? planIntake(null, opts.at);
  const { state, patch } = plan;
  const created = {
    action: 'create',
    fromStatus: null,
    toStatus: 'received',
    unitId: 'hotline',
    reason: null,
    payload: { channel: input.channel, channelMessageId: input.channelMessageId ?? null, inbound: opts.inbound ?? null },
  };
  const events = [created, ...plan.events];
  const actors = events.map((_, i) => (i === 0 ? opts.actor.id : (opts.planActor ?? opts.actor).id));
  const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
  const clocks = opts.clocks ?? [];
  const rows = await sql`
    with o as (
      insert into orders (number, channel, channel_message_id, channel_user_id, idempotency_scope, idempotency_key, request_hash, query_code_hash,
        citizen_name, citizen_phone, content, location_text, category_code, request_type, urgency, area_code, classification,
        current_unit_id, unit_path, status, dispatch_count, accepted_at, dispatched_at, reply_text, replied_at, closed_at, created_at, updated_at)
      values (next_order_number(${at}), ${input.channel}, ${input.channelMessageId ?? null}, ${input.channelUserId ?? null},
        ${scope}, ${opts.idempotencyKey ?? null}, ${hash}, ${opts.queryCodeHash ?? null}, ${input.citizenName ?? null}, ${input.citizenPhone ?? null},
        ${input.content}, ${input.locationText ?? null}, ${input.categoryCode ?? null}, ${input.requestType ?? 'complaint'},
        ${input.urgency ?? 'normal'}, ${input.areaCode ?? null},
        ${input.classification ? JSON.stringify(input.classification) : null}::jsonb,
        ${state.unitPath[state.unitPath.length - 1]!}, ${state.unitPath}::text[], ${state.status}, ${state.dispatchCount},
        ${iso(patch.acceptedAt)}::timestamptz, ${iso(patch.dispatchedAt)}::timestamptz,
        ${patch.replyText ?? null}, ${iso(patch.repliedAt)}::timestamptz, ${iso(patch.closedAt)}::timestamptz, ${at}, ${at})
      on conflict do nothing
      returning *
    ), e as (
      insert into order_events (order_id, at, actor, action, from_status, to_status, unit_id, reason, payload)
      select o.id, ${at}, ev.actor, ev.action, ev.from_status, ev.to_status, ev.unit_id, ev.reason, ev.payload::jsonb
      from o, unnest(${actors}::text[], ${events.map((e) => e.action)}::text[], ${events.map((e) => e.fromStatus)}::text[],
        ${events.map((e) => e.toStatus)}::text[], ${events.map((e) => e.unitId)}::text[], ${events.map((e) => e.reason)}::text[],
        ${events.map((e) => JSON.stringify(e.payload))}::text[])
        with ordinality as ev(actor, action, from_status, to_status, unit_id, reason, payload, ord)
      order by ev.ord
      returning id, action
    ), k as (
      -- 直办 at intake: the entries read out, at the versions they had.
      insert into order_kb_uses (event_id, entry_id, order_id, version, at)
      select e.id, kb.id, o.id, kb.version, ${at}
      from e, o, kb_entries kb
      where e.action = 'answer' and kb.id = any(${`{${(input.answer?.kbEntryIds ?? []).map((n) => Math.trunc(n)).join(',')}}`}::bigint[])
      returning 1
    ), c as (
      insert into order_clocks (order_id, kind, unit_id, urgency_class, basis, started_at, due_at, stopped_at, fired_stage, next_at, stage_at)
      select o.id, k.kind, k.unit_id, k.urgency_class, k.basis, k.started_at, k.due_at, k.stopped_at, k.fired_stage, k.next_at, k.stage_at::timestamptz[]
      from o, unnest(${clocks.map((c) => c.kind)}::text[], ${clocks.map((c) => c.unitId)}::text[],
        ${clocks.map((c) => c.urgencyClass)}::text[], ${clocks.map((c) => c.basis)}::text[],
        ${clocks.map((c) => c.startedAt.toISOString())}::text[]::timestamptz[], ${clocks.map((c) => c.dueAt.toISOString())}::text[]::timestamptz[],
        ${clocks.map((c) => iso(c.stoppedAt))}::text[]::timestamptz[], ${clocks.map((c) => String(c.firedStage))}::text[]::int[],
        ${clocks.map((c) => iso(c.nextAt))}::text[]::timestamptz[], ${clocks.map((c) => instantsLiteral(c.stageAt))}::text[])
        as k(kind, unit_id, urgency_class, basis, started_at, due_at, stopped_at, fired_stage, next_at, stage_at)
      returning 1
    )
    select o.* from o`;
  if (rows[0]) return { order: fromRaw(rows[0]), created: true };

  const [existing] = await sql`
    select * from orders
    where (${opts.idempotencyKey ?? null}::text is not null and idempotency_scope = ${scope} and idempotency_key = ${opts.idempotencyKey ?? null})
       or (${input.channelMessageId ?? null}::text is not null and channel = ${input.channel}
           and channel_message_id = ${input.channelMessageId ?? null})
    limit 1`;
  if (!existing) throw new DomainError('CONFLICT_RETRY', '工单登记冲突，请重试');
  const order = fromRaw(existing);
  if (
    opts.idempotencyKey &&
    order.idempotencyScope === scope &&
    order.idempotencyKey === opts.idempotencyKey &&
    order.requestHash !== hash
  ) {
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key 已用于另一份内容不同的提交，新的提交请使用新的 Idempotency-Key', {
      field: 'Idempotency-Key',
    });
  }
  return { order, created: false };
}

/** Look an order up by its numeric id or its human-readable number. */
export async function findOrder(db: Database, ref: string): Promise<OrderRow | undefined> {
  const where = /^\d+$/.test(ref) ? eq(orders.id, Number(ref)) : eq(orders.number, ref);
  const [row] = await db.select().from(orders).where(where).limit(1);
  return row;
}

export async function getOrder(db: Database, ref: string): Promise<OrderRow> {
  const row = await findOrder(db, ref);
  if (!row) throw new DomainError('ORDER_NOT_FOUND', `工单 ${ref} 不存在`);
  return row;
}

export interface OrderFilter {
  status?: OrderStatus[];
  unitId?: string;
  /** A district, street or community code: matches it and everything under it. */
  areaCode?: string;
  channel?: string;
  /** The caller's number exactly as stored (来电弹屏: the caller's earlier orders). */
  citizenPhone?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Keyset: return orders with id below this one (newest first). */
  beforeId?: number;
  limit: number;
  /** Only orders held or assisted by this unit or a unit below it. */
  withinUnit?: string;
}

export async function listOrders(db: Database, f: OrderFilter): Promise<{ items: OrderRow[]; nextCursor: number | null }> {
  const where: SQL[] = [];
  if (f.status?.length) where.push(inArray(orders.status, f.status));
  if (f.unitId) where.push(eq(orders.currentUnitId, f.unitId));
  if (f.areaCode) where.push(like(orders.areaCode, `${f.areaCode}%`));
  if (f.channel) where.push(eq(orders.channel, f.channel));
  if (f.citizenPhone) where.push(eq(orders.citizenPhone, f.citizenPhone));
  if (f.createdFrom) where.push(gte(orders.createdAt, f.createdFrom));
  if (f.createdTo) where.push(lte(orders.createdAt, f.createdTo));
  if (f.beforeId !== undefined) where.push(lt(orders.id, f.beforeId));
  if (f.withinUnit) {
    const unit = f.withinUnit;
    where.push(q`(${orders.currentUnitId} in (select id from units where ancestors @> array[${unit}]::text[])
      or ${orders.id} in (select a.order_id from order_assists a join units u on u.id = a.unit_id where u.ancestors @> array[${unit}]::text[]))`);
  }
  const rows = await db
    .select()
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.id))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit);
  return { items, nextCursor: rows.length > f.limit ? items[items.length - 1]!.id : null };
}

export async function timeline(db: Database, orderId: number): Promise<EventRow[]> {
  return db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(asc(orderEvents.id));
}

/** 痕迹: every look at a citizen's full phone number is an event of the order. */
export async function recordPhoneView(
  db: Database,
  order: OrderRow,
  opts: {
    actor: string;
    unitId: string;
    at: Date;
    /** What was shown: the order, or its trail with or without the raw submission. */ what?: 'order' | 'timeline' | 'raw';
  },
): Promise<void> {
  await db.insert(orderEvents).values({
    orderId: order.id,
    at: opts.at,
    actor: opts.actor,
    action: 'phone_viewed',
    fromStatus: order.status,
    toStatus: order.status,
    unitId: order.currentUnitId,
    payload: { viewerUnitId: opts.unitId, ...(opts.what && opts.what !== 'order' ? { what: opts.what } : {}) },
  });
}

export interface SimilarOrder {
  id: number;
  number: string;
  status: OrderStatus;
  content: string;
  areaCode: string | null;
  createdAt: Date;
  similarity: number;
}

/**
 * 重复件: open orders of the same category in the same street (or community) from the
 * last `days` days whose text is similar, most similar first.
 */
export async function similarOrders(sql: Sql, order: OrderRow, opts: { at: Date; days: number; limit?: number }): Promise<SimilarOrder[]> {
  if (!order.categoryCode || !order.areaCode) return [];
  const since = new Date(opts.at.getTime() - opts.days * 86_400_000).toISOString();
  const area = order.areaCode.slice(0, 9);
  const rows = await sql`
    select id, number, status, content, area_code, created_at, similarity(content, ${order.content}) as score
    from orders
    where category_code = ${order.categoryCode} and created_at >= ${since} and id <> ${order.id}
      and left(area_code, ${area.length}) = ${area}
      and status = any(${[...UNFINISHED_STATUSES]}::text[])
      and similarity(content, ${order.content}) >= 0.15
    order by score desc, id desc
    limit ${opts.limit ?? 5}`;
  return rows.map((r) => ({
    id: Number(r.id),
    number: r.number,
    status: r.status,
    content: r.content,
    areaCode: r.area_code,
    createdAt: new Date(r.created_at),
    similarity: Math.round(Number(r.score) * 100) / 100,
  }));
}

/**
 * The order with where it sits in the unit tree (for the access rules), in one
 * round trip. A number that does not exist and one out of sight then cost the
 * same, so the time of a 404 does not tell them apart.
 */
export async function findOrderInPlace(db: Database, ref: string): Promise<{ order: OrderRow; place: OrderPlace } | undefined> {
  const where = /^\d+$/.test(ref) ? eq(orders.id, Number(ref)) : eq(orders.number, ref);
  const [row] = await db
    .select({
      order: orders,
      // Qualified by hand: inside a subquery drizzle's bare "id" would be the inner table's.
      currentAncestors: q<string[] | null>`(select u.ancestors from units u where u.id = orders.current_unit_id)`,
      claimedByAncestors: q<string[] | null>`(select u.ancestors from units u where u.id = orders.claimed_by_unit_id)`,
      assists: q<
        { unitId: string; ancestors: string[] | null }[]
      >`coalesce((select json_agg(json_build_object('unitId', a.unit_id, 'ancestors', u.ancestors) order by a.unit_id)
        from order_assists a join units u on u.id = a.unit_id where a.order_id = orders.id), '[]'::json)`,
    })
    .from(orders)
    .where(where)
    .limit(1);
  if (!row) return undefined;
  const { order } = row;
  return {
    order,
    place: {
      currentUnitId: order.currentUnitId,
      unitPath: order.unitPath,
      currentAncestors: row.currentAncestors ?? [order.currentUnitId],
      claimedByAncestors: order.claimedByUnitId ? row.claimedByAncestors : null,
      assists: row.assists.map((a) => ({ unitId: a.unitId, ancestors: a.ancestors ?? [a.unitId] })),
    },
  };
}
