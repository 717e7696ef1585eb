/**
 * 漏接回拨 (issue 18): the callback tasks made from missed calls. Kept apart from
 * db/schema.ts; a task points at the calls it gathers and at the order logged on
 * the callback, never the other way, so the orders' tables do not change.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { MISSED_CALL_STATES, type CallbackOutcome, type MissedCallState } from '../server/core/missed-calls.ts';
import { calls, inList, orders } from './schema.ts';

/** One step of a task's trail: the number revealed for dialling, or an attempt and its outcome. */
export type MissedCallStep =
  | { kind: 'dial'; by: string; at: string }
  | { kind: 'attempt'; by: string; at: string; outcome: CallbackOutcome; note: string | null; orderId: number | null };

/**
 * 回拨任务: one per caller number and window, however many times they rang. `next_at`
 * is when it is next due (the deadline, then each retry), so the console's list and
 * the overdue count read the open tasks through one partial index.
 */
export const missedCalls = pgTable(
  'missed_calls',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    callerNumber: text('caller_number').notNull(),
    missedCount: integer('missed_count').notNull().default(1),
    firstMissedAt: timestamp('first_missed_at', { withTimezone: true }).notNull(),
    lastMissedAt: timestamp('last_missed_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    state: text('state').$type<MissedCallState>().notNull().default('open'),
    attempts: integer('attempts').notNull().default(0),
    nextAt: timestamp('next_at', { withTimezone: true }),
    firstAttemptAt: timestamp('first_attempt_at', { withTimezone: true }),
    /** Every reveal of the number and every attempt, in order: who, when, what came of it. */
    trail: jsonb('trail').$type<MissedCallStep[]>().notNull().default([]),
    orderId: bigint('order_id', { mode: 'number' }).references(() => orders.id),
    /** The answered call that made the callback needless. */
    skippedByCall: text('skipped_by_call').references(() => calls.callId),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: text('closed_by'),
  },
  (t) => [
    check('missed_calls_state_check', inList('state', MISSED_CALL_STATES)),
    check('missed_calls_closed_check', sql`(${t.state} = 'open') = (${t.closedAt} is null)`),
    check('missed_calls_next_check', sql`(${t.state} = 'open') = (${t.nextAt} is not null)`),
    check('missed_calls_counts_check', sql`${t.missedCount} >= 1 and ${t.attempts} >= 0`),
    index('missed_calls_open_idx')
      .on(t.nextAt)
      .where(sql`${t.state} = 'open'`),
    index('missed_calls_number_idx').on(t.callerNumber, t.firstMissedAt),
    index('missed_calls_first_missed_idx').on(t.firstMissedAt),
  ],
);

/** Which task each missed call joined: the key makes a repeated hangup count once, on any instance. */
export const missedCallCalls = pgTable(
  'missed_call_calls',
  {
    callId: text('call_id')
      .primaryKey()
      .references(() => calls.callId),
    missedCallId: bigint('missed_call_id', { mode: 'number' })
      .notNull()
      .references(() => missedCalls.id),
  },
  (t) => [index('missed_call_calls_task_idx').on(t.missedCallId)],
);
