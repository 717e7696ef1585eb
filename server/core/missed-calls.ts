/**
 * 漏接回拨 (pure): which calls are missed, when their callback is due, which open
 * task a new missed call joins, and what a callback attempt does to the task. The
 * call-centre's events reach server/calls/missed-calls.ts, which asks these rules
 * and writes the task; nothing here reads a clock or a database.
 */
import { DomainError } from './errors.ts';

export const MISSED_CALL_STATES = ['open', 'reached', 'unreached', 'skipped'] as const;
export type MissedCallState = (typeof MISSED_CALL_STATES)[number];
export const MISSED_CALL_STATE_LABELS: Record<MissedCallState, string> = {
  open: '待回拨',
  reached: '已回拨接通',
  unreached: '回拨未接通',
  skipped: '来电已接通，无需回拨',
};

export const CALLBACK_OUTCOMES = ['reached', 'no_answer'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
export const CALLBACK_OUTCOME_LABELS: Record<CallbackOutcome, string> = { reached: '接通', no_answer: '无人接听' };

/** rules/missed-calls.yaml */
export interface MissedCallRules {
  callbackWithinMinutes: number;
  dedupeWindowMinutes: number;
  retryAfterMinutes: number;
  maxAttempts: number;
}

/** What of a call decides whether it was missed. */
export interface CallFacts {
  callerNumber: string | null;
  answeredAt: Date | null;
  endedAt: Date | null;
}

const MINUTE = 60_000;
// A number one can dial back: withheld callers arrive as "anonymous", "0" or a short code.
const CALLABLE = /^\+?[0-9]{5,20}$/;

/** A call that has ended without an operator answering it, from a number one can call back. */
export function isMissedCall(call: CallFacts): boolean {
  return call.endedAt !== null && call.answeredAt === null && call.callerNumber !== null && CALLABLE.test(call.callerNumber);
}

/** The callback deadline of a task whose first missed call ended at `missedAt`. */
export const callbackDueAt = (missedAt: Date, rules: MissedCallRules): Date =>
  new Date(missedAt.getTime() + rules.callbackWithinMinutes * MINUTE);

/** Whether a call missed at `missedAt` joins the caller's open task rather than starting one. */
export const joinsOpenTask = (task: { firstMissedAt: Date }, missedAt: Date, rules: MissedCallRules): boolean =>
  Math.abs(missedAt.getTime() - task.firstMissedAt.getTime()) <= rules.dedupeWindowMinutes * MINUTE;

/**
 * Whether an answered call means the caller got through, so the open task needs no
 * callback: an answer after the first missed call, or the task's own call whose
 * answer arrived after its hangup (the events may come out of order).
 */
export const gotThrough = (task: { firstMissedAt: Date; callIds: string[] }, call: { callId: string; answeredAt: Date }): boolean =>
  task.callIds.includes(call.callId) || call.answeredAt.getTime() >= task.firstMissedAt.getTime();

export interface TaskProgress {
  state: MissedCallState;
  attempts: number;
}

export interface CallbackDecision {
  state: MissedCallState;
  attempts: number;
  /** When to try again; null once the task is closed. */
  nextTryAt: Date | null;
}

/** One callback attempt and its outcome: reached closes the task; no answer retries, up to the limit. */
export function decideCallback(task: TaskProgress, outcome: CallbackOutcome, rules: MissedCallRules, now: Date): CallbackDecision {
  if (task.state !== 'open') {
    throw new DomainError('CALLBACK_CLOSED', `该回拨任务已结束（${MISSED_CALL_STATE_LABELS[task.state]}）`, { state: task.state });
  }
  const attempts = task.attempts + 1;
  if (outcome === 'reached') return { state: 'reached', attempts, nextTryAt: null };
  if (attempts >= rules.maxAttempts) return { state: 'unreached', attempts, nextTryAt: null };
  return { state: 'open', attempts, nextTryAt: new Date(now.getTime() + rules.retryAfterMinutes * MINUTE) };
}
