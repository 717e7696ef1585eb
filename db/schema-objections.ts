/**
 * 派单异议 (issue 18): a holding unit's objection to a dispatch, decided by the
 * hotline's reviewer, and what an upheld one proposes for the dispatch catalogue
 * (规则纠错). Kept apart from db/schema.ts, which holds the orders.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { OBJECTION_REASONS, OBJECTION_STATUSES, type ObjectionReason, type ObjectionStatus } from '../server/core/objections.ts';
import { inList, orders, units } from './schema.ts';

export const orderObjections = pgTable(
  'order_objections',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id),
    /** The unit that objected: the order's holder when it was filed. */
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    /** The order's matter when it was filed: the reports count objections by it, the proposals name it. */
    categoryCode: text('category_code'),
    reasonCode: text('reason_code').$type<ObjectionReason>().notNull(),
    reason: text('reason').notNull(),
    /** The unit whose duty the objection cites (三定方案、权责清单), when it names one. */
    dutyUnitId: text('duty_unit_id').references(() => units.id),
    dutyBasis: text('duty_basis').notNull(),
    filedBy: text('filed_by').notNull(),
    filedAt: timestamp('filed_at', { withTimezone: true }).notNull(),
    /** The review deadline (rules/objections.yaml `reviewWithin`, on working days). */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: text('status').$type<ObjectionStatus>().notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    /** 异议成立: the unit the order was re-dispatched to. */
    redispatchedUnitId: text('redispatched_unit_id').references(() => units.id),
  },
  (t) => [
    // One objection waits per order: of two filed at once the unique key lets one in.
    uniqueIndex('order_objections_pending_key')
      .on(t.orderId)
      .where(sql`${t.status} = 'pending'`),
    index('order_objections_order_idx').on(t.orderId, t.id),
    // The reviewer's list: the pending ones, nearest deadline first, however many were decided.
    index('order_objections_due_idx')
      .on(t.dueAt)
      .where(sql`${t.status} = 'pending'`),
    index('order_objections_unit_idx').on(t.unitId),
    check('order_objections_reason_check', inList(t.reasonCode, OBJECTION_REASONS)),
    check('order_objections_status_check', inList(t.status, OBJECTION_STATUSES)),
    check('order_objections_decided_check', sql`(${t.status} = 'pending') = (${t.decidedAt} is null)`),
    check('order_objections_upheld_check', sql`(${t.status} = 'upheld') = (${t.redispatchedUnitId} is not null)`),
    check('order_objections_text_check', sql`length(${t.reason}) between 1 and 1000 and length(${t.dutyBasis}) between 1 and 1000`),
  ],
);

/**
 * 规则纠错: an upheld objection where the dispatch catalogue (rules/matters/) named
 * the wrong kind of owner for the matter: the change proposed to the rules' owner.
 */
export const objectionProposals = pgTable(
  'objection_proposals',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    objectionId: bigint('objection_id', { mode: 'number' })
      .notNull()
      .references(() => orderObjections.id),
    categoryCode: text('category_code').notNull(),
    fromUnitId: text('from_unit_id')
      .notNull()
      .references(() => units.id),
    toUnitId: text('to_unit_id')
      .notNull()
      .references(() => units.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('objection_proposals_objection_key').on(t.objectionId), index('objection_proposals_category_idx').on(t.categoryCode)],
);
