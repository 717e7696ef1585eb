/**
 * 热点预警 (issue 18): the alerts the hotspot job raises and the orders each holds.
 * Kept apart from db/schema.ts; an alert points at its orders, never the other way.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, primaryKey, real, text, timestamp } from 'drizzle-orm/pg-core';
import { HOTSPOT_LEVELS, HOTSPOT_STATES, type HotspotLevel, type HotspotState } from '../server/core/hotspots.ts';
import { areas, inList, orders } from './schema.ts';

/**
 * One cluster: one matter in one place, raised once. Later orders of the same
 * matter and place within the window join it rather than raising another.
 */
export const hotspotAlerts = pgTable(
  'hotspot_alerts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    matterCode: text('matter_code').notNull(),
    areaCode: text('area_code')
      .notNull()
      .references(() => areas.code),
    level: text('level').$type<HotspotLevel>().notNull(),
    /** The first and the latest order's creation: the cluster's span. */
    firstAt: timestamp('first_at', { withTimezone: true }).notNull(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
    orderCount: integer('order_count').notNull(),
    /** Orders per window the place usually sees, when the alert was raised. */
    usualRate: real('usual_rate').notNull(),
    state: text('state').$type<HotspotState>().notNull().default('new'),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    handledBy: text('handled_by'),
    handledAt: timestamp('handled_at', { withTimezone: true }),
    note: text('note'),
  },
  (t) => [
    check('hotspot_alerts_state_check', inList('state', HOTSPOT_STATES)),
    check('hotspot_alerts_level_check', inList('level', HOTSPOT_LEVELS)),
    check('hotspot_alerts_count_check', sql`${t.orderCount} >= 1`),
    check('hotspot_alerts_handled_check', sql`(${t.state} = 'handled') = (${t.handledAt} is not null)`),
    index('hotspot_alerts_key_idx').on(t.matterCode, t.areaCode, t.lastAt),
    index('hotspot_alerts_raised_idx').on(t.raisedAt),
  ],
);

/** Which orders an alert holds: each order once per alert. */
export const hotspotAlertOrders = pgTable(
  'hotspot_alert_orders',
  {
    alertId: bigint('alert_id', { mode: 'number' })
      .notNull()
      .references(() => hotspotAlerts.id),
    orderId: bigint('order_id', { mode: 'number' })
      .notNull()
      .references(() => orders.id),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.orderId] }), index('hotspot_alert_orders_order_idx').on(t.orderId)],
);
