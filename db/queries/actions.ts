import { and, asc, eq, inArray } from 'drizzle-orm';
import { DomainError } from '../../server/core/errors.ts';
import type { Database } from '../client.ts';
import { orderAssists, orderEvents, orders, units } from '../schema.ts';
import { authorize, type OrderPlace, type Viewer } from '../../server/core/access.ts';
import { decide, type ActionInput, type OrderState, type OrderStatus, type Policy } from '../../server/core/lifecycle.ts';
import { checkDispatchTarget, type UnitInfo } from '../../server/core/dispatch.ts';
import type { Deadlines } from '../../server/core/deadlines.ts';
import { clocksAfter, loadClocks, writeClocks } from './clocks.ts';
import { extendClock } from '../../server/core/deadlines.ts';
import { orderClocks, orderExtensions } from '../schema.ts';
import { findOrder, type EventRow, type OrderRow } from './orders.ts';

export interface DispatchPolicy {
  /** The 社区事项准入负面清单 rule that keeps this category away from communities, if any. */
  negativeRuleFor(categoryCode: string | null): { id: string; name: string } | undefined;
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

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
 * Apply one lifecycle action as `viewer`: lock the order, check sight (404), role
 * (403) and state (409), let the state machine decide, and write the change with
 * its event in one transaction. Concurrent actions on one order queue on the row
 * lock, so of two claims exactly one wins.
 */
export async function applyAction(
  db: Database,
  ref: string,
  input: ActionInput,
  opts: {
    /** null: a citizen or a system job whose standing the caller has already established. */
    viewer: Viewer | null;
    /** Recorded as the event's actor; defaults to the viewer. */
    actor?: string;
    at: Date;
    policy: Policy;
    dispatchPolicy: DispatchPolicy;
    /** 时限: each action starts, stops or restarts the order's clocks in the same transaction. */
    deadlines: Deadlines;
    /**
     * The caller's own precondition, narrower than the state machine's: checked on
     * the locked row, so two requests that both saw it hold cannot both act.
     */
    onlyFrom?: { status: OrderStatus[]; otherwise: (status: OrderStatus) => DomainError };
  },
): Promise<{ order: OrderRow; event: EventRow }> {
  const actor = opts.actor ?? (opts.viewer ? `user:${opts.viewer.userId}` : 'system');
  return db.transaction(async (tx) => {
    const target = await findOrder(tx as unknown as Database, ref);
    if (!target) throw new DomainError('ORDER_NOT_FOUND', `工单 ${ref} 不存在`);
    const lockIds = input.action === 'merge' ? [target.id, input.masterId].sort((a, b) => a - b) : [target.id];
    // Lock in id order so that two merges in opposite directions cannot deadlock.
    const locked = await tx.select().from(orders).where(inArray(orders.id, lockIds)).orderBy(asc(orders.id)).for('update');
    const current = locked.find((r) => r.id === target.id)!;
    if (opts.onlyFrom && !opts.onlyFrom.status.includes(current.status)) throw opts.onlyFrom.otherwise(current.status);
    const place = await placeOf(tx, current);
    if (opts.viewer) authorize(opts.viewer, input.action, place, ref);

    // Assist steps act for the viewer's own unit.
    if ((input.action === 'assist_claim' || input.action === 'assist_reply') && opts.viewer) input.unitId = opts.viewer.unitId;
    const state: OrderState = {
      id: current.id,
      status: current.status,
      unitPath: current.unitPath,
      dispatchCount: current.dispatchCount,
      returnCount: current.returnCount,
      reopenCount: current.reopenCount,
      urgeCount: current.urgeCount,
      designated: current.designated,
      assists: place.assistRows.map((a) => ({ unitId: a.unitId, status: a.status })),
    };
    const { patch, event } = decide(state, input, opts.at, opts.policy);

    if (input.action === 'dispatch' || input.action === 'redispatch' || input.action === 'hand_down') {
      const from = input.action === 'redispatch' ? current.unitPath[current.unitPath.length - 2]! : current.currentUnitId;
      const info = await unitsById(tx, [from, input.unitId]);
      checkDispatchTarget(info.get(from), info.get(input.unitId), {
        fromHotline: from === 'hotline',
        negativeRule: opts.dispatchPolicy.negativeRuleFor(current.categoryCode),
        categoryCode: current.categoryCode,
      });
      if (input.action === 'dispatch' && input.designate && from !== 'hotline') {
        throw new DomainError('FORBIDDEN', '只有热线中心派单员可以指定承办单位', { field: 'designate' });
      }
    }
    if (input.action === 'assign_assist') {
      const info = await unitsById(tx, input.unitIds);
      const missing = input.unitIds.filter((id) => !info.has(id) || info.get(id)!.kind === 'hotline');
      if (missing.length) throw new DomainError('UNKNOWN_UNIT', `承办单位不存在：${missing.join('、')}`, { field: 'unitIds' });
    }
    let master: OrderRow | undefined;
    if (input.action === 'merge') {
      master = locked.find((r) => r.id === input.masterId);
      if (!master) throw new DomainError('MASTER_NOT_FOUND', `主工单 ${input.masterId} 不存在`, { field: 'masterId' });
      if (master.status === 'merged' || master.status === 'transferred_out') {
        throw new DomainError('MASTER_NOT_OPEN', `主工单 ${master.number} 状态为 ${master.status}，不能作为合并目标`, {
          field: 'masterId',
        });
      }
      event.payload.masterNumber = master.number;
    }

    const { unitPath, ...rest } = patch;
    const [updated] = await tx
      .update(orders)
      .set({ ...rest, ...(unitPath ? { unitPath, currentUnitId: unitPath[unitPath.length - 1]! } : {}), updatedAt: opts.at })
      .where(eq(orders.id, current.id))
      .returning();
    // Before the event row, so that the event carries the extension's id.
    await extensionEffects(tx, input, current, event, { actor, at: opts.at, deadlines: opts.deadlines });
    const [written] = await tx
      .insert(orderEvents)
      .values({ orderId: current.id, at: opts.at, actor, ...event })
      .returning();
    await sideEffects(tx, input, current, updated!, master, { actor, at: opts.at });
    await clocksAfter(tx, updated!, input.action, opts.at, updated!.currentUnitId, opts.deadlines);
    return { order: updated!, event: written! };
  });
}

/** The rows an action touches besides the order and its event, in the same transaction. */
async function sideEffects(
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

/** 延期: the request is filed; an approval moves the clock's deadline, recorded with the old and new one. */
async function extensionEffects(
  tx: Tx,
  input: ActionInput,
  order: OrderRow,
  event: { payload: Record<string, unknown> },
  opts: { actor: string; at: Date; deadlines: Deadlines },
) {
  if (input.action === 'request_extension') {
    const [clock] = (await loadClocks(tx, order.id)).filter((c) => c.kind === input.clock);
    const due = new Date(input.dueAt);
    if (!clock || clock.stoppedAt)
      throw new DomainError('CLOCK_NOT_RUNNING', `「${input.clock}」时限未在计时，无需延期`, { field: 'clock' });
    if (!(due > clock.dueAt))
      throw new DomainError('EXTENSION_NOT_LATER', `申请的时限必须晚于原时限 ${clock.dueAt.toISOString()}`, { field: 'dueAt' });
    const inserted = await tx
      .insert(orderExtensions)
      .values({
        orderId: order.id,
        clockKind: input.clock,
        requestedBy: opts.actor,
        requestedAt: opts.at,
        requestedDueAt: due,
        reason: input.reason,
        status: 'pending',
      })
      .onConflictDoNothing()
      .returning({ id: orderExtensions.id });
    if (!inserted[0]) throw new DomainError('EXTENSION_PENDING', '该时限已有待审批的延期申请', { field: 'clock' });
    event.payload.extensionId = inserted[0].id;
    return;
  }
  if (input.action !== 'approve_extension' && input.action !== 'reject_extension') return;
  const [ext] = await tx
    .select()
    .from(orderExtensions)
    .where(and(eq(orderExtensions.id, input.extensionId), eq(orderExtensions.orderId, order.id)));
  if (!ext || ext.status !== 'pending')
    throw new DomainError('EXTENSION_NOT_PENDING', `延期申请 ${input.extensionId} 不存在或已处理`, { field: 'extensionId' });
  const approved = input.action === 'approve_extension';
  await tx
    .update(orderExtensions)
    .set({ status: approved ? 'approved' : 'rejected', decidedBy: opts.actor, decidedAt: opts.at, decisionNote: input.note ?? null })
    .where(eq(orderExtensions.id, ext.id));
  if (!approved) return;
  const clock = (await loadClocks(tx, order.id)).find((c) => c.kind === ext.clockKind);
  if (!clock || clock.stoppedAt) throw new DomainError('CLOCK_NOT_RUNNING', '该时限已停止计时，不能延期', { field: 'extensionId' });
  const extended = extendClock(clock, ext.requestedDueAt, opts.at, opts.deadlines.policy, opts.deadlines.calendar);
  await writeClocks(tx, order.id, [extended], clock.unitId, opts.deadlines);
  await tx
    .update(orderClocks)
    .set({ extensions: clock.extensions + 1 })
    .where(and(eq(orderClocks.orderId, order.id), eq(orderClocks.kind, clock.kind)));
  await tx.insert(orderEvents).values({
    orderId: order.id,
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
