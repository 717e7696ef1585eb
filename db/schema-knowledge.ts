/**
 * The knowledge base (知识库, issue 15): entries the operators read out on the call
 * (一口清), each change a new version kept for ever, and which entries answered
 * which order. Kept apart from db/schema.ts, which holds the orders.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { KB_CHANGES, KB_MATERIAL_TYPES, KB_STATUSES, type KbChange, type KbMaterialType, type KbStatus } from '../server/core/lists.ts';
import { areas, inList, orderEvents, orders, units } from './schema.ts';

/** A tsvector, written as a literal built by server/core/knowledge-search.ts. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** 知识条目: the current version of each entry; its history is in kb_entry_versions. */
export const kbEntries = pgTable(
  'kb_entries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    title: text('title').notNull(),
    /** 一口清: the answer as the operator reads it out. */
    body: text('body').notNull(),
    keywords: text('keywords')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    synonyms: text('synonyms')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** A matter of the taxonomy (rules/matters/); not a foreign key, the taxonomy lives in files. */
    categoryCode: text('category_code'),
    /** 发文单位 and the policy the answer rests on. */
    issuer: text('issuer'),
    policyBasis: text('policy_basis'),
    materialType: text('material_type').$type<KbMaterialType>(),
    /** Where the answer holds; null: the whole service area. */
    areaCode: text('area_code').references(() => areas.code),
    effectiveFrom: date('effective_from', { mode: 'string' }),
    expiresOn: date('expires_on', { mode: 'string' }),
    status: text('status').$type<KbStatus>().notNull(),
    /** The unit whose editors keep the entry. */
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    /** The number of the latest version; every change adds one. */
    version: integer('version').notNull(),
    /** Sample data (the demo's knowledge base), never confused with the centre's own. */
    sample: boolean('sample').notNull().default(false),
    /** A 知识缺口 answered: the consultation whose reply became this draft. */
    sourceOrderId: bigint('source_order_id', { mode: 'number' }).references(() => orders.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    createdBy: text('created_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    updatedBy: text('updated_by').notNull(),
    /**
     * What search matches (migration 0017): the segmenter's words of the title (weight A),
     * keywords and synonyms (B) and body (C), written by the service with every change.
     */
    searchTokens: tsvector('search_tokens')
      .notNull()
      .default(sql`''::tsvector`),
  },
  (t) => [
    uniqueIndex('kb_entries_title_key').on(t.title),
    index('kb_entries_search_idx').using('gin', t.searchTokens),
    // Search reads only what is published; the list of the team reads by status.
    index('kb_entries_published_idx')
      .on(t.effectiveFrom, t.expiresOn)
      .where(sql`${t.status} = 'published'`),
    index('kb_entries_unit_idx').on(t.unitId, t.status),
    index('kb_entries_expires_idx').on(t.expiresOn),
    check('kb_entries_status_check', inList('status', KB_STATUSES)),
    check('kb_entries_material_type_check', inList('material_type', KB_MATERIAL_TYPES)),
    check('kb_entries_title_check', sql`length(${t.title}) between 1 and 128`),
    check('kb_entries_body_check', sql`length(${t.body}) between 1 and 8000`),
    check('kb_entries_dates_check', sql`${t.expiresOn} is null or ${t.effectiveFrom} is null or ${t.expiresOn} > ${t.effectiveFrom}`),
    check('kb_entries_version_check', sql`${t.version} >= 1`),
  ],
);

/** Every version of every entry, append-only (trigger in migration 0016): who changed what, and when. */
export const kbEntryVersions = pgTable(
  'kb_entry_versions',
  {
    entryId: bigint('entry_id', { mode: 'number' })
      .notNull()
      .references(() => kbEntries.id),
    version: integer('version').notNull(),
    change: text('change').$type<KbChange>().notNull(),
    /** The entry's fields as they stood after this change. */
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    note: text('note'),
  },
  (t) => [primaryKey({ columns: [t.entryId, t.version] }), check('kb_entry_versions_change_check', inList('change', KB_CHANGES))],
);

/** Which entries an operator read out for an order (直办, or a reply), for the hit rate and the most used. */
export const orderKbUses = pgTable(
  'order_kb_uses',
  {
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => orderEvents.id),
    entryId: bigint('entry_id', { mode: 'number' })
      .notNull()
      .references(() => kbEntries.id),
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id),
    /** The version read out. */
    version: integer('version').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.entryId] }),
    index('order_kb_uses_entry_idx').on(t.entryId, t.at),
    index('order_kb_uses_order_idx').on(t.orderId),
  ],
);
