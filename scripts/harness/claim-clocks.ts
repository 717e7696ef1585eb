/**
 * Many dispatched orders with running claim clocks, for the sweeps of the fault test
 * and the bench: orders held by communities across Tianjin, every `dueEvery`-th with
 * its first warning due at `now`, the others with a deadline a day away. Each clock's
 * stored stages come from the pure core, as the service writes them.
 */
import type { Sql } from '../../db/client.ts';
import { instantsLiteral } from '../../db/queries/clocks.ts';
import { loadChineseDays } from '../../server/rules/calendar.ts';
import { stageSchedule, startClock } from '../../server/core/deadlines.ts';
import { loadRules } from '../../server/rules/load.ts';

const MIN = 60_000;

export async function seedClaimClocks(sql: Sql, opts: { orders: number; now: Date; dueEvery: number }): Promise<void> {
  const { now } = opts;
  const deps = { policy: loadRules().deadlines, calendar: loadChineseDays() };
  const shape = (dueAt: Date) => {
    const clock = startClock('claim', new Date(now.getTime() - 10 * MIN), dueAt, { urgencyClass: 'danger', basis: 'natural' });
    const stages = stageSchedule(clock, deps.policy, deps.calendar).map((s) => s.at);
    return {
      started: clock.startedAt.toISOString(),
      due: dueAt.toISOString(),
      stages: instantsLiteral(stages),
      next: stages[0]!.toISOString(),
    };
  };
  // Due: 15 minutes from start, half of it gone. Not due: half of a day is 12 hours away.
  const due = shape(new Date(now.getTime() + 5 * MIN));
  const later = shape(new Date(now.getTime() + 24 * 60 * MIN));
  if (!(new Date(due.next) <= now && new Date(later.next) > now)) throw new Error('the claim clock policy no longer fits these shapes');
  await sql`
    insert into orders (number, channel, content, current_unit_id, unit_path, status, created_at, updated_at, dispatch_count)
    select '12345-20261124-' || lpad(i::text, 6, '0'), 'web', '基准测试诉求 ' || i,
      c.ids[1 + i % cardinality(c.ids)], array['hotline', c.ids[1 + i % cardinality(c.ids)]], 'dispatched',
      ${now.toISOString()}, ${now.toISOString()}, 1
    from generate_series(0, ${opts.orders - 1}) as i,
      (select array_agg(id order by id) as ids from units where level = 'community') as c`;
  await sql`
    insert into order_clocks (order_id, kind, unit_id, urgency_class, basis, started_at, due_at, fired_stage, next_at, stage_at)
    select o.id, 'claim', o.current_unit_id, 'danger', 'natural', s.started::timestamptz, s.due::timestamptz, -1, s.next::timestamptz, s.stages::timestamptz[]
    from orders o, lateral (
      select * from (values (true, ${due.started}, ${due.due}, ${due.next}, ${due.stages}), (false, ${later.started}, ${later.due}, ${later.next}, ${later.stages}))
        as v(is_due, started, due, next, stages)
      where v.is_due = (o.id % ${opts.dueEvery} = 0)
    ) s`;
}
