/**
 * 漏接回拨, the application layer: each call event is merged and, in the same
 * transaction and under the caller number's advisory lock, turned into the callback
 * task it implies (a missed call opens or joins one; an answered call closes the
 * caller's open ones). Any instance may receive any event, twice or out of order:
 * the lock and the one-row-per-call link make each task, and each count, once.
 */
import type { Queryable, Sql } from '../../db/client.ts';
import { mergeCallEvent, type Call, type CallEventInput } from '../../db/queries/calls.ts';
import {
  findMissedCall,
  isCallCounted,
  joinMissedCall,
  lockCallerNumber,
  openMissedCall,
  openTasksOf,
  orderExists,
  recordCallbackAttempt,
  recordDial,
  skipMissedCalls,
  type MissedCallTask,
} from '../../db/queries/missed-calls.ts';
import { DomainError } from '../core/errors.ts';
import {
  callbackDueAt,
  decideCallback,
  gotThrough,
  isMissedCall,
  joinsOpenTask,
  type CallbackOutcome,
  type MissedCallRules,
} from '../core/missed-calls.ts';

/** Merge one call-centre event and keep the caller's callback tasks in step with it. */
export async function recordCallEvent(sql: Sql, event: CallEventInput, now: Date, rules: MissedCallRules): Promise<Call> {
  return sql.begin(async (tx) => {
    const call = await mergeCallEvent(tx, event, now);
    if (!call.callerNumber) return call;
    const number = call.callerNumber;
    if (call.answeredAt) {
      await lockCallerNumber(tx, number);
      const open = await openTasksOf(tx, number);
      const answered = { callId: call.callId, answeredAt: call.answeredAt };
      await skipMissedCalls(
        tx,
        open.filter((task) => gotThrough(task, answered)).map((task) => task.id),
        call.callId,
        now,
      );
    } else if (isMissedCall(call)) {
      await lockCallerNumber(tx, number);
      if (await isCallCounted(tx, call.callId)) return call;
      const missedAt = call.endedAt!;
      const joined = (await openTasksOf(tx, number)).find((task) => joinsOpenTask(task, missedAt, rules));
      if (joined) await joinMissedCall(tx, joined.id, call.callId, missedAt);
      else await openMissedCall(tx, { number, callId: call.callId, missedAt, dueAt: callbackDueAt(missedAt, rules) });
    }
    return call;
  }) as Promise<Call>;
}

async function taskOrThrow(sql: Queryable, id: number, forUpdate = false): Promise<MissedCallTask> {
  const task = await findMissedCall(sql, id, { forUpdate });
  if (!task) throw new DomainError('MISSED_CALL_NOT_FOUND', `回拨任务 ${id} 不存在`);
  return task;
}

/** The full number, for the operator about to dial it; the reveal is recorded before it is shown. */
export async function revealForDialling(sql: Sql, id: number, by: string, now: Date): Promise<MissedCallTask> {
  return sql.begin(async (tx) => {
    const task = await taskOrThrow(tx, id, true);
    if (task.state !== 'open') throw new DomainError('CALLBACK_CLOSED', '该回拨任务已结束，无需再拨', { state: task.state });
    const step = { kind: 'dial' as const, by, at: now.toISOString() };
    await recordDial(tx, id, step);
    return { ...task, trail: [...task.trail, step] };
  }) as Promise<MissedCallTask>;
}

export interface AttemptInput {
  outcome: CallbackOutcome;
  note?: string;
  orderId?: number;
}

/** One callback attempt: reached (with the order logged on it, if any) or no answer, retried up to the limit. */
export async function recordCallback(
  sql: Sql,
  id: number,
  input: AttemptInput,
  ctx: { by: string; now: Date; rules: MissedCallRules },
): Promise<MissedCallTask> {
  return sql.begin(async (tx) => {
    const task = await taskOrThrow(tx, id, true);
    const decision = decideCallback(task, input.outcome, ctx.rules, ctx.now);
    const orderId = input.orderId ?? null;
    if (orderId !== null && input.outcome !== 'reached') {
      throw new DomainError('BAD_FIELD', '只有接通的回拨才能关联工单', { field: 'orderId' });
    }
    if (orderId !== null && !(await orderExists(tx, orderId))) {
      throw new DomainError('UNKNOWN_ORDER', `工单 ${orderId} 不存在`, { field: 'orderId' });
    }
    const step = {
      kind: 'attempt' as const,
      by: ctx.by,
      at: ctx.now.toISOString(),
      outcome: input.outcome,
      note: input.note ?? null,
      orderId,
    };
    await recordCallbackAttempt(tx, id, { ...decision, nextAt: decision.nextTryAt, orderId, step, at: ctx.now, by: ctx.by });
    return taskOrThrow(tx, id);
  }) as Promise<MissedCallTask>;
}
