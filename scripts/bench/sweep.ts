/**
 * The deadline sweep against 1,000,000 and 10,000 open orders, 1% of whose clocks
 * are due: its cost should follow what is due, not what is open.
 */
import postgres from 'postgres';
import { applyMigrations } from '../../db/client.ts';
import { loadDivisions } from '../../db/divisions.ts';
import { sweepDueClocks } from '../../server/jobs/sweeper.ts';
import { seedClaimClocks } from '../harness/claim-clocks.ts';
import { withDatabase } from '../harness/cluster.ts';

export interface SweepBench {
  openOrders: number;
  due: number;
  sweepMs: number;
  eventsPerSweep: number;
  seedSeconds: number;
}

export async function benchSweep(adminUrl: string, openOrders: number, runs = 3): Promise<SweepBench> {
  const name = `hotline_bench_sweep_${openOrders}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  await applyMigrations(url);
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
    const times: number[] = [];
    let events = 0;
    for (let r = 0; r < runs; r++) {
      // Put the same 1% back to "due" so every run sweeps the same work.
      await sql`update order_clocks set fired_stage = -1, next_at = stage_at[1] where order_id % 100 = 0`;
      const t0 = performance.now();
      const result = await sweepDueClocks(sql, now);
      times.push(performance.now() - t0);
      events = result.events;
      if (result.clocks !== due) throw new Error(`swept ${result.clocks} clocks, expected ${due}`);
    }
    times.sort((a, b) => a - b);
    return { openOrders, due, sweepMs: times[Math.floor(times.length / 2)]!, eventsPerSweep: events, seedSeconds };
  } finally {
    await sql.end();
    const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await cleanup.unsafe(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  }
}
