/**
 * The knowledge base's SQL: entries (kb_entries, the current version), their
 * append-only versions (kb_entry_versions) and search. Every change is written by
 * the service as updateKbEntry/insertKbEntry + insertKbVersion in one transaction.
 * Search ranks in memory (server/core/knowledge-index.ts) over the tsvector the
 * service computed and stores here; the database only feeds the index (rows and
 * kb_changed notices) and answers the trigram fallback.
 */
import { and, asc, desc, eq, getTableColumns, gt, ilike, lt, ne, sql as q, type SQL } from 'drizzle-orm';
import { DomainError } from '../../server/core/errors.ts';
import { inForceOn, type KbEntry } from '../../server/core/knowledge.ts';
import type { IndexedEntry } from '../../server/core/knowledge-index.ts';
import type { KbChange, KbStatus } from '../../server/core/lists.ts';
import type { Database, Sql } from '../client.ts';
import { areas } from '../schema.ts';
import { kbEntries, kbEntryVersions } from '../schema-knowledge.ts';
import type { Tx } from './actions.ts';

type Reader = Database | Tx;

// Every column but the search tokens, which only search reads.
const { searchTokens: _tokens, ...entryColumns } = getTableColumns(kbEntries);

export type NewKbEntry = Omit<KbEntry, 'id'> & { searchTokens: string };

/** The SQLSTATE and constraint of a driver error, also when drizzle wraps it. */
function pgError(err: unknown): { code?: string; constraint?: string } {
  const e = err as { code?: string; constraint_name?: string; cause?: { code?: string; constraint_name?: string } };
  const source = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e : e?.cause;
  return { code: source?.code, constraint: source?.constraint_name };
}

/** A title taken between the service's check and the write (two editors at once) is still a 409. */
function refusal(err: unknown, title: string): unknown {
  const { code, constraint } = pgError(err);
  if (code === '23505' && constraint === 'kb_entries_title_key')
    return new DomainError('KB_TITLE_TAKEN', `已有标题为“${title}”的知识条目`, { field: 'title' });
  if (code === '23503' && constraint?.includes('area')) return new DomainError('UNKNOWN_AREA', '区域代码不存在', { field: 'areaCode' });
  return err;
}

export async function insertKbEntry(tx: Tx, row: NewKbEntry): Promise<KbEntry> {
  try {
    const [created] = await tx.insert(kbEntries).values(row).returning(entryColumns);
    return created as KbEntry;
  } catch (err) {
    throw refusal(err, row.title);
  }
}

/** The entry's new current version (the caller has locked it and counted the version). */
export async function updateKbEntry(tx: Tx, id: number, row: Partial<NewKbEntry>): Promise<KbEntry> {
  try {
    const [updated] = await tx.update(kbEntries).set(row).where(eq(kbEntries.id, id)).returning(entryColumns);
    return updated as KbEntry;
  } catch (err) {
    throw refusal(err, row.title ?? '');
  }
}

export async function insertKbVersion(
  tx: Tx,
  v: {
    entryId: number;
    version: number;
    change: KbChange;
    snapshot: Record<string, unknown>;
    actor: string;
    at: Date;
    note?: string | null;
  },
): Promise<void> {
  await tx.insert(kbEntryVersions).values({ ...v, note: v.note ?? null });
}

/** The entry, locked until the transaction ends: two changes to one entry queue. */
export async function loadKbEntryForUpdate(tx: Tx, id: number): Promise<KbEntry | undefined> {
  const [row] = await tx.select(entryColumns).from(kbEntries).where(eq(kbEntries.id, id)).for('update');
  return row as KbEntry | undefined;
}

export async function loadKbEntry(db: Reader, id: number): Promise<KbEntry | undefined> {
  const [row] = await db.select(entryColumns).from(kbEntries).where(eq(kbEntries.id, id));
  return row as KbEntry | undefined;
}

/** The entry of a title, locked (an import finds its line's entry by title). */
export async function loadKbEntryByTitleForUpdate(tx: Tx, title: string): Promise<KbEntry | undefined> {
  const [row] = await tx.select(entryColumns).from(kbEntries).where(eq(kbEntries.title, title)).for('update');
  return row as KbEntry | undefined;
}

/** Another entry already has this title. */
export async function kbTitleTaken(tx: Reader, title: string, exceptId?: number): Promise<boolean> {
  const where = exceptId === undefined ? eq(kbEntries.title, title) : and(eq(kbEntries.title, title), ne(kbEntries.id, exceptId));
  const [row] = await tx.select({ id: kbEntries.id }).from(kbEntries).where(where).limit(1);
  return row !== undefined;
}

export async function areaKnown(tx: Reader, code: string): Promise<boolean> {
  const [row] = await tx.select({ code: areas.code }).from(areas).where(eq(areas.code, code));
  return row !== undefined;
}

export type KbVersionRow = typeof kbEntryVersions.$inferSelect;

/** Every version of an entry, oldest first. */
export async function listKbVersions(db: Reader, entryId: number): Promise<KbVersionRow[]> {
  return db.select().from(kbEntryVersions).where(eq(kbEntryVersions.entryId, entryId)).orderBy(asc(kbEntryVersions.version));
}

export async function loadKbVersion(db: Reader, entryId: number, version: number): Promise<KbVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(kbEntryVersions)
    .where(and(eq(kbEntryVersions.entryId, entryId), eq(kbEntryVersions.version, version)));
  return row;
}

export interface KbListFilter {
  status?: KbStatus;
  unitId?: string;
  /** Part of the title. */
  q?: string;
  afterId?: number;
  limit: number;
}

/** The knowledge team's list: newest change first is less useful than a stable order, so by id. */
export async function listKbEntries(db: Reader, f: KbListFilter): Promise<KbEntry[]> {
  const where: (SQL | undefined)[] = [
    f.status ? eq(kbEntries.status, f.status) : undefined,
    f.unitId ? eq(kbEntries.unitId, f.unitId) : undefined,
    f.q ? ilike(kbEntries.title, `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
    f.afterId ? gt(kbEntries.id, f.afterId) : undefined,
  ];
  const rows = await db
    .select(entryColumns)
    .from(kbEntries)
    .where(and(...where))
    .orderBy(asc(kbEntries.id))
    .limit(f.limit);
  return rows as KbEntry[];
}

/** Every entry, by id: the export. */
export async function listAllKbEntries(db: Reader): Promise<KbEntry[]> {
  return (await db.select(entryColumns).from(kbEntries).orderBy(asc(kbEntries.id))) as KbEntry[];
}

/** Published entries whose expiry falls in [from, to), soonest first; one unit's or all. */
export async function listExpiringKbEntries(db: Reader, f: { from: string; to: string; unitId: string | null }): Promise<KbEntry[]> {
  const rows = await db
    .select(entryColumns)
    .from(kbEntries)
    .where(
      and(
        eq(kbEntries.status, 'published'),
        q`${kbEntries.expiresOn} >= ${f.from}`,
        lt(kbEntries.expiresOn, f.to),
        f.unitId ? eq(kbEntries.unitId, f.unitId) : undefined,
      ),
    )
    .orderBy(asc(kbEntries.expiresOn), asc(kbEntries.id));
  return rows as KbEntry[];
}

/** Published entries whose expiry has come: the sweep marks them expired. */
export async function listDueToExpireKbEntries(db: Reader, day: string): Promise<number[]> {
  const rows = await db
    .select({ id: kbEntries.id })
    .from(kbEntries)
    .where(and(eq(kbEntries.status, 'published'), q`${kbEntries.expiresOn} <= ${day}`))
    .orderBy(desc(kbEntries.id));
  return rows.map((r) => r.id);
}

/** An entry as the search index holds it: what a hit shows, what inForceOn asks, and its stored tsvector as text. */
export interface KbIndexRow extends IndexedEntry {
  tokens: string;
}

const indexColumns = (sql: Sql) => sql`
  e.id::int as id, e.title, e.body, e.material_type as "materialType", e.issuer, e.category_code as "categoryCode",
  e.area_code as "areaCode", e.version, e.updated_at as "updatedAt", e.status,
  e.effective_from::text as "effectiveFrom", e.expires_on::text as "expiresOn", e.search_tokens::text as tokens`;

/** Every published entry, for the search index (the rest can never be in force). */
export async function listKbIndexRows(sql: Sql): Promise<KbIndexRow[]> {
  return sql<KbIndexRow[]>`select ${indexColumns(sql)} from kb_entries e where e.status = 'published' order by e.id`;
}

/** These entries as they are now, whatever their status (a missing id has no row). */
export async function loadKbIndexRows(sql: Sql, ids: number[]): Promise<KbIndexRow[]> {
  if (ids.length === 0) return [];
  return sql<KbIndexRow[]>`select ${indexColumns(sql)} from kb_entries e where e.id = any(${ids}::bigint[])`;
}

/**
 * `kb_changed`: an entry changed (payload: its id); every instance reloads it into its
 * search index. Sent in the change's transaction, so it arrives once the change is visible.
 */
export const KB_CHANGED = 'kb_changed';

/** `all`: many entries changed at once (an import): every instance rebuilds its index in one read. */
export async function announceKbChanged(tx: Tx, id: number | 'all'): Promise<void> {
  await tx.execute(q`select pg_notify(${KB_CHANGED}, ${String(id)})`);
}

/**
 * Calls `onChange` with the id of every notice, and with null each time the LISTEN
 * connection is back after a loss (notices sent meanwhile are lost: reload everything).
 */
export async function listenKbChanged(sql: Sql, onChange: (id: number | null) => void): Promise<() => Promise<void>> {
  let listening = false;
  const { unlisten } = await sql.listen(
    KB_CHANGED,
    (payload) => {
      const id = Number(payload);
      onChange(Number.isSafeInteger(id) ? id : null);
    },
    () => (listening ? onChange(null) : (listening = true)),
  );
  return unlisten;
}

/**
 * Titles sharing enough trigrams with the question (pg_trgm's `%>`, its GIN index), most
 * similar first: the search's fallback when no word of the question is indexed. Not
 * filtered: the index keeps only what is published and applies inForceOn to these.
 */
export async function kbTitlesByTrigram(sql: Sql, text: string, limit: number): Promise<{ id: number; score: number }[]> {
  const rows = await sql<{ id: number; score: number }[]>`
    select e.id::int as id, word_similarity(e.title, ${text})::float8 as score
    from kb_entries e where e.title %> ${text}
    order by score desc, e.id limit ${limit}`;
  return rows.map((r) => ({ id: Number(r.id), score: r.score }));
}

/**
 * PostgreSQL's own ts_rank of these entries for a tsquery (weights as search ranks, length
 * normalised): what the in-memory ranking is checked against (test/kb-search.test.ts).
 */
export async function tsRankOfKbEntries(sql: Sql, query: string, ids: number[]): Promise<Map<number, number>> {
  const rows = await sql<{ id: number; score: number }[]>`
    select e.id::int as id, ts_rank('{0.05, 0.2, 0.5, 1.0}'::float4[], e.search_tokens, ${query}::tsquery, 1)::float8 as score
    from kb_entries e where e.id = any(${ids}::bigint[])`;
  return new Map(rows.map((r) => [Number(r.id), r.score]));
}

/** Of these ids, those in force on the day for the areas (the rule is the core's inForceOn). */
export async function kbEntriesInForce(sql: Sql, ids: number[], s: { day: string; areas: string[] | null }): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await sql<Pick<KbIndexRow, 'id' | 'status' | 'effectiveFrom' | 'expiresOn' | 'areaCode'>[]>`
    select e.id::int as id, e.status, e.effective_from::text as "effectiveFrom", e.expires_on::text as "expiresOn",
           e.area_code as "areaCode"
    from kb_entries e where e.id = any(${ids}::bigint[])`;
  return new Set(rows.filter((r) => inForceOn(r, s.day, s.areas)).map((r) => Number(r.id)));
}
