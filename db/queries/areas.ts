/**
 * The official division tree (areas), read whole for the classifier's place index.
 *
 * Query style of db/queries: set-based and hand-written queries are postgres.js
 * tagged templates; the drizzle builder only for plain row CRUD; never drizzle's
 * relational `db.query` API (one way to read a query, and the SQL is what runs).
 */
import type { Sql } from '../client.ts';
import type { Level } from '../../server/core/places.ts';

export interface AreaRow {
  code: string;
  name: string;
  level: Level;
  parent_code: string | null;
}

/**
 * Every area, parents before their children (city, district, street, community;
 * by code within a level), in batches through a cursor: the country's 620,000
 * villages never sit in memory as rows at once.
 */
export async function* areasParentsFirst(sql: Sql, batch = 5000): AsyncGenerator<AreaRow[]> {
  const query = sql<AreaRow[]>`
    select code, name, level, parent_code from areas
    order by case level when 'city' then 0 when 'district' then 1 when 'street' then 2 else 3 end, code`;
  for await (const rows of query.cursor(batch)) yield rows;
}

/** The areas directly under `parentCode` (the top of the tree when null), by code, each saying whether it has children of its own. */
export async function childAreas(sql: Sql, parentCode: string | null): Promise<(AreaRow & { has_children: boolean })[]> {
  return sql<(AreaRow & { has_children: boolean })[]>`
    select a.code, a.name, a.level, a.parent_code,
      exists (select 1 from areas c where c.parent_code = a.code) as has_children
    from areas a
    where ${parentCode === null ? sql`a.parent_code is null` : sql`a.parent_code = ${parentCode}`}
    order by a.code`;
}
