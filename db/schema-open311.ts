/**
 * Open311 GeoReport v2 (issue 19): the clients allowed to post service requests.
 * Kept apart from db/schema.ts, which holds the orders; the orders such a client
 * makes are ordinary orders of the `open311` channel.
 */
import { bigint, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * 接入方: one row per registered client (a city's app, FixMyStreet, …). The api_key
 * is kept only as its SHA-256: the key is printed once by `npm run open311:client`
 * and a leaked table reveals none. A disabled client is refused (403) at once.
 */
export const open311Clients = pgTable(
  'open311_clients',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** Hex SHA-256 of the api_key. */
    keyHash: text('key_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('open311_clients_key_hash_idx').on(t.keyHash), uniqueIndex('open311_clients_name_idx').on(t.name)],
);
