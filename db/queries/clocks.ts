import type { RequestType } from '../../server/core/lists.ts';
import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import type { Database, Sql } from '../client.ts';
import { orderClocks } from '../schema.ts';
import type { TimeBasis, WorkCalendar } from '../../server/core/calendar.ts';
import {
  applyClockEffects,
  CLOCK_LABELS,
  CLOCK_STATE_LABELS,
  clockState,
  nextStage,
  stageSchedule,
  startClock,
  type Clock,
  type ClockKind,
  type ClockContext,
  type UrgencyClass,
} from '../../server/core/deadlines.ts';
import type { DeadlinePolicy } from '../../server/rules/deadlines-schema.ts';

/** The database or a transaction of it. */
type Queryable = Pick<Database, 'select' | 'insert' | 'update'>;

export interface StoredClock extends Clock {
  unitId: string;
  extensions: number;
}

export function clockFromRow(r: typeof orderClocks.$inferSelect): StoredClock {
  return {
    kind: r.kind,
    urgencyClass: r.urgencyClass,
    basis: r.basis,
    startedAt: r.startedAt,
    dueAt: r.dueAt,
    stoppedAt: r.stoppedAt,
    pausedAt: r.pausedAt,
    firedStage: r.firedStage,
    unitId: r.unitId,
    extensions: r.extensions,
  };
}

export async function loadClocks(db: Queryable, orderId: number): Promise<StoredClock[]> {
  const rows = await db.select().from(orderClocks).where(eq(orderClocks.orderId, orderId)).orderBy(asc(orderClocks.kind));
  return rows.map(clockFromRow);
}

/** The urgency class of an order's clocks: 危险 15 minutes, 停水停电 30 minutes, else normal. */
export function urgencyClassOf(order: { urgency: string; classification: unknown }): UrgencyClass {
  const c = (order.classification as { urgencyClass?: 'danger' | 'outage' | null } | null)?.urgencyClass;
  if (c) return c;
  return order.urgency === 'urgent' ? 'danger' : 'normal';
}

/**
 * A clock as stored: with the instants of its whole ladder and, in `next_at`, the
 * instant of its next unfired stage, which is what the sweeper's index looks for.
 */
export function clockRow(orderId: number, c: Clock, unitId: string, deps: { policy: DeadlinePolicy; calendar: WorkCalendar }) {
  const { kind, urgencyClass, basis, startedAt, dueAt, stoppedAt, pausedAt, firedStage } = c;
  const schedule = stageSchedule(c, deps.policy, deps.calendar);
  const stageAt = schedule.map((s) => s.at);
  const nextAt = nextStage(c, schedule)?.at ?? null;
  return { orderId, kind, unitId, urgencyClass, basis, startedAt, dueAt, stoppedAt, pausedAt, firedStage, nextAt, stageAt };
}

/** A timestamptz[] as text, for passing a column of arrays through unnest(). */
export const instantsLiteral = (instants: readonly Date[]) => `{${instants.map((d) => d.toISOString()).join(',')}}`;

/**
 * Clocks written before their stage instants were stored (migration 0011) get them
 * once, at start and before any sweep, since the sweeper reads only `stage_at`.
 * Only clocks with a stage still to fire need them; two instances starting together
 * write the same values.
 */
export async function fillStageInstants(sql: Sql, deps: { policy: DeadlinePolicy; calendar: WorkCalendar }): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows = await sql<
      { order_id: string; kind: ClockKind; urgency_class: UrgencyClass; basis: TimeBasis; started_at: string; due_at: string }[]
    >`
      select order_id, kind, urgency_class, basis, started_at, due_at from order_clocks
      where stage_at is null and next_at is not null limit 1000`;
    if (rows.length === 0) return filled;
    const instants = rows.map((r) => {
      const clock = startClock(r.kind, new Date(r.started_at), new Date(r.due_at), { urgencyClass: r.urgency_class, basis: r.basis });
      return instantsLiteral(stageSchedule(clock, deps.policy, deps.calendar).map((s) => s.at));
    });
    await sql`
      update order_clocks c set stage_at = f.stage_at::timestamptz[]
      from unnest(${rows.map((r) => r.order_id)}::text[]::bigint[], ${rows.map((r) => r.kind)}::text[], ${instants}::text[]) as f(order_id, kind, stage_at)
      where c.order_id = f.order_id and c.kind = f.kind`;
    filled += rows.length;
  }
}

/**
 * Write the clocks an action changed, and hand every running clock to the unit now
 * holding the order (the boards count it there); a clock the action stopped keeps its unit.
 */
export async function writeClocks(
  db: Queryable,
  orderId: number,
  clocks: Clock[],
  holderUnitId: string,
  deps: { policy: DeadlinePolicy; calendar: WorkCalendar },
  ranAt: ReadonlyMap<ClockKind, string> = new Map(),
): Promise<void> {
  for (const c of clocks) {
    // A clock this step stops stays with the unit it ran at: that unit met or missed it
    // (a dispatch stops the hotline's 转办 clock, a return the returning unit's 签收 clock).
    const row = clockRow(orderId, c, (c.stoppedAt && ranAt.get(c.kind)) || holderUnitId, deps);
    const { orderId: _o, kind: _k, ...update } = row;
    await db
      .insert(orderClocks)
      .values(row)
      .onConflictDoUpdate({ target: [orderClocks.orderId, orderClocks.kind], set: update });
  }
  await db
    .update(orderClocks)
    .set({ unitId: holderUnitId })
    .where(and(eq(orderClocks.orderId, orderId), isNull(orderClocks.stoppedAt), ne(orderClocks.unitId, holderUnitId)));
}

/** Apply an action's clock effects to the stored clocks of an order. */
export async function clocksAfter(
  db: Queryable,
  order: { id: number; urgency: string; classification: unknown; categoryCode: string | null; requestType: RequestType },
  action: string,
  at: Date,
  holderUnitId: string,
  deps: { policy: DeadlinePolicy; calendar: WorkCalendar },
): Promise<void> {
  const existing = await loadClocks(db, order.id);
  const ctx: ClockContext = {
    ...deps,
    urgencyClass: urgencyClassOf(order),
    categoryCode: order.categoryCode ?? undefined,
    requestType: order.requestType,
  };
  const ranAt = new Map(existing.map((c) => [c.kind, c.unitId]));
  await writeClocks(db, order.id, applyClockEffects(existing, action, at, ctx), holderUnitId, deps, ranAt);
}

/** What GET /api/orders/:id shows of each clock. */
export function presentClock(c: StoredClock, now: Date) {
  const { state, timeLeftMs } = clockState(c, now);
  return {
    kind: c.kind,
    label: CLOCK_LABELS[c.kind],
    unitId: c.unitId,
    urgencyClass: c.urgencyClass,
    startedAt: c.startedAt,
    dueAt: c.dueAt,
    stoppedAt: c.stoppedAt,
    state,
    stateLabel: CLOCK_STATE_LABELS[state],
    timeLeftMs,
    extensions: c.extensions,
  };
}
