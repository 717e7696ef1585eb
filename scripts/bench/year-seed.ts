/**
 * Writes a year of a big city's hotline into a migrated database: the Tianjin tree
 * and its units as the service loads them, 10,000 knowledge entries, then the
 * orders in chunks (year-plan.ts, year-rows.ts), all in set-based SQL.
 *
 * Loaded the way pg_restore loads a dump: the rows first, then the secondary
 * indexes, foreign keys and insert triggers of the tables written (pg_dump's
 * "post-data"), each re-created from its own definition as read from the catalog
 * before the load, so the database ends exactly as the migrations left it. Primary
 * keys stay throughout. The computed columns the triggers would have set
 * (order_clocks.unit_path) are written by the load itself; the foreign keys are
 * validated when re-added.
 */
import postgres from 'postgres';
import { connect, type Sql } from '../../db/client.ts';
import { loadDivisions } from '../../db/divisions.ts';
import { syncDepartmentUnits } from '../../db/queries/units.ts';
import { createClassifier } from '../../server/rules/classifier.ts';
import { loadRules } from '../../server/rules/load.ts';
import { kbServiceFor } from '../kb-service.ts';
import { generatedEntries } from './kb.ts';
import { writeLadder } from './year-ladder.ts';
import { dayShare, planFunctions, writePlan, type PlanParams } from './year-plan.ts';
import { writeEvents } from './year-events.ts';
import { writeChannels, writeClocks, writeOrders, writeStageEvents, writeState } from './year-rows.ts';

const LOADED = ['orders', 'order_events', 'order_clocks', 'order_kb_uses', 'calls', 'inbound_messages'];
const DAY = 86_400_000;
/** The loader's session: memory for its sorts, plan tables and index builds. */
const SESSION = {
  TimeZone: 'UTC',
  temp_buffers: '512MB',
  work_mem: '128MB',
  maintenance_work_mem: '512MB',
  application_name: 'bench-year',
};
const BEIJING = 8 * 3_600_000;

export interface SeedResult {
  orders: number;
  seconds: number;
  phases: Record<string, number>;
  now: string;
  start: string;
}

/** What pg_dump would put in post-data for the loaded tables, read before they are dropped. */
async function postData(sql: Sql) {
  const indexes = await sql<{ name: string; def: string }[]>`
    select c.relname as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
    where t.relname in ${sql(LOADED)} and t.relnamespace = 'public'::regnamespace
      and not i.indisprimary and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`;
  const keys = await sql<{ name: string; table: string; def: string }[]>`
    select k.conname as name, t.relname as table, pg_get_constraintdef(k.oid) as def
    from pg_constraint k join pg_class t on t.oid = k.conrelid
    where k.contype = 'f' and t.relname in ${sql(LOADED)} and t.relnamespace = 'public'::regnamespace`;
  // Row triggers on INSERT (tgtype bit 2) or statement ones fired by inserts: the notify and unit-path triggers.
  const triggers = await sql<{ name: string; table: string }[]>`
    select g.tgname as name, t.relname as table
    from pg_trigger g join pg_class t on t.oid = g.tgrelid
    where not g.tgisinternal and g.tgenabled <> 'D' and (g.tgtype & 4) = 4 and t.relname in ${sql(LOADED)}`;
  return { indexes, keys, triggers };
}

export async function seedYear(
  url: string,
  opts: { orders: number; now: Date; chunk?: number; log?: (m: string) => void },
): Promise<SeedResult> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const started = performance.now();
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    phases[name] = Math.round((performance.now() - mark) / 100) / 10;
    mark = performance.now();
    log(`  ${name}: ${phases[name]} s`);
  };
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: SESSION });
  try {
    const rules = loadRules();
    await loadDivisions(sql, '12');
    await syncDepartmentUnits(sql, rules.departments);
    await sql`analyze areas`;
    await sql`analyze units`;
    phase('area tree and units');

    const db = connect(url, { max: 2 });
    try {
      await kbServiceFor(db).importEntries(generatedEntries(Number(process.env.BENCH_YEAR_KB_ENTRIES ?? 10_000)), { actor: 'bench' });
    } finally {
      await db.close();
    }
    const kbIds = (await sql<{ id: string }[]>`select id from kb_entries where status = 'published' order by id limit 2000`).map((r) =>
      Number(r.id),
    );
    phase('knowledge entries');

    // The real classifier's reading of one example per matter: each order's classification has its shape and size.
    const classifier = await createClassifier(sql, { rules });
    const cats = rules.categories.filter((c) => c.examples.length > 0 && rules.routes.has(c.code));
    // A fixed shuffle: popularity (the power law of year-plan.ts) is not the order of the files.
    const ranked = cats.map((c, i) => ({ c, k: (i * 7919) % 1009 })).sort((a, b) => a.k - b.k);
    await sql`drop table if exists year_cats`;
    await sql`create unlogged table year_cats (n int primary key, code text, owner text, dept text, ex text[], template jsonb)`;
    for (const [n, { c }] of ranked.entries()) {
      const route = rules.routes.get(c.code)!;
      const reading = classifier.classify(c.examples[0]!) as unknown as Record<string, unknown>;
      await sql`insert into year_cats values (${n + 1}, ${c.code}, ${route.owner}, ${route.department ?? null}, ${c.examples}::text[],
        ${sql.json({ ...reading, category: { code: c.code, name: c.name } } as never)})`;
    }
    await sql`drop table if exists year_places`;
    await sql`
      create unlogged table year_places as
      select row_number() over (order by c.code)::int as n, c.code as community, s.code as street, d.code as district,
        c.name as cname, s.name as sname, d.name as dname
      from areas c join areas s on s.code = c.parent_code join areas d on d.code = s.parent_code
      where c.level = 'community' and d.level = 'district'`;
    await sql`create unique index on year_places (n)`;
    const [{ places }] = (await sql`select count(*)::int as places from year_places`) as unknown as [{ places: number }];

    const now = opts.now;
    const todayStart = Math.floor((now.getTime() + BEIJING) / DAY) * DAY - BEIJING;
    const start = new Date(todayStart - 365 * DAY);
    const p: PlanParams = {
      orders: opts.orders,
      start,
      now,
      dayUnits: 365 + dayShare((now.getTime() - todayStart) / 1000),
      places,
      categories: ranked.length,
    };
    const ladder = await writeLadder(sql, start, now);
    phase(`classification templates, ${places} places, ${ladder} clock ladders`);

    const post = await postData(sql);
    for (const i of post.indexes) await sql.unsafe(`drop index "${i.name}"`);
    for (const k of post.keys) await sql.unsafe(`alter table "${k.table}" drop constraint "${k.name}"`);
    for (const t of post.triggers) await sql.unsafe(`alter table "${t.table}" disable trigger "${t.name}"`);
    // Two loaders (the machine's cores), each on its own connection with its own plan tables, taking chunks in turn.
    const chunk = opts.chunk ?? 20_000;
    let next = 1;
    let analyzed = false;
    const worker = async (w: number) => {
      const conn = postgres(url, { max: 1, onnotice: () => {}, connection: SESSION });
      try {
        await planFunctions(conn, p);
        await conn`select setseed(${0.19 + w / 10})`;
        for (;;) {
          const a = next;
          if (a > opts.orders) return;
          next += chunk;
          const b = Math.min(opts.orders, a + chunk - 1);
          const t0 = performance.now();
          const steps: string[] = [];
          let t = performance.now();
          const step = async (name: string, fn: () => Promise<unknown>) => {
            await fn();
            steps.push(`${name} ${((performance.now() - t) / 1000).toFixed(1)}`);
            t = performance.now();
          };
          await step('plan', () => writePlan(conn, p, a, b));
          await step('state', () => writeState(conn));
          await conn.begin(async (tx) => {
            const q = tx as unknown as Sql;
            await step('orders', () => writeOrders(q));
            await step('events', () => writeEvents(q, kbIds));
            await step('clocks', () => writeClocks(q));
            await step('warnings', () => writeStageEvents(q, a, b));
            await step('calls', () => writeChannels(q));
          });
          // The loaded tables' statistics, once there is something to count: later chunks join to them.
          if (!analyzed) {
            analyzed = true;
            for (const table of LOADED) await conn.unsafe(`analyze "${table}"`);
          }
          log(
            `  orders ${a.toLocaleString('en-US')}–${b.toLocaleString('en-US')}: ${((performance.now() - t0) / 1000).toFixed(1)} s (${steps.join(', ')})`,
          );
        }
      } finally {
        await conn.end();
      }
    };
    await Promise.all([0, 1].map(worker));
    phase('rows');

    // As a restore does: the sequences past the rows, then post-data.
    await sql`select setval(pg_get_serial_sequence('orders', 'id'), ${opts.orders})`;
    await sql`select setval('order_number_seq', ${opts.orders})`;
    // The indexes on two connections (as pg_restore --jobs=2 would), the largest tables' apart.
    const onEvents = post.indexes.filter((i) => / ON public\.order_(events|clocks) /.test(i.def));
    const rest = post.indexes.filter((i) => !onEvents.includes(i));
    await Promise.all(
      [onEvents, rest].map(async (list) => {
        const conn = postgres(url, { max: 1, onnotice: () => {}, connection: SESSION });
        try {
          for (const i of list) await conn.unsafe(i.def);
        } finally {
          await conn.end();
        }
      }),
    );
    phase(`${post.indexes.length} indexes`);
    for (const k of post.keys) await sql.unsafe(`alter table "${k.table}" add constraint "${k.name}" ${k.def}`);
    for (const t of post.triggers) await sql.unsafe(`alter table "${t.table}" enable trigger "${t.name}"`);
    phase(`${post.keys.length} foreign keys validated, ${post.triggers.length} triggers enabled`);
    for (const table of [...LOADED, 'kb_entries', 'kb_entry_versions']) await sql.unsafe(`vacuum (analyze) "${table}"`);
    phase('vacuum analyze');
    for (const table of ['year_cats', 'year_places', 'year_ladder', 'year_combos']) await sql.unsafe(`drop table if exists ${table}`);
    return {
      orders: opts.orders,
      seconds: (performance.now() - started) / 1000,
      phases,
      now: now.toISOString(),
      start: start.toISOString(),
    };
  } finally {
    await sql.end();
  }
}
