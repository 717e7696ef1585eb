/**
 * 派单异议: the objections of orders, their review, the catalogue changes upheld
 * ones propose, and their counts for the reports and the assessment.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Database, Sql } from '../client.ts';
import { orders, units } from '../schema.ts';
import { objectionProposals, orderObjections } from '../schema-objections.ts';
import type { ObjectionReason } from '../../server/core/objections.ts';
import type { Tx } from './actions.ts';
import type { OrderRow } from './orders.ts';
import { inScope, registered, rowKey, type ReportScope, type RowKey } from './reports.ts';

export type ObjectionRow = typeof orderObjections.$inferSelect;

/** Whether an objection of this order waits for review. */
export async function hasPendingObjection(tx: Tx, orderId: number): Promise<boolean> {
  const rows = await tx
    .select({ id: orderObjections.id })
    .from(orderObjections)
    .where(and(eq(orderObjections.orderId, orderId), eq(orderObjections.status, 'pending')));
  return rows.length > 0;
}

/** One objection of this order. */
export async function objectionOf(tx: Tx, orderId: number, objectionId: number): Promise<ObjectionRow | undefined> {
  const [row] = await tx
    .select()
    .from(orderObjections)
    .where(and(eq(orderObjections.id, objectionId), eq(orderObjections.orderId, orderId)));
  return row;
}

/** 提出异议: filed as pending; null when another was filed first (the unique key decides a race). */
export async function fileObjection(
  tx: Tx,
  order: OrderRow,
  input: { reasonCode: ObjectionReason; reason: string; dutyUnitId?: string; dutyBasis: string },
  opts: { actor: string; at: Date; dueAt: Date },
): Promise<number | null> {
  const inserted = await tx
    .insert(orderObjections)
    .values({
      orderId: order.id,
      unitId: order.currentUnitId,
      categoryCode: order.categoryCode,
      reasonCode: input.reasonCode,
      reason: input.reason,
      dutyUnitId: input.dutyUnitId ?? null,
      dutyBasis: input.dutyBasis,
      filedBy: opts.actor,
      filedAt: opts.at,
      dueAt: opts.dueAt,
      status: 'pending',
    })
    .onConflictDoNothing()
    .returning({ id: orderObjections.id });
  return inserted[0]?.id ?? null;
}

/** 异议审核: the decision recorded on the objection. */
export async function recordObjectionDecision(
  tx: Tx,
  objectionId: number,
  decision: { upheld: boolean; note: string | null; redispatchedUnitId: string | null },
  opts: { actor: string; at: Date },
): Promise<void> {
  await tx
    .update(orderObjections)
    .set({
      status: decision.upheld ? 'upheld' : 'rejected',
      decidedBy: opts.actor,
      decidedAt: opts.at,
      decisionNote: decision.note,
      redispatchedUnitId: decision.redispatchedUnitId,
    })
    .where(eq(orderObjections.id, objectionId));
}

/** 规则纠错: the catalogue change an upheld objection proposes. */
export async function proposeCatalogueChange(
  tx: Tx,
  row: { objectionId: number; categoryCode: string; fromUnitId: string; toUnitId: string; at: Date },
): Promise<void> {
  const { at, ...rest } = row;
  await tx
    .insert(objectionProposals)
    .values({ ...rest, createdAt: at })
    .onConflictDoNothing();
}

const view = {
  id: orderObjections.id,
  orderId: orderObjections.orderId,
  unitId: orderObjections.unitId,
  categoryCode: orderObjections.categoryCode,
  reasonCode: orderObjections.reasonCode,
  reason: orderObjections.reason,
  dutyUnitId: orderObjections.dutyUnitId,
  dutyBasis: orderObjections.dutyBasis,
  filedAt: orderObjections.filedAt,
  dueAt: orderObjections.dueAt,
};

/** The objections of these orders that wait for review (a unit's desk). */
export async function pendingObjectionsOf(db: Database, orderIds: number[]) {
  if (!orderIds.length) return [];
  return db
    .select(view)
    .from(orderObjections)
    .where(and(inArray(orderObjections.orderId, orderIds), eq(orderObjections.status, 'pending')));
}

/** The reviewer's list: every objection waiting for review, nearest deadline first, with its order. */
export async function pendingObjections(db: Database, limit: number) {
  return db
    .select({
      ...view,
      orderNumber: orders.number,
      orderStatus: orders.status,
      content: orders.content,
      areaCode: orders.areaCode,
      unitName: units.name,
    })
    .from(orderObjections)
    .innerJoin(orders, eq(orders.id, orderObjections.orderId))
    .innerJoin(units, eq(units.id, orderObjections.unitId))
    .where(eq(orderObjections.status, 'pending'))
    .orderBy(asc(orderObjections.dueAt), asc(orderObjections.id))
    .limit(limit);
}

/** 规则纠错 proposals, newest first, with the objection's reason and decision. */
export async function catalogueProposals(db: Database, limit: number) {
  return db
    .select({
      id: objectionProposals.id,
      objectionId: objectionProposals.objectionId,
      categoryCode: objectionProposals.categoryCode,
      fromUnitId: objectionProposals.fromUnitId,
      toUnitId: objectionProposals.toUnitId,
      createdAt: objectionProposals.createdAt,
      orderId: orderObjections.orderId,
      reasonCode: orderObjections.reasonCode,
      dutyBasis: orderObjections.dutyBasis,
      decisionNote: orderObjections.decisionNote,
    })
    .from(objectionProposals)
    .innerJoin(orderObjections, eq(orderObjections.id, objectionProposals.objectionId))
    .orderBy(desc(objectionProposals.id))
    .limit(limit);
}

export interface ObjectionCounts {
  objections: number;
  upheld: number;
  rejected: number;
  pending: number;
  /** Orders with an upheld objection (an order counts once). */
  upheldOrders: number;
}

/**
 * 派单异议 of the orders registered in the period, each counted for the unit that
 * objected, by report row (the unit asked for or its child above the objecting unit)
 * and by matter; keys are [row, matter], null standing for "all".
 */
export async function objectionCounts(sql: Sql, s: ReportScope): Promise<Map<string, ObjectionCounts>> {
  const rows = await sql`
    with s as (
      select ${rowKey(sql, s.unitId)} as key, coalesce(x.category_code, '') as category, x.status, x.order_id
      from orders o
      join order_objections x on x.order_id = o.id
      join units u on u.id = x.unit_id
      where ${registered(sql, s)} and ${inScope(sql, s.unitId)}
    )
    select key, category, grouping(key) = 1 as all_units, grouping(category) = 1 as all_matters,
      count(*)::int as objections,
      count(*) filter (where status = 'upheld')::int as upheld,
      count(*) filter (where status = 'rejected')::int as rejected,
      count(*) filter (where status = 'pending')::int as pending,
      count(distinct order_id) filter (where status = 'upheld')::int as upheld_orders
    from s group by grouping sets ((key, category), (key), (category), ())`;
  return new Map(
    rows.map((r) => [
      objectionKey(r.all_units ? null : r.key, r.all_matters ? null : r.category),
      { objections: r.objections, upheld: r.upheld, rejected: r.rejected, pending: r.pending, upheldOrders: r.upheld_orders },
    ]),
  );
}

export const objectionKey = (row: RowKey, matter: string | null) => JSON.stringify([row, matter]);

/** Orders dispatched into the scope in the period, by matter ('' for none): the 派单准确率's denominator per matter. */
export async function dispatchedByMatter(sql: Sql, s: ReportScope): Promise<Map<string, number>> {
  const rows = await sql<{ category: string; orders: number }[]>`
    select coalesce(o.category_code, '') as category, count(distinct o.id)::int as orders
    from orders o
    join order_events e on e.order_id = o.id
    join units u on u.id = e.unit_id
    where ${registered(sql, s)} and e.action in ('dispatch', 'redispatch', 'hand_down', 'uphold_objection') and ${inScope(sql, s.unitId)}
    group by 1`;
  return new Map(rows.map((r) => [r.category, r.orders]));
}

/** 考核: per unit, the orders registered in the span on which an objection of its subtree was upheld. */
export async function upheldObjectionCounts(sql: Sql, span: { start: Date; end: Date }): Promise<Map<string, number>> {
  const rows = await sql<{ unit_id: string; orders: number }[]>`
    select a.unit_id, count(distinct x.order_id)::int as orders
    from orders o
    join order_objections x on x.order_id = o.id and x.status = 'upheld'
    join units u on u.id = x.unit_id
    cross join lateral unnest(u.ancestors) as a(unit_id)
    where ${registered(sql, span)} and o.status not in ('merged', 'transferred_out')
    group by a.unit_id`;
  return new Map(rows.map((r) => [r.unit_id, r.orders]));
}
