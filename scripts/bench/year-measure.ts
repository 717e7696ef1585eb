/**
 * What a year of orders costs the service's reads: each request kind through the
 * running service's HTTP API (signed in as the admin, who sees the whole city),
 * one request at a time, sequentially, after one warm-up call; then the deadline
 * sweep on the same database, and the size of every table and its indexes.
 */
import path from 'node:path';
import type { Sql } from '../../db/client.ts';
import { sweepDueClocks } from '../../server/jobs/sweeper.ts';
import { root } from '../harness/cluster.ts';
import { readKbQuestions } from '../kb-rank.ts';
import { percentile, type RunningService } from './env.ts';

export interface Timing {
  kind: string;
  group: 'lookup' | 'list' | 'board' | 'report-month' | 'report-year' | 'search';
  /** The target of its group (ms at p99). */
  targetMs: number;
  count: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

export interface TableSize {
  table: string;
  rows: number;
  tableMiB: number;
  indexMiB: number;
  totalMiB: number;
}

const TARGETS = { lookup: 50, list: 50, board: 100, 'report-month': 500, 'report-year': 2000, search: 50 } as const;
const BEIJING = 8 * 3_600_000;
const DAY = 86_400_000;

/** The Beijing date `days` before the instant, YYYY-MM-DD. */
const dayOf = (at: Date, days = 0) => new Date(at.getTime() + BEIJING - days * DAY).toISOString().slice(0, 10);

export async function measureYear(sql: Sql, svc: RunningService, operatorToken: string): Promise<Timing[]> {
  const rounds = Number(process.env.BENCH_YEAR_ROUNDS ?? 1);
  const admin = { authorization: `Bearer ${svc.token}` };
  let headers = admin;
  const out: Timing[] = [];
  const time = async (kind: string, group: Timing['group'], paths: string[]) => {
    const times: number[] = [];
    let non2xx = 0;
    // One warm-up: the first call of a kind pays for plans and cold pages, as after a restart. Not for
    // the reports, whose calls take seconds at a year's scale: their calls are counted from the first, cold (a month's twice, a year's once).
    if (!group.startsWith('report')) await fetch(svc.base + paths[0]!, { headers }).then((r) => r.arrayBuffer());
    for (let r = 0; r < rounds; r++)
      for (const p of paths) {
        const t0 = performance.now();
        const res = await fetch(svc.base + p, { headers });
        await res.arrayBuffer();
        times.push(performance.now() - t0);
        if (res.status < 200 || res.status > 299) non2xx++;
      }
    times.sort((a, b) => a - b);
    const t = {
      kind,
      group,
      targetMs: TARGETS[group],
      count: times.length,
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      non2xx,
    };
    out.push(t);
    console.log(
      `  ${kind}: p50 ${t.p50Ms.toFixed(1)} ms, p99 ${t.p99Ms.toFixed(1)} ms (${t.count}, ${non2xx} non-2xx; target ${t.targetMs} ms)`,
    );
  };

  // Inputs drawn from the data: orders, callers with a history, the busiest district and one of its streets.
  const numbers = (await sql<{ number: string }[]>`select number from orders tablesample system (1) limit 200`).map((r) => r.number);
  const phones = (
    await sql<{ citizen_phone: string }[]>`
      select citizen_phone from orders tablesample system (1) where citizen_phone is not null limit 100`
  ).map((r) => r.citizen_phone);
  const [district] = await sql<{ id: string }[]>`
    select u.id from units u where u.level = 'district' and u.kind = 'government'
    order by (select count(*) from order_clocks c where c.stopped_at is null and c.unit_path collate "C" like '%/' || u.id || '/%') desc limit 1`;
  const [street] = await sql<{ id: string }[]>`
    select id from units where parent_id = ${district!.id} and level = 'street' order by id limit 1`;
  const d = district!.id;
  const s = street!.id;
  const streets = (await sql<{ id: string }[]>`select id from units where level = 'street' order by id`).map((r) => r.id);
  const someStreets = Array.from({ length: 50 }, (_, i) => streets[(i * 37) % streets.length]!);
  const now = new Date();
  const month = { from: dayOf(now, 30), to: dayOf(now, 1) };
  const year = { from: dayOf(now, 365), to: dayOf(now, 0) };
  const iso = (day: string) => `${day}T00:00:00%2B08:00`;

  await time(
    'order by number',
    'lookup',
    numbers.map((n) => `/api/orders/${n}`),
  );
  await time(
    'order timeline',
    'lookup',
    numbers.slice(0, 50).map((n) => `/api/orders/${n}/timeline`),
  );
  await time(
    'orders by phone (caller history)',
    'list',
    phones.map((p) => `/api/orders?phone=${p}&limit=20`),
  );
  await time(
    'orders by street and status (inbox)',
    'list',
    someStreets.map((u) => `/api/orders?unit=${u}&status=dispatched&status=claimed&status=reopened&limit=50`),
  );
  await time(
    'orders by unit and status: closed',
    'list',
    someStreets.map((u) => `/api/orders?unit=${u}&status=closed&limit=50`),
  );
  await time(
    'orders by area and date (a month)',
    'list',
    someStreets.map((u) => `/api/orders?area=${u}&createdFrom=${iso(month.from)}&createdTo=${iso(month.to)}&limit=50`),
  );
  await time(
    'orders by district and a day',
    'list',
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(
      (k) => `/api/orders?area=${d}&createdFrom=${iso(dayOf(now, 40 + k))}&createdTo=${iso(dayOf(now, 39 + k))}&limit=50`,
    ),
  );
  for (const [name, unit] of [
    ['city', '120000'],
    ['district', d],
    ['street', s],
  ] as const) {
    await time(`board: ${name}`, 'board', Array(10).fill(`/api/sla/board?unit=${unit}`));
    await time(`board orders: ${name}`, 'board', Array(name === 'city' ? 2 : 10).fill(`/api/sla/board/orders?unit=${unit}`));
    await time(`clocks: ${name}`, 'board', Array(10).fill(`/api/sla/clocks?unit=${unit}&limit=200`));
    await time(`overdue by clock: ${name}`, 'board', Array(10).fill(`/api/reports/overdue?unit=${unit}`));
  }
  const questions = readKbQuestions(path.join(root, 'test/fixtures/kb-ranking-questions.jsonl'));
  headers = { authorization: `Bearer ${operatorToken}` };
  await time(
    'knowledge search',
    'search',
    [...questions, ...questions, ...questions].map((q) => `/api/kb/search?q=${encodeURIComponent(q.question)}&limit=10`),
  );
  headers = admin;
  for (const [span, range] of [
    ['month', month],
    ['year', year],
  ] as const) {
    const group = span === 'month' ? 'report-month' : 'report-year';
    for (const [who, unit] of [
      ['city', 'hotline'],
      ['district', d],
    ] as const) {
      const q = `from=${range.from}&to=${range.to}&unit=${unit}`;
      const reps = span === 'month' ? 2 : 1;
      await time(`rates, ${who}, ${span}`, group, Array(reps).fill(`/api/reports/rates?${q}`));
      await time(`on-time, ${who}, ${span}`, group, Array(reps).fill(`/api/reports/on-time?${q}`));
      await time(`returns, ${who}, ${span}`, group, Array(reps).fill(`/api/reports/returns?${q}`));
      await time(`top matters, ${who}, ${span}`, group, Array(reps).fill(`/api/reports/top?${q}&by=category`));
      await time(`top streets, ${who}, ${span}`, group, Array(reps).fill(`/api/reports/top?${q}&by=area&level=street`));
    }
  }
  return out;
}

export interface YearSweep {
  /** What had come due since the load, swept as the service's timer would. */
  dueNow: { clocks: number; events: number; ms: number };
  /** 10,000 running clocks set back one stage, so that each fires once: the sweep bench's 1% at 1,000,000 open orders. */
  reset: { clocks: number; events: number; ms: number };
  runningClocks: number;
}

export async function sweepYear(sql: Sql): Promise<YearSweep> {
  const [{ running }] = (await sql`select count(*)::int as running from order_clocks where stopped_at is null`) as unknown as [
    { running: number },
  ];
  const now = new Date();
  let t0 = performance.now();
  const first = await sweepDueClocks(sql, now);
  const dueNow = { ...first, ms: performance.now() - t0 };
  // 10,000 running clocks set back by one stage, as the sweep bench does: each fires that stage again.
  await sql`
    update order_clocks set fired_stage = fired_stage - 1, next_at = stage_at[fired_stage + 1]
    where (order_id, kind) in (select order_id, kind from order_clocks where stopped_at is null and fired_stage >= 0 limit 10000)`;
  t0 = performance.now();
  const second = await sweepDueClocks(sql, now);
  return { dueNow, reset: { ...second, ms: performance.now() - t0 }, runningClocks: running };
}

/** Every table of the database with its indexes (pg_total_relation_size), largest first. */
export async function tableSizes(sql: Sql): Promise<TableSize[]> {
  const rows = await sql<{ table: string; rows: string; heap: string; idx: string; total: string }[]>`
    select c.relname as table, c.reltuples::bigint as rows, pg_table_size(c.oid) as heap, pg_indexes_size(c.oid) as idx,
      pg_total_relation_size(c.oid) as total
    from pg_class c where c.relkind = 'r' and c.relnamespace = 'public'::regnamespace and c.relname not like '\\_\\_%'
    order by pg_total_relation_size(c.oid) desc`;
  const mib = (v: string) => Math.round((Number(v) / 2 ** 20) * 10) / 10;
  return rows.map((r) => ({
    table: r.table,
    rows: Math.max(0, Number(r.rows)),
    tableMiB: mib(r.heap),
    indexMiB: mib(r.idx),
    totalMiB: mib(r.total),
  }));
}
