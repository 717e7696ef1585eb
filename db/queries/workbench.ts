/**
 * 承办工作台: what one unit has on its desk. The orders it holds and has not answered
 * yet, and the open orders it assists on (协办), with each order's running clocks and
 * their stored ladder, its assisting units and its pending extension requests: read
 * in four queries for the whole page of orders, never one per order.
 */
import { and, asc, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Database, Sql } from '../client.ts';
import { orderAssists, orderClocks, orderExtensions, orders, units } from '../schema.ts';
import type { OrderStatus } from '../../server/core/lifecycle.ts';
import type { AssistStatus } from '../../server/core/lifecycle.ts';
import { clockFromRow, type StoredClock } from './clocks.ts';
import type { OrderRow } from './orders.ts';

/** Held in these, an order waits for the holding unit: to claim, to answer, to send on again. */
export const HOLDER_STATUSES = ['dispatched', 'reopened', 'claimed', 'returned'] as const satisfies readonly OrderStatus[];
/** An assisting unit works on the order while the lead has not answered the citizen. */
export const ASSIST_OPEN_STATUSES = ['dispatched', 'claimed'] as const satisfies readonly OrderStatus[];

export async function workbenchOrders(db: Database, unitId: string, limit: number): Promise<OrderRow[]> {
  const assisted = db.select({ id: orderAssists.orderId }).from(orderAssists).where(eq(orderAssists.unitId, unitId));
  return db
    .select()
    .from(orders)
    .where(
      or(
        and(eq(orders.currentUnitId, unitId), inArray(orders.status, [...HOLDER_STATUSES])),
        and(inArray(orders.status, [...ASSIST_OPEN_STATUSES]), inArray(orders.id, assisted)),
      ),
    )
    .orderBy(desc(orders.id))
    .limit(limit);
}

export interface LadderClock extends StoredClock {
  orderId: number;
  /** The instants of the ladder's stages (STAGES order), as the sweeper will fire them. */
  stageAt: Date[] | null;
}

/** The clocks still running (or paused) of these orders. */
export async function runningClocksOf(db: Database, orderIds: number[]): Promise<LadderClock[]> {
  if (!orderIds.length) return [];
  const rows = await db
    .select()
    .from(orderClocks)
    .where(and(inArray(orderClocks.orderId, orderIds), isNull(orderClocks.stoppedAt)))
    .orderBy(asc(orderClocks.dueAt));
  return rows.map((r) => ({ ...clockFromRow(r), orderId: r.orderId, stageAt: r.stageAt }));
}

export interface AssistView {
  orderId: number;
  unitId: string;
  unitName: string;
  status: AssistStatus;
  assignedAt: Date;
  claimedAt: Date | null;
  repliedAt: Date | null;
  replyText: string | null;
}

/** 协办 of these orders, with the assisting units' names, in the order they were assigned. */
export async function assistsOf(db: Database, orderIds: number[]): Promise<AssistView[]> {
  if (!orderIds.length) return [];
  return db
    .select({
      orderId: orderAssists.orderId,
      unitId: orderAssists.unitId,
      unitName: units.name,
      status: orderAssists.status,
      assignedAt: orderAssists.assignedAt,
      claimedAt: orderAssists.claimedAt,
      repliedAt: orderAssists.repliedAt,
      replyText: orderAssists.replyText,
    })
    .from(orderAssists)
    .innerJoin(units, eq(units.id, orderAssists.unitId))
    .where(inArray(orderAssists.orderId, orderIds))
    .orderBy(asc(orderAssists.assignedAt), asc(orderAssists.unitId));
}

/** Extension requests of these orders still waiting for a supervisor. */
export async function pendingExtensionsOf(db: Database, orderIds: number[]) {
  if (!orderIds.length) return [];
  return db
    .select({
      id: orderExtensions.id,
      orderId: orderExtensions.orderId,
      clockKind: orderExtensions.clockKind,
      requestedAt: orderExtensions.requestedAt,
      requestedDueAt: orderExtensions.requestedDueAt,
      reason: orderExtensions.reason,
    })
    .from(orderExtensions)
    .where(and(inArray(orderExtensions.orderId, orderIds), eq(orderExtensions.status, 'pending')))
    .orderBy(asc(orderExtensions.id));
}

/**
 * The units an order can be handed down to (those directly below) and the units that
 * may assist (those below and the unit's siblings: a 区城管委 asks the 区住建委).
 */
export async function neighbourUnits(sql: Sql, unitId: string) {
  const rows = await sql<{ id: string; name: string; relation: 'child' | 'sibling' }[]>`
    select u.id, u.name, case when u.parent_id = ${unitId} then 'child' else 'sibling' end as relation
    from units u
    where u.parent_id = ${unitId}
       or (u.parent_id = (select parent_id from units where id = ${unitId}) and u.id <> ${unitId})
    order by relation, u.id`;
  return {
    children: rows.filter((r) => r.relation === 'child').map(({ id, name }) => ({ id, name })),
    siblings: rows.filter((r) => r.relation === 'sibling').map(({ id, name }) => ({ id, name })),
  };
}
