/**
 * The deadlines of the generated year, from the pure core: for every hour of the
 * year and every kind of clock, urgency class and request type that keeps its own
 * clocks, the due instant and stage ladder of a clock started at the top of that
 * hour (clockFor + stageSchedule, as the service computes them). The generator
 * joins its clocks to this table instead of doing calendar arithmetic in SQL; a
 * clock started inside the hour is shifted by its offset into the hour, except a
 * working-day clock, whose due instant (24:00 of the Nth working day) depends only
 * on the start date and is taken as computed. Close to what the service writes,
 * exact for natural time and working days; a working-hour clock started near the
 * end of office hours may differ by up to an hour.
 */
import type { Sql } from '../../db/client.ts';
import { basisOf } from '../../server/core/calendar.ts';
import { CLOCK_KINDS, clockFor, durationFor, stageSchedule, URGENCY_CLASSES, type ClockContext } from '../../server/core/deadlines.ts';
import type { RequestType } from '../../server/core/lists.ts';
import { loadChineseDays } from '../../server/rules/calendar.ts';
import { loadRules } from '../../server/rules/load.ts';

/** Request types with clocks of their own (rules/deadlines.yaml requestTypes); '*' stands for the rest. */
export const LADDER_TYPES = ['consultation', 'suggestion', 'praise', '*'] as const;
const HOUR = 3_600_000;

/**
 * Writes `year_ladder` (a working table of the load, dropped after it): one row per distinct time
 * allowed and hour, for clocks started from `from` to `to`; and `year_combos`, which
 * row each kind of clock, urgency class and request type reads.
 */
export async function writeLadder(sql: Sql, from: Date, to: Date): Promise<number> {
  const rules = loadRules();
  const calendar = loadChineseDays();
  const esc = rules.deadlines.escalation;
  const natural = new Set(['minutes', 'hours', 'days']);
  const combos: { kind: string; uclass: string; rtype: string; key: string }[] = [];
  const keys = new Map<string, ClockContext & { kind: (typeof CLOCK_KINDS)[number]; invariant: boolean; workingDays: boolean }>();
  for (const kind of CLOCK_KINDS)
    for (const uclass of URGENCY_CLASSES)
      for (const rtype of LADDER_TYPES) {
        const requestType = rtype === '*' ? undefined : (rtype as RequestType);
        const d = durationFor(rules.deadlines, kind, uclass, undefined, requestType);
        if (!d) continue;
        const key = `${uclass}|${d.amount}|${d.unit}`;
        combos.push({ kind, uclass, rtype, key });
        if (keys.has(key)) continue;
        const ctx: ClockContext = { policy: rules.deadlines, calendar, urgencyClass: uclass, requestType };
        // A natural-time ladder with natural escalation is the same at every hour, shifted.
        const invariant = natural.has(d.unit) && natural.has(esc.unitAfter[uclass].unit) && natural.has(esc.parentAfter[uclass].unit);
        keys.set(key, { ...ctx, kind, invariant, workingDays: basisOf(d) === 'working' && isWorkingDays(ctx, kind) });
      }
  await sql`drop table if exists year_combos`;
  await sql`create unlogged table year_combos (kind text, uclass text, rtype text, key text)`;
  await sql`insert into year_combos ${sql(combos)}`;

  const cols: string[][] = [[], [], [], [], []];
  const start = Math.floor(from.getTime() / HOUR) * HOUR;
  for (const [key, k] of keys) {
    let base: { at: number; due: number; stages: number[] } | undefined;
    for (let at = start; at <= to.getTime() + HOUR; at += HOUR) {
      let due: number;
      let stages: number[];
      if (k.invariant && base) {
        due = base.due + (at - base.at);
        stages = base.stages.map((m) => m + (at - base!.at));
      } else {
        const clock = clockFor(k.kind, new Date(at), k)!;
        due = clock.dueAt.getTime();
        stages = stageSchedule(clock, rules.deadlines, calendar).map((s) => s.at.getTime());
        base ??= { at, due, stages };
      }
      cols[0]!.push(key);
      cols[1]!.push(new Date(at).toISOString());
      cols[2]!.push(k.workingDays ? 'working_days' : k.invariant || natural.has(key.split('|')[2]!) ? 'natural' : 'working');
      cols[3]!.push(new Date(due).toISOString());
      cols[4]!.push(`{${stages.map((m) => new Date(m).toISOString()).join(',')}}`);
    }
  }
  await sql`drop table if exists year_ladder`;
  await sql`
    create unlogged table year_ladder as
    select k as key, b as bucket, s as basis, d as due_at, st::timestamptz[] as stage_at
    from unnest(${cols[0]!}::text[], ${cols[1]!}::timestamptz[], ${cols[2]!}::text[], ${cols[3]!}::timestamptz[], ${cols[4]!}::text[])
      as u(k, b, s, d, st)`;
  await sql`analyze year_ladder`;
  await sql`analyze year_combos`;
  return cols[0]!.length;
}

/** Whether the clock's time allowed is counted in working days (not shifted within the hour). */
function isWorkingDays(ctx: ClockContext, kind: (typeof CLOCK_KINDS)[number]): boolean {
  const probe = new Date('2026-03-02T01:00:00Z'); // a Monday morning in Beijing
  const a = clockFor(kind, probe, ctx)!;
  const b = clockFor(kind, new Date(probe.getTime() + 30 * 60_000), ctx)!;
  // A working-day clock started half an hour later on the same day is due at the same instant.
  return a.dueAt.getTime() === b.dueAt.getTime();
}
