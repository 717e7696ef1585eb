/**
 * 漏接回拨: the callback tasks made from missed calls, one function per operation.
 * The service (server/calls/missed-calls.ts) runs them inside one transaction per
 * call event or attempt, under the caller number's advisory lock.
 */
import type { MissedCallStep } from '../schema-missed-calls.ts';
import type { MissedCallState } from '../../server/core/missed-calls.ts';
import type { Queryable as Sql } from '../client.ts';

export interface MissedCallTask {
  id: number;
  callerNumber: string;
  missedCount: number;
  firstMissedAt: Date;
  lastMissedAt: Date;
  dueAt: Date;
  state: MissedCallState;
  attempts: number;
  nextAt: Date | null;
  firstAttemptAt: Date | null;
  trail: MissedCallStep[];
  orderId: number | null;
  skippedByCall: string | null;
  closedAt: Date | null;
  closedBy: string | null;
  callIds: string[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Serialise everything about one caller number across instances: two hangups of the
 * same caller, or a hangup and an answered call, decide the task one after the other.
 */
export async function lockCallerNumber(sql: Sql, number: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`missed-call:${number}`}, 0))`;
}

/** Whether this call already joined a task (a repeated or late hangup event). */
export async function isCallCounted(sql: Sql, callId: string): Promise<boolean> {
  const rows = await sql`select 1 from missed_call_calls where call_id = ${callId}`;
  return rows.length > 0;
}

/** The caller's open tasks, oldest first. */
export async function openTasksOf(sql: Sql, number: string): Promise<MissedCallTask[]> {
  const rows = await sql`${selectTasks(sql)} where t.caller_number = ${number} and t.state = 'open' order by t.first_missed_at, t.id`;
  return rows.map(toTask);
}

/** A new task for a first missed call, and the call's link to it. */
export async function openMissedCall(sql: Sql, o: { number: string; callId: string; missedAt: Date; dueAt: Date }): Promise<number> {
  const [row] = await sql`
    insert into missed_calls (caller_number, first_missed_at, last_missed_at, due_at, next_at)
    values (${o.number}, ${iso(o.missedAt)}, ${iso(o.missedAt)}, ${iso(o.dueAt)}, ${iso(o.dueAt)})
    returning id`;
  const id = Number(row!.id);
  await sql`insert into missed_call_calls (call_id, missed_call_id) values (${o.callId}, ${id})`;
  return id;
}

/** Another missed call of the same caller joins their open task: one callback, however many rings. */
export async function joinMissedCall(sql: Sql, taskId: number, callId: string, missedAt: Date): Promise<void> {
  await sql`insert into missed_call_calls (call_id, missed_call_id) values (${callId}, ${taskId})`;
  await sql`
    update missed_calls set missed_count = missed_count + 1,
      first_missed_at = least(first_missed_at, ${iso(missedAt)}), last_missed_at = greatest(last_missed_at, ${iso(missedAt)})
    where id = ${taskId}`;
}

/** The caller got through: these open tasks need no callback. */
export async function skipMissedCalls(sql: Sql, ids: number[], callId: string, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    update missed_calls set state = 'skipped', next_at = null, skipped_by_call = ${callId}, closed_at = ${iso(at)}, closed_by = 'system:cti'
    where id in ${sql(ids)} and state = 'open'`;
}

/** One task, locked for the attempt that changes it when `forUpdate`. */
export async function findMissedCall(sql: Sql, id: number, opts: { forUpdate?: boolean } = {}): Promise<MissedCallTask | undefined> {
  const rows = await sql`${selectTasks(sql)} where t.id = ${id} ${opts.forUpdate ? sql`for update of t` : sql``}`;
  return rows[0] && toTask(rows[0]);
}

/** The console's list: open tasks soonest due first, or the closed ones of a state newest first. */
export async function listMissedCalls(sql: Sql, o: { state: MissedCallState; limit: number }): Promise<MissedCallTask[]> {
  const order = o.state === 'open' ? sql`t.next_at, t.id` : sql`t.closed_at desc, t.id desc`;
  const rows = await sql`${selectTasks(sql)} where t.state = ${o.state} order by ${order} limit ${o.limit}`;
  return rows.map(toTask);
}

/** The number shown to an operator to dial: the reveal is kept in the task's trail. */
export async function recordDial(sql: Sql, id: number, step: MissedCallStep): Promise<void> {
  await sql`update missed_calls set trail = trail || ${JSON.stringify([step])}::jsonb where id = ${id}`;
}

/** An attempt and what it decided: the task's new state, its next try, the order logged on it. */
export async function recordCallbackAttempt(
  sql: Sql,
  id: number,
  o: { state: MissedCallState; attempts: number; nextAt: Date | null; orderId: number | null; step: MissedCallStep; at: Date; by: string },
): Promise<void> {
  const closed = o.state !== 'open';
  await sql`
    update missed_calls set state = ${o.state}, attempts = ${o.attempts}, next_at = ${iso(o.nextAt)},
      first_attempt_at = coalesce(first_attempt_at, ${iso(o.at)}), order_id = coalesce(${o.orderId}, order_id),
      trail = trail || ${JSON.stringify([o.step])}::jsonb,
      closed_at = ${closed ? iso(o.at) : null}, closed_by = ${closed ? o.by : null}
    where id = ${id}`;
}

export async function orderExists(sql: Sql, orderId: number): Promise<boolean> {
  const rows = await sql`select 1 from orders where id = ${orderId}`;
  return rows.length > 0;
}

export interface MissedCallFigures {
  missedCalls: number;
  tasks: number;
  open: number;
  overdue: number;
  reached: number;
  unreached: number;
  skipped: number;
  calledBack: number;
  calledBackOnTime: number;
  withOrder: number;
  medianMinutesToCallback: number | null;
  p90MinutesToCallback: number | null;
}

/** 漏接回拨 over tasks whose first missed call fell in [from, to): counts, rates' parts, time to callback. */
export async function missedCallFigures(sql: Sql, o: { from: Date; to: Date; now: Date }): Promise<MissedCallFigures> {
  const [r] = await sql`
    select coalesce(sum(missed_count), 0)::int as missed_calls, count(*)::int as tasks,
      count(*) filter (where state = 'open')::int as open,
      count(*) filter (where state = 'open' and due_at < ${iso(o.now)} and first_attempt_at is null)::int as overdue,
      count(*) filter (where state = 'reached')::int as reached,
      count(*) filter (where state = 'unreached')::int as unreached,
      count(*) filter (where state = 'skipped')::int as skipped,
      count(first_attempt_at)::int as called_back,
      count(*) filter (where first_attempt_at <= due_at)::int as called_back_on_time,
      count(order_id)::int as with_order,
      percentile_cont(0.5) within group (order by extract(epoch from first_attempt_at - first_missed_at) / 60) as median_minutes,
      percentile_cont(0.9) within group (order by extract(epoch from first_attempt_at - first_missed_at) / 60) as p90_minutes
    from missed_calls where first_missed_at >= ${iso(o.from)} and first_missed_at < ${iso(o.to)}`;
  const minutes = (v: unknown) => (v === null ? null : Math.round(Number(v) * 10) / 10);
  return {
    missedCalls: r!.missed_calls,
    tasks: r!.tasks,
    open: r!.open,
    overdue: r!.overdue,
    reached: r!.reached,
    unreached: r!.unreached,
    skipped: r!.skipped,
    calledBack: r!.called_back,
    calledBackOnTime: r!.called_back_on_time,
    withOrder: r!.with_order,
    medianMinutesToCallback: minutes(r!.median_minutes),
    p90MinutesToCallback: minutes(r!.p90_minutes),
  };
}

const selectTasks = (sql: Sql) => sql`
  select t.*, coalesce((select array_agg(c.call_id order by c.call_id) from missed_call_calls c where c.missed_call_id = t.id), '{}') as call_ids
  from missed_calls t`;

const date = (v: unknown) => (v ? new Date(v as string) : null);

function toTask(r: Record<string, unknown>): MissedCallTask {
  return {
    id: Number(r.id),
    callerNumber: r.caller_number as string,
    missedCount: Number(r.missed_count),
    firstMissedAt: date(r.first_missed_at)!,
    lastMissedAt: date(r.last_missed_at)!,
    dueAt: date(r.due_at)!,
    state: r.state as MissedCallState,
    attempts: Number(r.attempts),
    nextAt: date(r.next_at),
    firstAttemptAt: date(r.first_attempt_at),
    trail: (typeof r.trail === 'string' ? JSON.parse(r.trail) : r.trail) as MissedCallStep[],
    orderId: r.order_id === null ? null : Number(r.order_id),
    skippedByCall: (r.skipped_by_call as string | null) ?? null,
    closedAt: date(r.closed_at),
    closedBy: (r.closed_by as string | null) ?? null,
    callIds: (r.call_ids as string[]) ?? [],
  };
}
