/**
 * The deadline sweep against 1,000,000 and 10,000 open orders, 1% of whose clocks
 * are due: its cost should follow what is due, not what is open.
 */
import postgres from 'postgres';
import { applyMigrations } from '../../db/client.ts';
import { loadDivisions } from '../../db/divisions.ts';
import { loadChineseDays } from '../../server/core/calendar.ts';
import { sweepDueClocks } from '../../server/jobs/sweeper.ts';
import { loadRules } from '../../server/rules/load.ts';
import { withDatabase } from '../../test/support/cluster.ts';

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
    // Open orders held by communities across Tianjin, each with a running claim clock.
    await sql`
      insert into orders (number, channel, content, current_unit_id, unit_path, status, created_at, updated_at, dispatch_count)
      select '12345-20261124-' || lpad(i::text, 6, '0'), 'web', '基准测试诉求 ' || i,
        c.ids[1 + i % cardinality(c.ids)], array['hotline', c.ids[1 + i % cardinality(c.ids)]], 'dispatched',
        ${now.toISOString()}, ${now.toISOString()}, 1
      from generate_series(0, ${openOrders - 1}) as i,
        (select array_agg(id order by id) as ids from units where level = 'community') as c`;
    // 1% of the clocks are due now; the rest not for a day.
    await sql`
      insert into order_clocks (order_id, kind, unit_id, urgency_class, basis, started_at, due_at, fired_stage, next_at)
      select id, 'claim', current_unit_id, 'danger', 'natural', ${new Date(now.getTime() - 10 * 60_000).toISOString()}::timestamptz,
        ${new Date(now.getTime() + 5 * 60_000).toISOString()}::timestamptz, -1,
        case when id % 100 = 0 then ${new Date(now.getTime() - 2 * 60_000).toISOString()}::timestamptz
             else ${new Date(now.getTime() + 86_400_000).toISOString()}::timestamptz end
      from orders`;
    await sql`vacuum analyze order_clocks`;
    await sql`vacuum analyze orders`;
    const seedSeconds = (performance.now() - started) / 1000;
    const deps = { policy: loadRules().deadlines, calendar: loadChineseDays() };
    const times: number[] = [];
    let events = 0;
    for (let r = 0; r < runs; r++) {
      // Put the same 1% back to "due" so every run sweeps the same work.
      await sql`update order_clocks set fired_stage = -1, next_at = ${new Date(now.getTime() - 2 * 60_000).toISOString()} where order_id % 100 = 0`;
      const t0 = performance.now();
      const result = await sweepDueClocks(sql, deps, now);
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
