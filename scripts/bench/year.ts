/**
 * A year of a big city (issue 19): Tianjin's hotline takes about 10,000 requests a
 * day, so a year is about 3.6 million orders and tens of millions of events. This
 * bench writes such a year into its own database (BENCH_YEAR_ORDERS, default
 * 3,600,000; year-seed.ts), starts the service on it, and times the reads that a
 * year makes heavy (year-measure.ts), the sweep, and the size of every table.
 *
 * Alone: `node --expose-gc --import tsx scripts/bench/year.ts`; the database is kept
 * (hotline_bench_year on the bench's server) and reused by a later run with
 * BENCH_YEAR_REUSE=1 when it holds the same number of orders.
 * `npm run bench:seed-year` writes the year and stops there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { applyMigrations, connect } from '../../db/client.ts';
import { createUser } from '../../db/queries/users.ts';
import { tokenFor } from '../harness/service.ts';
import { root, withDatabase } from '../harness/cluster.ts';
import { benchDatabase, machine, startService } from './env.ts';
import { measureYear, sweepYear, tableSizes, type TableSize, type Timing, type YearSweep } from './year-measure.ts';
import { seedYear, type SeedResult } from './year-seed.ts';

export interface YearBench {
  orders: number;
  /** Null when an earlier run's database was reused. */
  seed: SeedResult | null;
  timings: Timing[];
  sweep: YearSweep;
  sizes: TableSize[];
  loadAverage: number;
}

const NAME = 'hotline_bench_year';
const OPERATOR = 'bench-year-operator-password';

/** The year's database on the server of `adminUrl`, written unless a complete one of the same size is there (BENCH_YEAR_REUSE=1). */
export async function yearDatabase(adminUrl: string, orders: number): Promise<{ url: string; seed: SeedResult | null }> {
  const url = withDatabase(adminUrl, NAME);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const mark = `year of ${orders} orders, complete`;
  try {
    if (process.env.BENCH_YEAR_REUSE === '1') {
      const [row] = await admin`select shobj_description(oid, 'pg_database') as note from pg_database where datname = ${NAME}`;
      if (row?.note === mark) {
        await applyMigrations(url);
        return { url, seed: null };
      }
    }
    await admin.unsafe(`drop database if exists ${NAME} with (force)`);
    await admin.unsafe(`create database ${NAME}`);
    await applyMigrations(url);
    const seed = await seedYear(url, { orders, now: new Date() });
    await admin.unsafe(`comment on database ${NAME} is '${mark}'`);
    return { url, seed };
  } finally {
    await admin.end();
  }
}

export async function benchYear(adminUrl: string, orders = Number(process.env.BENCH_YEAR_ORDERS ?? 3_600_000)): Promise<YearBench> {
  console.log(`year of ${orders.toLocaleString('en-US')} orders`);
  const { url, seed } = await yearDatabase(adminUrl, orders);
  if (seed) console.log(`  written in ${seed.seconds.toFixed(0)} s`);
  const sql = postgres(url, { max: 4, onnotice: () => {}, connection: { TimeZone: 'UTC' } });
  try {
    // Sizes first: what a year weighs, before the sweep adds its events.
    const sizes = await tableSizes(sql);
    for (const t of sizes.slice(0, 12))
      console.log(`  ${t.table}: ${t.rows} rows, ${t.tableMiB} MiB + ${t.indexMiB} MiB indexes = ${t.totalMiB} MiB`);
    const svc = await startService(url);
    let timings: Timing[];
    try {
      // Knowledge search is the operators' (the admin may not read it): one signs in for it.
      const db = connect(url, { max: 1 });
      try {
        const exists = await db.sql`select 1 from users where username = 'bench.year.op'`;
        if (exists.length === 0)
          await createUser(db.db, {
            username: 'bench.year.op',
            displayName: '话务员',
            unitId: 'hotline',
            roles: ['operator'],
            password: OPERATOR,
          });
      } finally {
        await db.close();
      }
      timings = await measureYear(sql, svc, await tokenFor(svc.base, 'bench.year.op', OPERATOR));
    } finally {
      await svc.stop();
    }
    const sweep = await sweepYear(sql);
    console.log(`  sweep: ${JSON.stringify(sweep)}`);
    const loadAverage = os.loadavg()[0]!;
    return { orders, seed, timings, sweep, sizes, loadAverage };
  } finally {
    await sql.end();
  }
}

const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export function printYear(y: YearBench): void {
  console.log(`\n| a year of ${f(y.orders)} orders | n | p50 | p99 | target (p99) | |`);
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const t of y.timings) {
    const ok = t.non2xx > 0 ? `${t.non2xx} non-2xx` : t.p99Ms <= t.targetMs ? 'met' : '**missed**';
    console.log(`| ${t.kind} | ${t.count} | ${f(t.p50Ms, 1)} ms | ${f(t.p99Ms, 1)} ms | < ${f(t.targetMs)} ms | ${ok} |`);
  }
  const s = y.sweep;
  console.log(
    `\nSweep with ${f(s.runningClocks)} running clocks: what came due since the load ${f(s.dueNow.clocks)} clocks in ${f(s.dueNow.ms)} ms; ` +
      `10,000 clocks set back a stage: ${f(s.reset.clocks)} clocks, ${f(s.reset.events)} events in ${f(s.reset.ms)} ms.`,
  );
  if (y.seed)
    console.log(
      `Written in ${f(y.seed.seconds)} s: ${Object.entries(y.seed.phases)
        .map(([k, v]) => `${k} ${f(v, 1)} s`)
        .join('; ')}.`,
    );
  console.log('\n| table | rows | table | indexes | total |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const t of y.sizes.filter((t) => t.totalMiB >= 1))
    console.log(`| ${t.table} | ${f(t.rows)} | ${f(t.tableMiB)} MiB | ${f(t.indexMiB)} MiB | ${f(t.totalMiB)} MiB |`);
  console.log(`\nLoad average at the end: ${f(y.loadAverage, 1)}; machine: ${machine()}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const db = await benchDatabase();
  try {
    const orders = Number(process.env.BENCH_YEAR_ORDERS ?? 3_600_000);
    if (process.argv.includes('--seed-only')) {
      const { url, seed } = await yearDatabase(db.adminUrl, orders);
      console.log(JSON.stringify({ url: url.replace(/\/\/[^@]*@/, '//…@'), seed }, null, 2));
    } else {
      const result = await benchYear(db.adminUrl, orders);
      fs.mkdirSync(path.join(root, 'bench'), { recursive: true });
      fs.writeFileSync(path.join(root, 'bench', `year-${orders}.json`), JSON.stringify(result, null, 2) + '\n');
      printYear(result);
    }
  } finally {
    await db.stop();
  }
}
