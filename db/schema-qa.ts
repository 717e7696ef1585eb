/**
 * 人工质检 (issue 18): the closed orders sampled for a quality inspector, each once,
 * and the inspector's score on the rubric of rules/qa-rubric.yaml. Kept apart from
 * db/schema.ts; a sample points at its order and at the reply it inspects.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { QA_REASONS, type QaReason } from '../server/core/qa.ts';
import { inList, orderEvents, orders, units } from './schema.ts';

export const qaSamples = pgTable(
  'qa_samples',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id),
    reason: text('reason').$type<QaReason>().notNull(),
    /** The unit that answered the citizen (held the order when it closed): the one the score counts for. */
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    /** The reply (or 直办 answer) inspected: its text and the automatic checks' outcome are in the event. */
    replyEventId: bigint('reply_event_id', { mode: 'number' }).references(() => orderEvents.id),
    sampledAt: timestamp('sampled_at', { withTimezone: true }).notNull(),
    /** Points per rubric item, as scored; the total and whether it reached the pass mark. */
    items: jsonb('items').$type<Record<string, number>>(),
    total: integer('total'),
    passed: boolean('passed'),
    comment: text('comment'),
    scoredBy: text('scored_by'),
    scoredAt: timestamp('scored_at', { withTimezone: true }),
  },
  (t) => [
    // An order is sampled once, however many instances or reruns try: the insert does nothing on conflict.
    uniqueIndex('qa_samples_order_key').on(t.orderId),
    index('qa_samples_pending_idx')
      .on(t.sampledAt)
      .where(sql`${t.scoredAt} is null`),
    index('qa_samples_unit_idx').on(t.unitId),
    check('qa_samples_reason_check', inList('reason', QA_REASONS)),
    check(
      'qa_samples_scored_check',
      sql`(${t.scoredAt} is null) = (${t.total} is null) and (${t.scoredAt} is null) = (${t.items} is null) and (${t.scoredAt} is null) = (${t.passed} is null)`,
    ),
    check('qa_samples_total_check', sql`${t.total} between 0 and 100`),
  ],
);
