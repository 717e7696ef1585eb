import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { orderAssists, orderEvents, orders, units } from '../schema.ts';
import type { OrderPlace } from '../../server/core/access.ts';
import type { ActionInput, EventDraft, OrderPatch } from '../../server/core/lifecycle.ts';
import type { UnitInfo } from '../../server/core/dispatch.ts';
import type { ClockKind, Deadlines } from '../../server/core/deadlines.ts';
import { loadClocks, writeClocks } from './clocks.ts';
import { extendClock } from '../../server/core/deadlines.ts';
import { orderClocks, orderExtensions } from '../schema.ts';
import { findOrder, type EventRow, type OrderRow } from './orders.ts';

export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export async function unitsById(db: Database | Tx, ids: string[]): Promise<Map<string, UnitInfo>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: units.id,
      name: units.name,
      level: units.level,
      kind: units.kind,
      parentId: units.parentId,
      departmentKey: units.departmentKey,
      ancestors: units.ancestors,
    })
    .from(units)
    .where(inArray(units.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Where the order sits in the unit tree, for access decisions. */
export async function placeOf(
  db: Database | Tx,
  order: OrderRow,
): Promise<OrderPlace & { assistRows: (typeof orderAssists.$inferSelect)[] }> {
  const assistRows = await db.select().from(orderAssists).where(eq(orderAssists.orderId, order.id));
  const ids = [order.currentUnitId, ...(order.claimedByUnitId ? [order.claimedByUnitId] : []), ...assistRows.map((a) => a.unitId)];
  const info = await unitsById(db, ids);
  return {
    currentUnitId: order.currentUnitId,
    unitPath: order.unitPath,
    currentAncestors: info.get(order.currentUnitId)?.ancestors ?? [order.currentUnitId],
    claimedByAncestors: order.claimedByUnitId ? (info.get(order.claimedByUnitId)?.ancestors ?? null) : null,
    assists: assistRows.map((a) => ({ unitId: a.unitId, ancestors: info.get(a.unitId)?.ancestors ?? [a.unitId] })),
    assistRows,
  };
}

/**
 * The order an action is about, locked for the transaction, with the other order it
 * names (a merge's master) locked too, in id order so that two merges in opposite
 * directions cannot deadlock. Undefined when the order does not exist.
 */
export async function lockOrderForAction(
  tx: Tx,
  ref: string,
  otherId?: number,
): Promise<{ order: OrderRow; other?: OrderRow } | undefined> {
  const target = await findOrder(tx as unknown as Database, ref);
  if (!target) return undefined;
  const ids = otherId === undefined ? [target.id] : [target.id, otherId].sort((a, b) => a - b);
  const locked = await tx.select().from(orders).where(inArray(orders.id, ids)).orderBy(asc(orders.id)).for('update');
  return { order: locked.find((r) => r.id === target.id)!, other: locked.find((r) => r.id === otherId) };
}

/** Whether a request to extend this clock already waits for a supervisor. */
export async function hasPendingExtension(tx: Tx, orderId: number, clockKind: string): Promise<boolean> {
  const rows = await tx
    .select({ id: orderExtensions.id })
    .from(orderExtensions)
    .where(
      and(eq(orderExtensions.orderId, orderId), eq(orderExtensions.clockKind, clockKind as never), eq(orderExtensions.status, 'pending')),
    );
  return rows.length > 0;
}

/** One extension request of this order. */
export async function extensionOf(tx: Tx, orderId: number, extensionId: number) {
  const [ext] = await tx
    .select()
    .from(orderExtensions)
    .where(and(eq(orderExtensions.id, extensionId), eq(orderExtensions.orderId, orderId)));
  return ext;
}

/** Write the order's change as decided; the holding unit follows the path. */
export async function writeOrderChange(tx: Tx, orderId: number, patch: OrderPatch, at: Date): Promise<OrderRow> {
  const { unitPath, ...rest } = patch;
  const [updated] = await tx
    .update(orders)
    .set({ ...rest, ...(unitPath ? { unitPath, currentUnitId: unitPath[unitPath.length - 1]! } : {}), updatedAt: at })
    .where(eq(orders.id, orderId))
    .returning();
  return updated!;
}

/** The audit event of a step (痕迹), in the step's transaction. */
export async function appendOrderEvent(tx: Tx, orderId: number, e: EventDraft & { at: Date; actor: string }): Promise<EventRow> {
  const [written] = await tx
    .insert(orderEvents)
    .values({ orderId, ...e })
    .returning();
  return written!;
}

/** The rows an action touches besides the order and its event, in the same transaction. */
export async function recordActionEffects(
  tx: Tx,
  input: ActionInput,
  before: OrderRow,
  after: OrderRow,
  master: OrderRow | undefined,
  opts: { actor: string; at: Date },
) {
  const actor = opts.actor;
  const note = (
    orderId: number,
    status: OrderRow['status'],
    unitId: string,
    action: string,
    payload: Record<string, unknown>,
    reason: string | null = null,
  ) =>
    tx.insert(orderEvents).values({ orderId, at: opts.at, actor, action, fromStatus: status, toStatus: status, unitId, reason, payload });

  switch (input.action) {
    case 'assign_assist':
      await tx
        .insert(orderAssists)
        .values(input.unitIds.map((unitId) => ({ orderId: before.id, unitId, status: 'assigned' as const, assignedAt: opts.at })));
      break;
    case 'assist_claim':
      await tx.update(orderAssists).set({ status: 'claimed', claimedAt: opts.at }).where(eqAssist(before.id, input.unitId));
      break;
    case 'assist_reply':
      await tx
        .update(orderAssists)
        .set({ status: 'replied', repliedAt: opts.at, replyText: input.text })
        .where(eqAssist(before.id, input.unitId));
      break;
    case 'merge':
      await note(master!.id, master!.status, master!.currentUnitId, 'merged_in', {
        duplicateId: before.id,
        duplicateNumber: before.number,
      });
      break;
    case 'close': {
      // 重复件: the citizens of merged duplicates are told the master's result.
      const dups = await tx.select().from(orders).where(eq(orders.mergedIntoId, after.id));
      for (const d of dups) {
        await note(d.id, d.status, d.currentUnitId, 'master_result', { masterId: after.id, masterNumber: after.number }, after.replyText);
      }
      break;
    }
  }
}

const eqAssist = (orderId: number, unitId: string) => and(eq(orderAssists.orderId, orderId), eq(orderAssists.unitId, unitId));

/** 延期申请: the request, filed as pending; null when another was filed first (the unique key decides a race). */
export async function fileExtension(
  tx: Tx,
  order: OrderRow,
  input: { clock: ClockKind; dueAt: string; reason: string },
  opts: { actor: string; at: Date },
): Promise<number | null> {
  const inserted = await tx
    .insert(orderExtensions)
    .values({
      orderId: order.id,
      clockKind: input.clock,
      requestedBy: opts.actor,
      requestedAt: opts.at,
      requestedDueAt: new Date(input.dueAt),
      reason: input.reason,
      status: 'pending',
    })
    .onConflictDoNothing()
    .returning({ id: orderExtensions.id });
  return inserted[0]?.id ?? null;
}

/** 延期审批: the decision recorded; an approval moves the clock's deadline, with the old and new one in the trail. */
export async function decideExtension(
  tx: Tx,
  order: OrderRow,
  ext: typeof orderExtensions.$inferSelect,
  decision: { approved: boolean; note?: string },
  opts: { actor: string; at: Date; deadlines: Deadlines },
): Promise<void> {
  await tx
    .update(orderExtensions)
    .set({
      status: decision.approved ? 'approved' : 'rejected',
      decidedBy: opts.actor,
      decidedAt: opts.at,
      decisionNote: decision.note ?? null,
    })
    .where(eq(orderExtensions.id, ext.id));
  if (!decision.approved) return;
  const clock = (await loadClocks(tx, order.id)).find((c) => c.kind === ext.clockKind)!;
  const extended = extendClock(clock, ext.requestedDueAt, opts.at, opts.deadlines.policy, opts.deadlines.calendar);
  await writeClocks(tx, order.id, [extended], clock.unitId, opts.deadlines);
  await tx
    .update(orderClocks)
    .set({ extensions: clock.extensions + 1 })
    .where(and(eq(orderClocks.orderId, order.id), eq(orderClocks.kind, clock.kind)));
  await appendOrderEvent(tx, order.id, {
    at: opts.at,
    actor: opts.actor,
    action: 'deadline_extended',
    fromStatus: order.status,
    toStatus: order.status,
    unitId: order.currentUnitId,
    reason: ext.reason,
    payload: { clock: ext.clockKind, oldDueAt: clock.dueAt.toISOString(), newDueAt: ext.requestedDueAt.toISOString(), extensionId: ext.id },
  });
}
