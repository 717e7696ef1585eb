/**
 * 时限督办: fire every due stage of every clock (黄灯 warnings, 红灯 overdue, escalation
 * to the unit's supervisor and then to the parent unit), each exactly once.
 *
 * Only clocks whose `next_at` has come are read (a partial index), so the cost of a
 * sweep follows what is due, not what is open. The instants of a clock's stages were
 * computed by the pure core when the clock was written (`stage_at`), so a batch is one
 * statement: take the due rows with FOR UPDATE SKIP LOCKED, insert an event for each
 * stage whose instant has come, and move `fired_stage` / `next_at` past them. Two
 * sweepers never take the same clock, and a sweeper killed halfway leaves its batch
 * to be done again, whole, by the next one.
 */
import type { Sql } from '../../db/client.ts';
import { CLOCK_KINDS, CLOCK_LABELS, STAGE_LABELS, STAGES, stageAction } from '../core/deadlines.ts';
import { observe } from '../observe.ts';

export interface SweepResult {
  clocks: number;
  events: number;
}

const LABELS = {
  stages: [...STAGES],
  actions: STAGES.map(stageAction),
  stageLabels: STAGES.map((s) => STAGE_LABELS[s]),
  kinds: [...CLOCK_KINDS],
  kindLabels: CLOCK_KINDS.map((k) => CLOCK_LABELS[k]),
};
const ESCALATE_PARENT = STAGES.indexOf('escalate_parent');
/** Instants in the payload read as JavaScript's toISOString writes them, like every other event's. */
const ISO = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

export async function sweepDueClocks(sql: Sql, now: Date, opts: { batch?: number; workers?: number } = {}): Promise<SweepResult> {
  const result: SweepResult = { clocks: 0, events: 0 };
  // Workers on separate connections share the due rows through SKIP LOCKED, as other instances would.
  const sweep = () => Promise.all(Array.from({ length: opts.workers ?? 2 }, () => sweepBatches(sql, now, opts.batch ?? 1000, result)));
  await observe.sweep.tracePromise(sweep, { sql });
  return result;
}

async function sweepBatches(sql: Sql, now: Date, batch: number, result: SweepResult): Promise<void> {
  for (;;) {
    const [done] = await sweepBatch(sql, now.toISOString(), batch);
    result.clocks += done!.clocks;
    result.events += done!.events;
    if (done!.clocks < batch) return;
  }
}

/**
 * `fired` is the last stage whose instant has come (stage instants never decrease, so
 * that is how many have come, less one); the stages after `fired_stage` up to it fire
 * now, in ladder order, and `next_at` becomes the instant of the one after. A stage
 * is numbered from 0 as in STAGES; PostgreSQL arrays count from 1.
 */
function sweepBatch(sql: Sql, at: string, batch: number) {
  return sql<{ clocks: number; events: number }[]>`
    with due as (
      select c.order_id, c.kind, c.unit_id, c.fired_stage, c.stage_at, c.due_at, c.next_at
      from order_clocks c
      where c.next_at <= ${at}
      order by c.next_at
      limit ${batch}
      for update skip locked
    ), reached as (
      select d.*, greatest(d.fired_stage, (select count(*)::int - 1 from unnest(d.stage_at) s where s <= ${at})) as fired
      from due d
    ), steps as (
      select r.*, g.stage
      from reached r cross join lateral generate_series(r.fired_stage + 1, r.fired) as g(stage)
    ), events as (
      insert into order_events (order_id, at, actor, action, from_status, to_status, unit_id, reason, payload)
      select s.order_id, ${at}, 'system:sweeper', (${LABELS.actions}::text[])[s.stage + 1], o.status, o.status,
        case when s.stage = ${ESCALATE_PARENT} then coalesce((select u.parent_id from units u where u.id = s.unit_id), s.unit_id) else s.unit_id end,
        (${LABELS.kindLabels}::text[])[array_position(${LABELS.kinds}::text[], s.kind)] || '：' || (${LABELS.stageLabels}::text[])[s.stage + 1],
        jsonb_build_object('clock', s.kind, 'stage', stage_name, 'stageAt', to_char(s.stage_at[s.stage + 1] at time zone 'UTC', ${ISO}), 'dueAt', to_char(s.due_at at time zone 'UTC', ${ISO}), 'holderUnitId', s.unit_id)
      from steps s
        join orders o on o.id = s.order_id
        cross join lateral (select (${LABELS.stages}::text[])[s.stage + 1] as stage_name) n
      order by s.next_at, s.order_id, s.kind, s.stage
      returning 1
    ), moved as (
      update order_clocks c set fired_stage = r.fired, next_at = r.stage_at[r.fired + 2]
      from reached r
      where c.order_id = r.order_id and c.kind = r.kind
    )
    select (select count(*) from due)::int as clocks, (select count(*) from events)::int as events`;
}
