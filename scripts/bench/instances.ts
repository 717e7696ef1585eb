/**
 * Two service instances on one database, as production runs them behind a proxy.
 *
 * 1. Intake throughput against one instance, then the same clients spread over two
 *    (connection i goes to instance i % 2), rounds alternating, medians reported.
 * 2. Live delivery: orders created at a steady rate, alternately through A and B,
 *    with queue boards open on both; each receipt is timed from the API's answer and
 *    counted as same-instance or cross-instance (the event reached the other process
 *    only through PostgreSQL's NOTIFY).
 * 3. The sweeper on both (run first, on the empty database): both with a sweep every
 *    second, then a set of due clocks committed at once; every clock must get its
 *    one warning, none two, and each instance's log says how many clocks it took.
 */
import autocannon from 'autocannon';
import postgres from 'postgres';
import { WebSocket } from 'ws';
import { seedClaimClocks } from '../harness/claim-clocks.ts';
import { freePort } from '../harness/cluster.ts';
import { startService, tokenFor, type Service } from '../harness/service.ts';
import { complaintBody, percentile, scratchDatabase } from './env.ts';

export interface Latency {
  deliveries: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface InstancesResult {
  connections: number;
  ordersPerRound: number;
  /** Orders per second through the API, median of the rounds. */
  one: { perSecond: number; p99Ms: number };
  two: { perSecond: number; p99Ms: number };
  /** two ÷ one. */
  scaling: number;
  rounds: { one: number[]; two: number[] };
  live: { orders: number; boardsPerInstance: number; same: Latency; cross: Latency };
  sweep: {
    /** Clocks seeded due at one commit. */
    dueClocks: number;
    /** Events the sweepers wrote in this database, and the distinct clocks they were for. */
    events: number;
    clocksSwept: number;
    /** (clock, stage) pairs fired more than once: must be 0. */
    stagesTwice: number;
    /** Seeded clocks left unfired: must be 0. */
    clocksMissed: number;
    /** Clocks taken per instance, from their logs: they add up to clocksSwept when none was taken twice. */
    clocksByInstance: [number, number];
  };
}

const ADMIN_PASSWORD = 'bench-admin-password';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const body = complaintBody;

interface Instance {
  svc: Service;
  token: string;
}

async function start(url: string, env: Record<string, string>): Promise<Instance> {
  const svc = await startService({ DATABASE_URL: url, PORT: String(await freePort()), ADMIN_PASSWORD, LOG_LEVEL: 'warn', ...env });
  try {
    return { svc, token: await tokenFor(svc.base, 'admin', ADMIN_PASSWORD) };
  } catch (err) {
    svc.child.kill('SIGTERM');
    throw err;
  }
}

async function stop(i: Instance): Promise<void> {
  i.svc.child.kill('SIGTERM');
  await i.svc.exited;
}

/** `amount` orders through `targets`, `connections` split evenly over them; rate from the start to the last answer. */
async function intake(targets: Instance[], amount: number, connections: number, tag: string) {
  const started = performance.now();
  let last = started;
  const runs = await Promise.all(
    targets.map(
      (t, k) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          let i = 0;
          const run = autocannon(
            {
              url: `${t.svc.base}/api/orders`,
              connections: connections / targets.length,
              amount: amount / targets.length,
              requests: [
                {
                  method: 'POST',
                  setupRequest: (req) => {
                    i++;
                    const key = `inst-${tag}-${k}-${i}`;
                    const headers = { 'content-type': 'application/json', 'idempotency-key': key, authorization: `Bearer ${t.token}` };
                    return { ...req, headers, body: body(key, i) };
                  },
                },
              ],
            },
            (err, res) => (err ? reject(err) : resolve(res)),
          );
          run.on('response', () => (last = performance.now()));
        }),
    ),
  );
  const total = runs.reduce((n, r) => n + r.requests.total, 0);
  const refused = runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
  if (refused > 0) throw new Error(`instances: ${refused} refused intake requests`);
  return { perSecond: total / ((last - started) / 1000), p99Ms: Math.max(...runs.map((r) => r.latency.p99)) };
}

/** Queue boards on each instance; orders created alternately through each, timed from answer to receipt. */
async function liveLatency(instances: Instance[], orders: number, perSecond: number, boards: number) {
  const sockets: WebSocket[] = [];
  const receipts: { orderId: number; board: number; at: number }[] = [];
  try {
    for (let b = 0; b < boards * instances.length; b++) {
      const inst = instances[b % instances.length]!;
      const ws = new WebSocket(inst.svc.base.replace('http', 'ws') + '/ws');
      sockets.push(ws);
      await new Promise<void>((resolve, reject) => {
        ws.on('error', reject);
        ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: inst.token })));
        ws.on('message', (raw) => {
          const frame = JSON.parse(String(raw));
          if (frame.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', topic: 'queue' }));
          else if (frame.type === 'subscribed') resolve();
          else if (frame.type === 'events') {
            const at = performance.now();
            for (const e of frame.events) if (e.action === 'create') receipts.push({ orderId: e.order.id, board: b, at });
          }
        });
      });
    }
    const answered = new Map<number, { at: number; via: number }>();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: orders }, async (_, i) => {
        await sleep(started + (i * 1000) / perSecond - performance.now());
        const via = i % instances.length;
        const inst = instances[via]!;
        const res = await fetch(`${inst.svc.base}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `live-${started}-${i}`, authorization: `Bearer ${inst.token}` },
          body: body('live', i),
        });
        if (res.status !== 201) throw new Error(`instances: live order answered ${res.status}`);
        answered.set(((await res.json()) as { id: number }).id, { at: performance.now(), via });
      }),
    );
    const expected = orders * sockets.length;
    const matched = () => receipts.filter((r) => answered.has(r.orderId)).length;
    for (let i = 0; i < 50 && matched() < expected; i++) await sleep(100);
    if (matched() < expected) throw new Error(`instances: ${matched()} of ${expected} live deliveries arrived`);
    const same: number[] = [];
    const cross: number[] = [];
    for (const r of receipts) {
      const a = answered.get(r.orderId);
      if (!a) continue;
      // A frame can beat the answer to the request that caused it: that counts as 0 ms.
      (r.board % instances.length === a.via ? same : cross).push(Math.max(0, r.at - a.at));
    }
    const summary = (xs: number[]): Latency => {
      xs.sort((a, b) => a - b);
      return { deliveries: xs.length, p50Ms: percentile(xs, 50), p99Ms: percentile(xs, 99), maxMs: xs.at(-1) ?? NaN };
    };
    return { orders, boardsPerInstance: boards, same: summary(same), cross: summary(cross) };
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

/** Clocks each instance's sweeper reported taking, from its log lines ("deadline sweep"). */
function sweptByLog(output: string): number {
  let clocks = 0;
  for (const line of output.split('\n')) {
    if (!line.includes('"deadline sweep"')) continue;
    clocks += (JSON.parse(line) as { clocks: number }).clocks;
  }
  return clocks;
}

async function sweepRace(url: string, due: number) {
  // Info level for the sweeper's log line; a sweep every second on both, at the same instants.
  const env = { LOG_LEVEL: 'info', SWEEP_CRON: '* * * * * *' };
  // One after the other: the first start loads the division tree.
  const pair = [await start(url, env), await start(url, env)];
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  try {
    // One statement makes the clocks: they become due for both sweepers at one commit.
    await seedClaimClocks(sql, { orders: due, now: new Date(), dueEvery: 1 });
    for (let i = 0; i < 600; i++) {
      const [row] = await sql<{ left: number }[]>`select count(*)::int as left from order_clocks where next_at <= now()`;
      if (row!.left === 0) break;
      await sleep(100);
    }
    await sleep(500); // the last sweep's log line
    // Every event of the sweepers (the seeded clocks are the only ones): no (clock, stage) may have two.
    const [counts] = await sql<{ events: number; clocks: number; twice: number; missed: number }[]>`
      with fired as (
        select order_id, payload->>'clock' as kind, payload->>'stage' as stage, count(*)::int as n
        from order_events where actor = 'system:sweeper' group by 1, 2, 3
      )
      select (select coalesce(sum(n), 0) from fired)::int as events,
        (select count(distinct (order_id, kind)) from fired)::int as clocks,
        (select count(*) from fired where n > 1)::int as twice,
        (select count(*) from order_clocks where fired_stage < 0)::int as missed`;
    // A bench that fired a stage twice or missed a clock found a bug: stop rather than report a rate.
    if (counts!.twice > 0 || counts!.missed > 0)
      throw new Error(`instances: ${counts!.twice} stages fired twice, ${counts!.missed} clocks missed`);
    return {
      dueClocks: due,
      events: counts!.events,
      clocksSwept: counts!.clocks,
      stagesTwice: counts!.twice,
      clocksMissed: counts!.missed,
      clocksByInstance: [sweptByLog(pair[0]!.svc.output()), sweptByLog(pair[1]!.svc.output())] as [number, number],
    };
  } finally {
    await sql.end();
    await Promise.all(pair.map(stop));
  }
}

export async function benchInstances(
  adminUrl: string,
  opts: { orders?: number; connections?: number; dueClocks?: number } = {},
): Promise<InstancesResult> {
  const amount = opts.orders ?? Number(process.env.BENCH_INSTANCES_ORDERS ?? 600);
  const connections = opts.connections ?? 32;
  const name = 'hotline_bench_instances';
  const { url, drop } = await scratchDatabase(adminUrl, name);
  try {
    // First, while the database holds no order: the clocks seeded are then all there is.
    const sweep = await sweepRace(url, opts.dueClocks ?? 10_000);
    const pair = [await start(url, {}), await start(url, {})];
    let live: InstancesResult['live'];
    const rounds = { one: [] as number[], two: [] as number[] };
    const p99 = { one: [] as number[], two: [] as number[] };
    try {
      await intake(pair, 400, connections, 'warm'); // JIT, pools and plan caches of both
      for (let r = 0; r < 3; r++) {
        const one = await intake([pair[0]!], amount, connections, `one${r}`);
        const two = await intake(pair, amount, connections, `two${r}`);
        rounds.one.push(one.perSecond);
        rounds.two.push(two.perSecond);
        p99.one.push(one.p99Ms);
        p99.two.push(two.p99Ms);
      }
      live = await liveLatency(pair, 200, 40, 5);
    } finally {
      await Promise.all(pair.map(stop));
    }
    const one = { perSecond: median(rounds.one), p99Ms: median(p99.one) };
    const two = { perSecond: median(rounds.two), p99Ms: median(p99.two) };
    return { connections, ordersPerRound: amount, one, two, scaling: two.perSecond / one.perSecond, rounds, live, sweep };
  } finally {
    await drop();
  }
}

export function printInstances(r: InstancesResult): void {
  const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(`\n| two instances, one database | rate | p99 | note |`);
  console.log('| --- | --- | --- | --- |');
  console.log(
    `| intake, ${r.connections} clients → 1 instance | ${f(r.one.perSecond)} orders/s | ${f(r.one.p99Ms)} ms | median of 3 rounds of ${f(r.ordersPerRound)} (${r.rounds.one.map((x) => f(x)).join(', ')}) |`,
  );
  console.log(
    `| intake, ${r.connections} clients → 2 instances (alternating) | ${f(r.two.perSecond)} orders/s | ${f(r.two.p99Ms)} ms | rounds alternating with the one-instance ones (${r.rounds.two.map((x) => f(x)).join(', ')}); **two ÷ one ${f(r.scaling, 2)}** |`,
  );
  const l = r.live;
  for (const [name, x] of [
    ['same instance', l.same],
    ['cross-instance (A → B through NOTIFY)', l.cross],
  ] as const) {
    console.log(
      `| live: create → queue board, ${name} | ${f(x.deliveries)} deliveries | ${f(x.p99Ms, 1)} ms | p50 ${f(x.p50Ms, 1)} ms, max ${f(x.maxMs, 1)} ms; ${f(l.orders)} orders alternating A/B, ${l.boardsPerInstance} boards on each |`,
    );
  }
  const s = r.sweep;
  console.log(
    `| sweeper on both, ${f(s.dueClocks)} clocks made due at once | ${f(s.events)} events for ${f(s.clocksSwept)} clocks | | stages fired twice: **${s.stagesTwice}**, seeded clocks missed: ${s.clocksMissed}; taken by A ${f(s.clocksByInstance[0])}, by B ${f(s.clocksByInstance[1])} |`,
  );
}

// `node --expose-gc --import tsx scripts/bench/instances.ts`: this bench alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { benchDatabase } = await import('./env.ts');
  const db = await benchDatabase();
  try {
    const r = await benchInstances(db.adminUrl);
    console.log(JSON.stringify(r, null, 2));
    printInstances(r);
  } finally {
    await db.stop();
  }
}
