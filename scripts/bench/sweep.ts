/**
 * The deadline sweep against 1,000,000 and 10,000 open orders, 1% of whose clocks
 * are due: its cost should follow what is due, not what is open.
 *
 * Measured against a floor: the same event rows and the same clock updates, written
 * by one transaction of two set-based statements that know the answer in advance
 * (no finding what is due, no stage arithmetic, no locks to skip). The floor's rows
 * are what the sweep itself wrote in the run before, copied aside, and each timed
 * step starts from the same freshly reset and vacuumed set of due clocks.
 */
import postgres from 'postgres';
import type { Sql } from '../../db/client.ts';
import { loadDivisions } from '../../db/divisions.ts';
import { sweepDueClocks } from '../../server/jobs/sweeper.ts';
import { seedClaimClocks } from '../harness/claim-clocks.ts';
import { scratchDatabase } from './env.ts';

export interface SweepBench {
  openOrders: number;
  due: number;
  /** The sweep as the service runs it (two workers sharing the due rows), median of the runs. */
  sweepMs: number;
  /** The same sweep with one worker: the floor's one connection against the sweep's logic alone. */
  oneWorkerMs: number;
  eventsPerSweep: number;
  /** The same writes as one transaction of set-based statements (median of the runs). */
  floorMs: number;
  /** sweepMs ÷ floorMs: what finding and computing the work costs on top of writing it. */
  overFloor: number;
  /** oneWorkerMs ÷ floorMs: the same without the second worker's parallelism. */
  oneWorkerOverFloor: number;
  runs: number;
  /** Every run's time, in the order run: on a shared machine the spread says how far to trust a median. */
  samplesMs: { sweep: number[]; floor: number[]; oneWorker: number[] };
  seedSeconds: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The seeded due clocks back to "nothing fired", with the dead rows of the last step gone. */
async function resetDue(sql: Sql): Promise<void> {
  await sql`update order_clocks set fired_stage = -1, next_at = stage_at[1] where order_id % 100 = 0`;
  await sql`vacuum analyze order_clocks`;
}

/** One transaction: the events and the clock moves a sweep made, from the copies set aside. */
async function floorWrite(sql: Sql): Promise<{ events: number; clocks: number }> {
  return sql.begin(async (tx) => {
    // The cheapest way to these rows: each clock by its key, never a scan of every clock
    // (which the planner may prefer at a million, and which the sweep must not need either).
    await tx`set local enable_seqscan = off`;
    const events = await tx`
      insert into order_events (order_id, at, actor, action, from_status, to_status, unit_id, reason, payload)
      select order_id, at, actor, action, from_status, to_status, unit_id, reason, payload from bench_floor_events order by seq`;
    const clocks = await tx`
      update order_clocks c set fired_stage = f.fired_stage, next_at = f.next_at
      from bench_floor_clocks f where c.order_id = f.order_id and c.kind = f.kind`;
    return { events: events.count, clocks: clocks.count };
  });
}

export async function benchSweep(adminUrl: string, openOrders: number, runs = 5): Promise<SweepBench> {
  const name = `hotline_bench_sweep_${openOrders}`;
  const { url, drop } = await scratchDatabase(adminUrl, name);
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  try {
    await loadDivisions(sql, '12');
    const now = new Date('2026-11-24T06:00:00Z');
    const due = Math.round(openOrders / 100);
    const started = performance.now();
    // 1% of the clocks are due now; the rest not for half a day.
    await seedClaimClocks(sql, { orders: openOrders, now, dueEvery: 100 });
    await sql`vacuum analyze order_clocks`;
    await sql`vacuum analyze orders`;
    const seedSeconds = (performance.now() - started) / 1000;
    const sweeps: number[] = [];
    const floors: number[] = [];
    const single: number[] = [];
    let events = 0;
    for (let r = 0; r < runs; r++) {
      // Put the same 1% back to "due" so every run sweeps the same work.
      await resetDue(sql);
      const [mark] = await sql<{ last: string }[]>`select coalesce(max(id), 0)::text as last from order_events`;
      const t0 = performance.now();
      const result = await sweepDueClocks(sql, now);
      sweeps.push(performance.now() - t0);
      events = result.events;
      if (result.clocks !== due) throw new Error(`swept ${result.clocks} clocks, expected ${due}`);
      // What this sweep wrote, set aside for the floor (in the order it wrote it).
      await sql`drop table if exists bench_floor_events, bench_floor_clocks`;
      await sql`
        create table bench_floor_events as
        select id as seq, order_id, at, actor, action, from_status, to_status, unit_id, reason, payload
        from order_events where id > ${mark!.last}::bigint`;
      await sql`create table bench_floor_clocks as select order_id, kind, fired_stage, next_at from order_clocks where order_id % 100 = 0`;
      await sql`analyze bench_floor_events`;
      await sql`analyze bench_floor_clocks`;

      await resetDue(sql);
      const t1 = performance.now();
      const floor = await floorWrite(sql);
      floors.push(performance.now() - t1);
      if (floor.events !== events || floor.clocks !== due) {
        throw new Error(`floor wrote ${floor.events} events and ${floor.clocks} clocks, the sweep ${events} and ${due}`);
      }

      await resetDue(sql);
      const t2 = performance.now();
      const one = await sweepDueClocks(sql, now, { workers: 1 });
      single.push(performance.now() - t2);
      if (one.clocks !== due || one.events !== events) throw new Error(`one worker swept ${one.clocks} clocks, expected ${due}`);
    }
    const sweepMs = median(sweeps);
    const floorMs = median(floors);
    const oneWorkerMs = median(single);
    return {
      openOrders,
      due,
      sweepMs,
      oneWorkerMs,
      eventsPerSweep: events,
      floorMs,
      overFloor: sweepMs / floorMs,
      oneWorkerOverFloor: oneWorkerMs / floorMs,
      runs,
      samplesMs: { sweep: sweeps, floor: floors, oneWorker: single },
      seedSeconds,
    };
  } finally {
    await sql.end();
    await drop();
  }
}

/** The table of sweeps for the bench report: each against its floor, and the big one's cost per clock against the small one's. */
export function printSweeps(sweeps: SweepBench[]): void {
  const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    `\n| open orders | due clocks (1%) | sweep, 2 workers (median of ${sweeps[0]?.runs ?? 0}) | floor: same writes, 1 transaction | **sweep ÷ floor** | sweep, 1 worker | 1 worker ÷ floor | per due clock |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const w of sweeps) {
    console.log(
      `| ${f(w.openOrders)} | ${f(w.due)} | ${f(w.sweepMs)} ms | ${f(w.floorMs)} ms | **${f(w.overFloor, 2)}** | ${f(w.oneWorkerMs)} ms | ${f(w.oneWorkerOverFloor, 2)} | ${f((w.sweepMs * 1000) / w.due)} µs |`,
    );
  }
  const growth = sweepGrowth(sweeps);
  if (growth !== null)
    console.log(`\nPer due clock, largest ÷ smallest open set: **${f(growth, 2)}** (goal ≤ 1.5); sweep ÷ floor goal ≤ 1.3.`);
}

/** Per-due-clock cost of the sweep at the most open orders ÷ at the fewest (null with one size). */
export function sweepGrowth(sweeps: SweepBench[]): number | null {
  if (sweeps.length < 2) return null;
  const by = [...sweeps].sort((a, b) => a.openOrders - b.openOrders);
  const per = (w: SweepBench) => w.sweepMs / w.due;
  return per(by.at(-1)!) / per(by[0]!);
}

// `node --import tsx scripts/bench/sweep.ts`: the sweeps alone (BENCH_SWEEP_ORDERS for the big one).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { benchDatabase } = await import('./env.ts');
  const db = await benchDatabase();
  try {
    const sweeps = [
      await benchSweep(db.adminUrl, 10_000),
      await benchSweep(db.adminUrl, Number(process.env.BENCH_SWEEP_ORDERS ?? 1_000_000)),
    ];
    console.log(JSON.stringify(sweeps, null, 2));
    printSweeps(sweeps);
  } finally {
    await db.stop();
  }
}
