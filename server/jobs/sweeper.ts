/**
 * 时限督办: fire every due stage of every clock (黄灯 warnings, 红灯 overdue, escalation
 * to the unit's supervisor and then to the parent unit), each exactly once.
 *
 * Only clocks whose `next_at` has come are read (a partial index), so the cost of a
 * sweep follows what is due, not what is open. Each batch takes its rows with
 * FOR UPDATE SKIP LOCKED and writes their events and new `fired_stage` / `next_at`
 * in one transaction: two sweepers never take the same clock, and a sweeper killed
 * halfway leaves its batch to be done again, whole, by the next one.
 */
import type { Sql } from '../../db/client.ts';
import { clockFromRow } from '../../db/queries/clocks.ts';
import { CLOCK_LABELS, STAGE_LABELS, stagesDue } from '../core/deadlines.ts';
import type { Deadlines } from '../plugins/deadlines.ts';

export interface SweepResult {
  clocks: number;
  events: number;
}

export async function sweepDueClocks(
  sql: Sql,
  deps: Deadlines,
  now: Date,
  opts: { batch?: number; workers?: number } = {},
): Promise<SweepResult> {
  const result: SweepResult = { clocks: 0, events: 0 };
  // Workers on separate connections share the due rows through SKIP LOCKED, as other instances would.
  await Promise.all(Array.from({ length: opts.workers ?? 2 }, () => sweepBatches(sql, deps, now, opts.batch ?? 1000, result)));
  return result;
}

async function sweepBatches(sql: Sql, deps: Deadlines, now: Date, batch: number, result: SweepResult): Promise<void> {
  const at = now.toISOString();
  for (;;) {
    const done = await sql.begin(async (tx) => {
      const rows = await tx`
        select c.*, o.status, u.parent_id as parent_unit_id
        from order_clocks c
        join orders o on o.id = c.order_id
        join units u on u.id = c.unit_id
        where c.next_at <= ${at}
        order by c.next_at
        limit ${batch}
        for update of c skip locked`;
      if (rows.length === 0) return 0;
      const ev = { order: [] as number[], action: [] as string[], status: [] as string[], unit: [] as string[], reason: [] as string[], payload: [] as string[] };
      const upd = { order: [] as number[], kind: [] as string[], fired: [] as number[], next: [] as (string | null)[] };
      for (const row of rows) {
        const clock = clockFromRow({
          ...row,
          orderId: Number(row.order_id),
          kind: row.kind,
          unitId: row.unit_id,
          urgencyClass: row.urgency_class,
          basis: row.basis,
          startedAt: new Date(row.started_at),
          dueAt: new Date(row.due_at),
          stoppedAt: row.stopped_at ? new Date(row.stopped_at) : null,
          pausedAt: row.paused_at ? new Date(row.paused_at) : null,
          firedStage: Number(row.fired_stage),
          nextAt: null,
          extensions: Number(row.extensions),
        });
        const due = stagesDue(clock, now, deps.calendar, deps.policy);
        for (const s of due.stages) {
          const escalateUp = s.stage === 'escalate_parent' && row.parent_unit_id;
          ev.order.push(Number(row.order_id));
          ev.action.push(`sla_${s.stage}`);
          ev.status.push(row.status);
          ev.unit.push(escalateUp ? row.parent_unit_id : row.unit_id);
          ev.reason.push(`${CLOCK_LABELS[clock.kind]}：${STAGE_LABELS[s.stage]}`);
          ev.payload.push(JSON.stringify({ clock: clock.kind, stage: s.stage, stageAt: s.at.toISOString(), dueAt: clock.dueAt.toISOString(), holderUnitId: row.unit_id }));
        }
        upd.order.push(Number(row.order_id));
        upd.kind.push(row.kind);
        upd.fired.push(due.firedStage);
        upd.next.push(due.nextAt?.toISOString() ?? null);
      }
      if (ev.order.length > 0) {
        await tx`
          insert into order_events (order_id, at, actor, action, from_status, to_status, unit_id, reason, payload)
          select e.order_id, ${at}, 'system:sweeper', e.action, e.status, e.status, e.unit_id, e.reason, e.payload::jsonb
          from unnest(${ev.order.map(String)}::text[]::bigint[], ${ev.action}::text[], ${ev.status}::text[], ${ev.unit}::text[], ${ev.reason}::text[], ${ev.payload}::text[])
            with ordinality as e(order_id, action, status, unit_id, reason, payload, ord)
          order by e.ord`;
      }
      await tx`
        update order_clocks c set fired_stage = u.fired, next_at = u.next_at
        from unnest(${upd.order.map(String)}::text[]::bigint[], ${upd.kind}::text[], ${upd.fired.map(String)}::text[]::int[], ${upd.next}::text[]::timestamptz[]) as u(order_id, kind, fired, next_at)
        where c.order_id = u.order_id and c.kind = u.kind`;
      result.events += ev.order.length;
      return rows.length;
    });
    result.clocks += done;
    if (done < batch) return;
  }
}
