/**
 * The sweep runs in SQL over the stage instants the pure core stored; the core's
 * `stagesDue` is the reference it must agree with, for clocks of every kind, urgency
 * and time basis, across holidays, in batches smaller than the due set.
 */
import t from 'tap';
import { clockRow, fillStageInstants, writeClocks } from '../db/queries/clocks.ts';
import { loadChineseDays } from '../server/rules/calendar.ts';
import {
  CLOCK_KINDS,
  CLOCK_LABELS,
  clockFor,
  pauseClock,
  STAGE_LABELS,
  stagesDue,
  URGENCY_CLASSES,
  type Clock,
} from '../server/core/deadlines.ts';
import { sweepDueClocks } from '../server/jobs/sweeper.ts';
import { loadRules } from '../server/rules/load.ts';
import { testDatabase } from './support/app.ts';
import { rng } from './support/hostile.ts';

const deps = { policy: loadRules().deadlines, calendar: loadChineseDays() };
const HOUR = 3_600_000;
// A week before National Day 2026: the working-time clocks cross the holiday and its make-up days.
const BASE = new Date('2026-09-24T01:00:00Z');

interface Held {
  orderId: number;
  unitId: string;
  parentId: string | null;
  clock: Clock;
}

async function ordersWithClocks(db: Awaited<ReturnType<typeof testDatabase>>, seed: number, count: number): Promise<Held[]> {
  const r = rng(seed);
  const units = await db.sql<{ id: string; parent_id: string | null }[]>`
    (select id, parent_id from units where level = 'community' order by id limit 3)
    union all (select id, parent_id from units where level = 'district' order by id limit 2)
    union all (select id, parent_id from units where id = 'hotline')`;
  const held: Held[] = [];
  for (let i = 0; i < count; i++) {
    const unit = r.pick(units);
    const [order] = await db.sql<{ id: string }[]>`
      insert into orders (number, channel, content, current_unit_id, unit_path, status, created_at, updated_at)
      values (${`12345-20260924-${String(i).padStart(6, '0')}`}, 'web', '时限核对', ${unit.id}, ${['hotline', unit.id]}, 'dispatched', ${BASE.toISOString()}, ${BASE.toISOString()})
      returning id`;
    const start = new Date(BASE.getTime() + Math.floor(r.next() * 20 * 24) * HOUR + Math.floor(r.next() * 60) * 60_000);
    let clock = clockFor(r.pick(CLOCK_KINDS), start, { ...deps, urgencyClass: r.pick(URGENCY_CLASSES) })!;
    if (r.next() < 0.1) clock = pauseClock(clock, new Date(start.getTime() + 60_000));
    await writeClocks(db.db, Number(order!.id), [clock], unit.id, deps);
    held.push({ orderId: Number(order!.id), unitId: unit.id, parentId: unit.parent_id, clock });
  }
  return held;
}

t.test('every sweep fires exactly the stages the pure core says are due, in ladder order, once', async (t) => {
  const db = await testDatabase(t);
  const seed = Number(process.env.SWEEP_SEED ?? 20261125);
  const r = rng(seed);
  const held = await ordersWithClocks(db, seed, 120);
  let at = BASE;
  let lastEventId = 0;
  let fired = 0;
  for (let sweep = 0; sweep < 30; sweep++) {
    at = new Date(at.getTime() + Math.floor(r.next() * 36 * HOUR) + 60_000);
    const expected: string[] = [];
    for (const h of held) {
      const due = stagesDue(h.clock, at, deps.calendar, deps.policy);
      h.clock = { ...h.clock, firedStage: due.firedStage };
      for (const s of due.stages) {
        const unit = s.stage === 'escalate_parent' ? (h.parentId ?? h.unitId) : h.unitId;
        expected.push(`${h.orderId} sla_${s.stage} ${unit} ${s.at.toISOString()}`);
      }
    }
    const result = await sweepDueClocks(db.sql, at, { batch: 1 + Math.floor(r.next() * 9) });
    const events = await db.sql<{ id: string; order_id: string; action: string; unit_id: string; payload: { stageAt: string } }[]>`
      select id, order_id, action, unit_id, payload from order_events where id > ${lastEventId} order by id`;
    const got = events.map((e) => `${e.order_id} ${e.action} ${e.unit_id} ${e.payload.stageAt}`);
    // Per order the ladder order must hold; across orders the sweep's order is its own (by due instant).
    const byOrder = (lines: string[]) => [...lines].sort((a, b) => Number(a.split(' ')[0]) - Number(b.split(' ')[0]));
    t.same(byOrder(got), byOrder(expected), `sweep ${sweep} at ${at.toISOString()} (seed ${seed})`);
    t.equal(result.events, expected.length);
    lastEventId = Number(events.at(-1)?.id ?? lastEventId);
    fired += expected.length;
  }
  t.ok(fired > 200, `${fired} stages fired over the run: the comparison had work to do`);
  const stored = await db.sql<{ order_id: string; fired_stage: number; next_at: string | null }[]>`
    select order_id, fired_stage, next_at from order_clocks order by order_id`;
  t.same(
    stored.map((s) => [Number(s.order_id), s.fired_stage, s.next_at && new Date(s.next_at).toISOString()]),
    held.map((h) => {
      const row = clockRow(h.orderId, h.clock, h.unitId, deps);
      return [h.orderId, row.firedStage, row.nextAt?.toISOString() ?? null];
    }),
    'each clock ends where the core says: fired stage and next instant',
  );
});

t.test('a sweep event names the clock, the stage, its instant and the deadline', async (t) => {
  const db = await testDatabase(t);
  const [h] = await ordersWithClocks(db, 7, 1);
  const { clock } = h!;
  const at = new Date(clock.dueAt.getTime() + 1);
  await sweepDueClocks(db.sql, at);
  const [event] = await db.sql`select * from order_events where action = 'sla_overdue'`;
  t.equal(event!.actor, 'system:sweeper');
  t.equal(event!.reason, `${CLOCK_LABELS[clock.kind]}：${STAGE_LABELS.overdue}`);
  t.same(event!.payload, {
    clock: clock.kind,
    stage: 'overdue',
    stageAt: clock.dueAt.toISOString(),
    dueAt: clock.dueAt.toISOString(),
    holderUnitId: h!.unitId,
  });
  t.equal(event!.from_status, 'dispatched');
  t.equal(event!.to_status, 'dispatched');
});

t.test('clocks stored before their stage instants were get them at start, as the core computes them', async (t) => {
  const db = await testDatabase(t);
  const held = await ordersWithClocks(db, 11, 40);
  const expected = held.map((h) => clockRow(h.orderId, h.clock, h.unitId, deps).stageAt.map((d) => d.toISOString()));
  await db.sql`update order_clocks set stage_at = null`;
  const running = held.filter((h) => !h.clock.pausedAt).length;
  t.equal(await fillStageInstants(db.sql, deps), running, 'the running clocks; a paused one gets its instants when resumed');
  const stored = await db.sql<{ stage_at: string[] | null }[]>`select to_jsonb(stage_at) as stage_at from order_clocks order by order_id`;
  held.forEach((h, i) => {
    if (h.clock.pausedAt) t.equal(stored[i]!.stage_at, null);
    else
      t.same(
        stored[i]!.stage_at!.map((d) => new Date(d).toISOString()),
        expected[i],
        `order ${h.orderId}`,
      );
  });
  t.equal(await fillStageInstants(db.sql, deps), 0, 'a second start finds nothing to do');
});
