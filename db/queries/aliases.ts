/**
 * Place aliases (place_aliases) and the dispatch votes they are learned from
 * (place_alias_votes). An alias resolves when it has a row; a `learned` row exists
 * exactly while the votes for its name agree (one area, at least the rules'
 * aliasVotes of them). A name voted for two areas is contested: its learned row
 * goes, and an imported or manual row then stands beside the voted areas, so the
 * name is ambiguous rather than wrong.
 */
import { and, eq, inArray, notInArray, sql as q } from 'drizzle-orm';
import type { Database, Sql } from '../client.ts';
import { areas, units } from '../schema.ts';
import { placeAliases, placeAliasVotes } from '../schema-understanding.ts';
import { badAliasName, recognizePlaceNames, type AliasRow } from '../../server/core/aliases.ts';
import type { Tx } from './actions.ts';
import { announceUnderstandingChanged } from './understanding.ts';

/**
 * The aliases that resolve now: every row; and for a contested name that has a
 * row or had enough votes to be learned, each area it was voted for, so that it
 * resolves to candidates (ambiguous) instead of to one of them.
 */
export async function activeAliases(sql: Sql, opts: { votes: number }): Promise<AliasRow[]> {
  const rows = await sql<{ name: string; area_code: string }[]>`
    with tally as (select name, area_code, count(*) as n from place_alias_votes group by name, area_code),
    contested as (
      select name from tally group by name
      having count(*) > 1 and (max(n) >= ${opts.votes} or name in (select name from place_aliases)))
    select name, area_code from place_aliases
    union
    select name, area_code from tally where name in (select name from contested)`;
  return rows.map((r) => ({ name: r.name, areaCode: r.area_code }));
}

/**
 * A dispatch (or redispatch) of an order says where it is: to a community, every
 * estate-like name in its text gets that community's vote; anywhere else, none.
 * Either way the order's earlier votes are replaced, never added to, so a
 * correction moves a vote instead of counting twice. Runs in the dispatch's
 * transaction; announces a change of the active aliases at its commit.
 */
export async function voteForAliases(
  tx: Tx,
  order: { id: number; content: string; locationText: string | null },
  unitId: string,
  opts: { at: Date; votes: number },
): Promise<void> {
  const [unit] = await tx.select({ level: units.level, areaCode: units.areaCode }).from(units).where(eq(units.id, unitId));
  const areaCode = unit?.level === 'community' ? unit.areaCode : null;
  const names = areaCode ? recognizePlaceNames(`${order.content} ${order.locationText ?? ''}`).filter((n) => !badAliasName(n)) : [];
  const before = await tx.select({ name: placeAliasVotes.name }).from(placeAliasVotes).where(eq(placeAliasVotes.orderId, order.id));
  const touched = [...new Set([...before.map((b) => b.name), ...names])].sort();
  if (touched.length === 0) return;

  // One name's votes are tallied by one transaction at a time (sorted, so two cannot deadlock).
  for (const name of touched) await tx.execute(q`select pg_advisory_xact_lock(hashtext(${`place_alias:${name}`}))`);
  await tx
    .delete(placeAliasVotes)
    .where(and(eq(placeAliasVotes.orderId, order.id), names.length ? notInArray(placeAliasVotes.name, names) : undefined));
  if (areaCode && names.length) {
    await tx
      .insert(placeAliasVotes)
      .values(names.map((name) => ({ orderId: order.id, name, areaCode, votedAt: opts.at })))
      .onConflictDoUpdate({
        target: [placeAliasVotes.orderId, placeAliasVotes.name],
        set: { areaCode: q`excluded.area_code`, votedAt: q`excluded.voted_at` },
      });
  }

  const [result] = await tx.execute<{ removed: number; added: number; official: number; contested: number }>(q`
    with touched as (select jsonb_array_elements_text(${JSON.stringify(touched)}::jsonb) as name),
    per_area as (
      select v.name, v.area_code, count(*) as n from place_alias_votes v join touched t using (name) group by v.name, v.area_code),
    tally as (
      select name, count(*) as areas, min(area_code) as area_code, max(n) as top, sum(n) as n from per_area group by name),
    agreed as (select name, area_code from tally where areas = 1 and n >= ${opts.votes}),
    removed as (
      delete from place_aliases a using touched t
      where a.name = t.name and a.source = 'learned'
        and not exists (select 1 from agreed g where g.name = a.name and g.area_code = a.area_code)
      returning 1),
    added as (
      insert into place_aliases (name, area_code, source, created_at)
      select name, area_code, 'learned', ${opts.at.toISOString()}::timestamptz from agreed
      on conflict (name, area_code) do nothing
      returning 1)
    select (select count(*) from removed)::int as removed, (select count(*) from added)::int as added,
      (select count(*) from place_aliases a join touched t using (name) where a.source <> 'learned')::int as official,
      (select count(*) from tally where areas > 1 and top >= ${opts.votes})::int as contested`);
  // A contest changes what a name resolves to (candidates) even when no row changed: announce that too.
  const r = result!;
  if (r.removed + r.added + r.official + r.contested > 0) await announceUnderstandingChanged(tx, 'aliases');
}

export interface ImportCounts {
  added: number;
  alreadyThere: number;
  unknownArea: { line: number; areaCode: string }[];
}

/** Imported aliases (a civil-affairs list): each row once, however often imported; unknown areas refused. */
export async function importAliases(
  db: Database,
  rows: { line: number; name: string; areaCode: string }[],
  opts: { at: Date; source?: 'imported' | 'manual' },
): Promise<ImportCounts> {
  return db.transaction(async (tx) => {
    const known = new Set<string>();
    const codes = [...new Set(rows.map((r) => r.areaCode))];
    for (let i = 0; i < codes.length; i += 5000) {
      const found = await tx
        .select({ code: areas.code })
        .from(areas)
        .where(inArray(areas.code, codes.slice(i, i + 5000)));
      for (const f of found) known.add(f.code);
    }
    const unknownArea = rows.filter((r) => !known.has(r.areaCode)).map((r) => ({ line: r.line, areaCode: r.areaCode }));
    const valid = rows.filter((r) => known.has(r.areaCode));
    let added = 0;
    for (let i = 0; i < valid.length; i += 2000) {
      const inserted = await tx
        .insert(placeAliases)
        .values(
          valid
            .slice(i, i + 2000)
            .map((r) => ({ name: r.name, areaCode: r.areaCode, source: opts.source ?? 'imported', createdAt: opts.at })),
        )
        .onConflictDoNothing()
        .returning({ name: placeAliases.name });
      added += inserted.length;
    }
    if (added > 0) await announceUnderstandingChanged(tx, 'aliases');
    return { added, alreadyThere: valid.length - added, unknownArea };
  });
}
