/**
 * The tables behind understanding citizens' words (issue 14): the centre's own
 * labelled history and the corrections its dispatchers make, the text models
 * trained from them, and the estates, roads and landmarks people name instead of
 * the official 社区. Kept apart from db/schema.ts, which holds the orders.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { areas, inList, orders } from './schema.ts';

export const TRAINING_SOURCES = ['import', 'correction', 'redispatch'] as const;
export type TrainingSource = (typeof TRAINING_SOURCES)[number];
export const ALIAS_SOURCES = ['imported', 'learned', 'manual'] as const;
export type AliasSource = (typeof ALIAS_SOURCES)[number];

/** 历史工单与派单员的纠正: labelled texts the model learns from. Never live orders. */
export const trainingExamples = pgTable(
  'training_examples',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** What makes an example the same example again: an import line's hash, or the correcting event. */
    key: text('key').notNull(),
    source: text('source').$type<TrainingSource>().notNull(),
    text: text('text').notNull(),
    categoryCode: text('category_code').notNull(),
    requestType: text('request_type'),
    areaCode: text('area_code'),
    unitId: text('unit_id'),
    orderId: bigint('order_id', { mode: 'number' }).references(() => orders.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('training_examples_key_idx').on(t.key),
    index('training_examples_order_idx').on(t.orderId),
    check('training_examples_source_check', inList('source', TRAINING_SOURCES)),
    check('training_examples_text_check', sql`length(${t.text}) between 1 and 4000`),
  ],
);

/** A trained text model; the newest row is the one every instance serves. */
export const classifierModels = pgTable(
  'classifier_models',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    trainedAt: timestamp('trained_at', { withTimezone: true }).notNull(),
    exampleCount: integer('example_count').notNull(),
    /** The largest training_examples.id the model has seen: a refresh is due when a newer one exists. */
    throughExampleId: bigint('through_example_id', { mode: 'number' }).notNull(),
    model: jsonb('model').notNull(),
  },
  (t) => [check('classifier_models_count_check', sql`${t.exampleCount} >= 0`)],
);

/** 小区、道路、楼宇、地标: a name people use for a place of the official tree. */
export const placeAliases = pgTable(
  'place_aliases',
  {
    name: text('name').notNull(),
    areaCode: text('area_code')
      .notNull()
      .references(() => areas.code),
    source: text('source').$type<AliasSource>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.name, t.areaCode] }),
    index('place_aliases_area_idx').on(t.areaCode),
    check('place_aliases_source_check', inList('source', ALIAS_SOURCES)),
    check('place_aliases_name_check', sql`length(${t.name}) between 2 and 40`),
  ],
);

/** One dispatch's vote that a name in its text is at the community it was sent to. */
export const placeAliasVotes = pgTable(
  'place_alias_votes',
  {
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id),
    name: text('name').notNull(),
    areaCode: text('area_code')
      .notNull()
      .references(() => areas.code),
    votedAt: timestamp('voted_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.name] }), index('place_alias_votes_name_idx').on(t.name)],
);
