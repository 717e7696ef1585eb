/**
 * `npm run bench`: every benchmark of the project in one run, one report.
 * Results go to bench/results.json and are printed as the README's table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { benchDatabase, machine } from './bench/env.ts';
import { benchClassifyTree } from './bench/classify.ts';
import { benchFanout } from './bench/fanout.ts';
import { benchIntake } from './bench/intake.ts';
import { benchKb, printKb } from './bench/kb.ts';
import { benchLogin, printLogin } from './bench/login.ts';
import { benchMixed } from './bench/mixed.ts';
import { benchModel } from './bench/model.ts';
import { benchInstances, printInstances } from './bench/instances.ts';
import { benchSweep, printSweeps, sweepGrowth } from './bench/sweep.ts';
import { benchYear, printYear } from './bench/year.ts';
import { root } from './harness/cluster.ts';

const orders = Number(process.env.BENCH_ORDERS ?? 5000);
// BENCH_COUNTRY=0 skips the whole-country tree (it takes a minute or two to load).
const country = process.env.BENCH_COUNTRY !== '0';
// BENCH_INSTANCES=0 skips the two-instance bench (about two minutes; also `scripts/bench/instances.ts` alone).
const instancesOn = process.env.BENCH_INSTANCES !== '0';
const db = await benchDatabase();
try {
  const intake = await benchIntake(db.url, orders);
  const fanout = await benchFanout(db.url, 1000, 1000, 10);
  // BENCH_MIXED_SECONDS sets its window (default 30 s); signing in its 600 users comes on top.
  const mixed = await benchMixed(db.url);
  // BENCH_LOGIN_SECONDS sets each flood scenario's window (default 10 s).
  const login = await benchLogin(db.url);
  const trees = [await benchClassifyTree(db.url, '12')];
  // Pure: the history model alone (also `node --import tsx scripts/bench/model.ts`).
  const model = benchModel();
  // Knowledge search at 10,000 entries and intake with it running (BENCH_KB_ENTRIES).
  const kb = await benchKb(db.url, Number(process.env.BENCH_KB_ENTRIES ?? 10_000));
  if (country) trees.push(await benchClassifyTree(db.url, 'all'));
  // Two service instances on their own database of this server (BENCH_INSTANCES_ORDERS per intake round).
  const instances = instancesOn ? await benchInstances(db.adminUrl) : null;
  // Each sweep against its floor, on its own database (also `scripts/bench/sweep.ts` alone).
  const sweeps = [
    await benchSweep(db.adminUrl, 10_000),
    await benchSweep(db.adminUrl, Number(process.env.BENCH_SWEEP_ORDERS ?? 1_000_000)),
  ];
  // A year of Tianjin (BENCH_YEAR_ORDERS, default 3,600,000; BENCH_YEAR=0 skips it): minutes to write.
  const year = process.env.BENCH_YEAR === '0' ? null : await benchYear(db.adminUrl);
  const report = {
    at: new Date().toISOString(),
    machine: machine(),
    intake,
    fanout,
    mixed,
    login,
    classification: trees,
    model,
    kb,
    instances,
    sweep: sweeps,
    sweepReport: {
      /** Sweep ÷ floor at each size (goal ≤ 1.3). */
      overFloor: sweeps.map((w) => ({ openOrders: w.openOrders, sweep: w.overFloor, oneWorker: w.oneWorkerOverFloor })),
      /** Per-due-clock cost at the most open orders ÷ at the fewest (goal ≤ 1.5). */
      perClockGrowth: sweepGrowth(sweeps),
    },
    year,
  };
  fs.mkdirSync(path.join(root, 'bench'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', 'results.json'), JSON.stringify(report, null, 2) + '\n');

  const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(`\nMachine: ${report.machine}\n`);
  console.log('| benchmark | rate | p50 | p99 | note |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| intake: POST /api/orders, ${intake.concurrency} clients | ${f(intake.api.perSecond)} orders/s | ${f(intake.api.p50Ms, 1)} ms | ${f(intake.api.p99Ms, 1)} ms | median of 3 rounds of ${f(intake.orders)} orders (${intake.rounds.api.map((r) => f(r)).join(', ')}), ${intake.api.non2xx} non-2xx |`,
  );
  console.log(
    `| raw postgres, 1 transaction per order (order + event), ${intake.concurrency} clients | ${f(intake.raw.perSecond)} orders/s | ${f(intake.raw.p50Ms, 1)} ms | ${f(intake.raw.p99Ms, 1)} ms | same database, rounds alternating with the API's (${intake.rounds.raw.map((r) => f(r)).join(', ')}) |`,
  );
  console.log(`| **intake ÷ raw** | **${f(intake.ratio, 2)}** | | | target ≥ 0.5, goal > 1.0 |`);
  console.log('\n| WebSocket fan-out | events | deliveries | p50 | p99 | max | service CPU | bench clients CPU |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(
    `| ${f(fanout.clients)} board clients on 16 districts, ${f(fanout.eventsPerSecond)} events/s for ${f(fanout.seconds)} s | ${f(fanout.events)} | ${f(fanout.deliveries)} | ${f(fanout.p50Ms, 1)} ms | ${f(fanout.p99Ms, 1)} ms | ${f(fanout.maxMs, 1)} ms | ${f(fanout.serverCpuCores, 2)} cores | ${f(fanout.clientCpuCores, 2)} cores |`,
  );
  console.log(
    `\n| busy evening: ${mixed.operators} operators, ${mixed.handlers} handlers, ${mixed.supervisors} boards, ${f(mixed.seconds)} s | requests | rate | p50 | p99 | non-2xx |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of mixed.requests) {
    const refused = r.kind === 'claim' ? `${r.non2xx} (+ ${mixed.claimRaces} lost races, 409)` : `${r.non2xx}`;
    console.log(`| ${r.kind} | ${f(r.count)} | ${f(r.perSecond, 1)} /s | ${f(r.p50Ms, 1)} ms | ${f(r.p99Ms, 1)} ms | ${refused} |`);
  }
  console.log(
    `| live events → boards (API answer → receipt) | ${f(mixed.events.deliveries)} deliveries | | ${f(mixed.events.p50Ms, 1)} ms | ${f(mixed.events.p99Ms, 1)} ms | max ${f(mixed.events.maxMs, 1)} ms |`,
  );
  const o = mixed.orders;
  console.log(
    `\nOrders: ${f(o.created)} created (${f(o.autoDispatched)} dispatched by the rules, ${f(o.dispatchedByHand)} by hand), ${f(o.claimed)} claimed, ${f(o.replied)} replied. ` +
      `Service CPU ${f(mixed.serverCpuCores, 2)} cores, bench clients ${f(mixed.clientCpuCores, 2)} cores; creating and signing in the users took ${f(mixed.setupSeconds)} s before the window.`,
  );
  printLogin(login);
  console.log('\n| tree | areas | load into PostgreSQL | build in memory | heap | classification | rate | with a model loaded |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of trees) {
    console.log(
      `| ${t.scope === 'all' ? 'whole country' : `province ${t.scope}`} | ${f(t.areas)} | ${f(t.dbLoadSeconds, 1)} s | ${f(t.indexBuildSeconds, 1)} s | ${f(t.heapMiB)} MiB | ${f(t.microsPerComplaint, 1)} µs/complaint | ${f(t.complaintsPerSecond)} /s | ${f(t.microsWithModel, 1)} µs/complaint |`,
    );
  }
  console.log('\n| history model | examples | train | grams kept | stored | predict (CPU) | rate |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(
    `| ${model.classes} matters, ~100-character complaints | ${f(model.examples)} | ${f(model.trainSeconds, 1)} s | ${f(model.grams)} | ${f(model.storedKiB)} KiB | ${f(model.microsPerPredict, 1)} µs | ${f(model.predictsPerSecond)} /s |`,
  );
  printKb(kb);
  if (instances) printInstances(instances);
  printSweeps(sweeps);
  if (year) printYear(year);
} finally {
  await db.stop();
}
