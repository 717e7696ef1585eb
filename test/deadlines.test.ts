import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import t from 'tap';
import { parse } from 'yaml';
import { loadChineseDays } from '../server/rules/calendar.ts';
import {
  applyClockEffects,
  clockEffects,
  clockFor,
  clockState,
  durationFor,
  extendClock,
  nextStage,
  pauseClock,
  resumeClock,
  stageSchedule,
  stagesDue,
  startClock,
  stopClock,
  STAGES,
  type Clock,
  type ClockContext,
  type Stage,
} from '../server/core/deadlines.ts';
import { deadlinePolicyProblems, DeadlinesFile, type DeadlinePolicy } from '../server/rules/deadlines-schema.ts';
import { defaultRulesDir, loadRules } from '../server/rules/load.ts';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const calendar = loadChineseDays();
const readYaml = (file: string) => parse(fs.readFileSync(path.join(defaultRulesDir, file), 'utf8'));
const policy = readYaml('deadlines.yaml') as DeadlinePolicy;
const MIN = 60_000;

/** A sweeper over one clock, as the service will run it: fire what is due, store the rest. */
function sweep(clock: Clock, now: Date, log: { stage: Stage; at: Date; firedAt: Date }[]): Clock {
  const due = stagesDue(clock, now, calendar, policy);
  for (const s of due.stages) log.push({ ...s, firedAt: now });
  return { ...clock, firedStage: due.firedStage };
}

t.test('the shipped deadlines.yaml is valid and cites what it implements', async (t) => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(DeadlinesFile);
  t.ok(validate(policy), 'valid', { errors: validate.errors });
  const codes = new Set(loadRules().categories.map((c) => c.code));
  t.same(deadlinePolicyProblems(policy, codes), []);
  const text = fs.readFileSync(path.join(defaultRulesDir, 'deadlines.yaml'), 'utf8');
  t.match(text, /天津市政务服务便民热线管理办法/);
  t.match(text, /受理投诉后5个工作日内/);

  t.notOk(validate({ ...policy, warnAt: [0.5, 1] }), 'a warning at 100% is the overdue stage');
  t.notOk(validate({ ...policy, extra: 1 }), 'unknown fields are refused');
  t.notOk(
    validate({ ...policy, clocks: { ...policy.clocks, claim: { danger: policy.clocks.claim.danger } } }),
    'every class needs a deadline',
  );
  t.same(
    deadlinePolicyProblems({ ...policy, warnAt: [0.8, 0.5] }).map((p) => p.at),
    [['warnAt']],
  );
  const bad = { ...policy, overrides: [{ category: 'nope', clocks: { claim: { normal: { amount: 1, unit: 'hours' as const } } } }] };
  t.same(
    deadlinePolicyProblems(bad, codes).map((p) => p.reason),
    ['unknown category "nope"'],
  );
});

t.test('durations by urgency class and category override', async (t) => {
  t.same(durationFor(policy, 'claim', 'danger'), { amount: 15, unit: 'minutes' });
  t.same(durationFor(policy, 'claim', 'outage'), { amount: 30, unit: 'minutes' });
  t.same(durationFor(policy, 'claim', 'normal'), { amount: 1, unit: 'working_days' });
  t.same(durationFor(policy, 'resolve', 'normal', 'env.oil_fume'), { amount: 5, unit: 'working_days' });

  const local: DeadlinePolicy = {
    ...policy,
    overrides: [
      { category: 'env', clocks: { resolve: { normal: { amount: 4, unit: 'working_days' } } } },
      { category: 'env.oil_fume', clocks: { resolve: { normal: { amount: 3, unit: 'working_days' } } } },
      { category: 'env.oil_fume', clocks: { first_reply: { outage: { amount: 90, unit: 'minutes' } } } },
    ],
  };
  t.same(durationFor(local, 'resolve', 'normal', 'env.oil_fume'), { amount: 3, unit: 'working_days' }, 'exact code wins');
  t.same(durationFor(local, 'resolve', 'normal', 'env.construction_noise'), { amount: 4, unit: 'working_days' }, 'group prefix');
  t.same(durationFor(local, 'resolve', 'normal', 'environment.x'), { amount: 5, unit: 'working_days' }, 'a prefix is a whole segment');
  t.same(durationFor(local, 'resolve', 'danger', 'env.oil_fume'), { amount: 1, unit: 'days' }, 'other classes keep the default');
  t.same(durationFor(local, 'first_reply', 'outage', 'env.oil_fume'), { amount: 90, unit: 'minutes' });
  t.same(durationFor(local, 'resolve', 'normal'), { amount: 5, unit: 'working_days' }, 'no category: the default');

  const ctx: ClockContext = { policy: local, calendar, urgencyClass: 'normal', categoryCode: 'env.oil_fume' };
  const clock = clockFor('resolve', bj('2026-09-24 10:00'), ctx)!;
  t.same(clock.dueAt, bj('2026-10-01 00:00'), '3 working days: 09-28, 09-29, 09-30');
  t.equal(clock.basis, 'working');
});

t.test('a danger claim clock: every stage at its instant, exactly once, in order', async (t) => {
  const start = bj('2026-10-01 10:00'); // a holiday: natural time all the same
  let clock = clockFor('claim', start, { policy, calendar, urgencyClass: 'danger' })!;
  t.same(clock.dueAt, bj('2026-10-01 10:15'));
  const expected: [Stage, Date][] = [
    ['warn_50', new Date(start.getTime() + 7.5 * MIN)],
    ['warn_80', bj('2026-10-01 10:12')],
    ['overdue', bj('2026-10-01 10:15')],
    ['escalate_unit', bj('2026-10-01 10:30')],
    ['escalate_parent', bj('2026-10-01 11:00')],
  ];
  t.same(
    stageSchedule(clock, policy, calendar).map((s) => [s.stage, s.at]),
    expected,
  );
  t.same(nextStage(clock, stageSchedule(clock, policy, calendar)), { stage: 'warn_50', at: expected[0]![1] });

  const log: { stage: Stage; at: Date; firedAt: Date }[] = [];
  for (let now = start.getTime(); now <= bj('2026-10-01 12:00').getTime(); now += 30_000) clock = sweep(clock, new Date(now), log);
  t.same(
    log.map((l) => l.stage),
    [...STAGES],
    'each stage once, in ladder order',
  );
  for (const l of log) t.same(l.firedAt, l.at, `${l.stage} fired at its instant`);
  t.equal(clock.firedStage, STAGES.length - 1);
  t.equal(nextStage(clock, stageSchedule(clock, policy, calendar)), null);
  t.same(stagesDue(clock, bj('2026-10-02 00:00'), calendar, policy), { stages: [], firedStage: 4, nextAt: null });
});

t.test('after an outage of the sweeper, every stage due fires at once, in order', async (t) => {
  const clock = clockFor('claim', bj('2026-03-10 10:00'), { policy, calendar, urgencyClass: 'outage' })!;
  const early = stagesDue(clock, bj('2026-03-10 10:20'), calendar, policy);
  t.same(
    early.stages.map((s) => s.stage),
    ['warn_50'],
    '50% of 30 minutes passed',
  );
  t.same(early.nextAt, bj('2026-03-10 10:24'));

  const late = stagesDue({ ...clock, firedStage: early.firedStage }, bj('2026-03-10 11:10'), calendar, policy);
  t.same(
    late.stages.map((s) => s.stage),
    ['warn_80', 'overdue', 'escalate_unit'],
    'parent escalation not yet due',
  );
  t.equal(late.firedStage, 3);
  t.same(late.nextAt, bj('2026-03-10 12:00'), 'due 10:30, unit at 11:00, parent an hour later');

  const all = stagesDue(clock, bj('2026-03-11 09:00'), calendar, policy);
  t.same(
    all.stages.map((s) => s.stage),
    [...STAGES],
  );
  t.equal(all.nextAt, null);
});

t.test('a normal resolution clock warns in office hours and escalates on working time', async (t) => {
  const clock = clockFor('resolve', bj('2026-09-24 10:00'), { policy, calendar, urgencyClass: 'normal' })!;
  t.same(
    stageSchedule(clock, policy, calendar).map((s) => [s.stage, s.at]),
    [
      ['warn_50', bj('2026-09-30 09:30')],
      ['warn_80', bj('2026-10-08 15:36')],
      ['overdue', bj('2026-10-10 00:00')],
      ['escalate_unit', bj('2026-10-10 13:00')], // 10-10 is a make-up Saturday
      ['escalate_parent', bj('2026-10-12 13:00')],
    ],
  );
});

t.test('stopped and paused clocks fire nothing', async (t) => {
  const clock = clockFor('claim', bj('2026-03-10 10:00'), { policy, calendar, urgencyClass: 'danger' })!;
  const stopped = stopClock(clock, bj('2026-03-10 10:05'));
  t.same(stagesDue(stopped, bj('2026-03-11 10:00'), calendar, policy), { stages: [], firedStage: -1, nextAt: null });
  t.equal(nextStage(stopped, stageSchedule(stopped, policy, calendar)), null);
  t.equal(stopClock(stopped, bj('2026-03-10 11:00')).stoppedAt, stopped.stoppedAt, 'the first stop stands');

  const paused = pauseClock(clock, bj('2026-03-10 10:05'));
  t.same(stagesDue(paused, bj('2026-03-11 10:00'), calendar, policy), { stages: [], firedStage: -1, nextAt: null });
  t.equal(nextStage(paused, stageSchedule(paused, policy, calendar)), null);
  const resumed = resumeClock(paused);
  t.same(resumed.dueAt, clock.dueAt, 'a pause does not move the deadline');
  t.same(
    stagesDue(resumed, bj('2026-03-10 10:20'), calendar, policy).stages.map((s) => s.stage),
    ['warn_50', 'warn_80', 'overdue'],
  );
});

t.test('an extension recomputes the ladder against the new deadline', async (t) => {
  const meta = { urgencyClass: 'danger', basis: 'natural' } as const;
  const clock = startClock('first_reply', bj('2026-03-10 10:00'), bj('2026-03-10 11:00'), meta);
  const newDue = bj('2026-03-10 12:00'); // new warnings at 11:00 and 11:36

  const warned = extendClock({ ...clock, firedStage: 1 }, newDue, bj('2026-03-10 10:50'), policy, calendar);
  t.same(warned.dueAt, newDue);
  t.equal(warned.firedStage, -1, 'both warnings are still ahead under the new deadline: they fire again');
  t.equal(clockState(warned, bj('2026-03-10 10:55')).state, 'running');
  t.same(
    stagesDue(warned, bj('2026-03-10 11:40'), calendar, policy).stages.map((s) => s.stage),
    ['warn_50', 'warn_80'],
  );

  const overdue = extendClock({ ...clock, firedStage: 2 }, newDue, bj('2026-03-10 11:10'), policy, calendar);
  t.equal(overdue.firedStage, 0, 'warn_50 already passed under the new deadline: not repeated');
  t.same(nextStage(overdue, stageSchedule(overdue, policy, calendar)), { stage: 'warn_80', at: bj('2026-03-10 11:36') });
  t.equal(clockState(overdue, bj('2026-03-10 11:10')).state, 'warned');

  const lagging = extendClock(clock, newDue, bj('2026-03-10 11:10'), policy, calendar);
  t.equal(lagging.firedStage, -1, 'a stage never fired is not skipped: it fires at the next sweep');
  t.same(
    stagesDue(lagging, bj('2026-03-10 11:10'), calendar, policy).stages.map((s) => s.stage),
    ['warn_50'],
  );

  t.throws(() => extendClock(clock, bj('2026-03-10 10:30'), bj('2026-03-10 10:10'), policy, calendar), /晚于原时限/);
  t.throws(() => extendClock(stopClock(clock, bj('2026-03-10 10:20')), newDue, bj('2026-03-10 10:30'), policy, calendar), /已停止/);
});

t.test('clock state for display', async (t) => {
  const clock = startClock('claim', bj('2026-03-10 10:00'), bj('2026-03-10 10:15'), { urgencyClass: 'danger', basis: 'natural' });
  t.same(clockState(clock, bj('2026-03-10 10:05')), { state: 'running', timeLeftMs: 10 * MIN });
  t.same(clockState({ ...clock, firedStage: 0 }, bj('2026-03-10 10:10')), { state: 'warned', timeLeftMs: 5 * MIN });
  t.same(clockState({ ...clock, firedStage: 1 }, bj('2026-03-10 10:15')), { state: 'overdue', timeLeftMs: 0 });
  t.same(clockState(clock, bj('2026-03-10 10:25')), { state: 'overdue', timeLeftMs: -10 * MIN });
  t.same(clockState(stopClock(clock, bj('2026-03-10 10:14')), bj('2026-03-11 00:00')), { state: 'met', timeLeftMs: MIN });
  t.same(clockState(stopClock(clock, bj('2026-03-10 10:20')), bj('2026-03-11 00:00')), { state: 'missed', timeLeftMs: -5 * MIN });
  t.same(clockState(pauseClock(clock, bj('2026-03-10 10:05')), bj('2026-03-10 10:25')), { state: 'paused', timeLeftMs: -10 * MIN });
  t.throws(() => startClock('claim', bj('2026-03-10 10:00'), bj('2026-03-10 10:00'), { urgencyClass: 'danger', basis: 'natural' }));
});

t.test('order actions start, stop and restart clocks', async (t) => {
  t.same(clockEffects('hand_down'), { stop: [], start: [], restart: ['claim'] });
  t.same(clockEffects('dispatch'), { stop: ['transfer'], start: [], restart: ['claim'] });
  t.same(clockEffects('return'), { stop: ['claim'], start: [], restart: ['transfer'] });
  t.same(clockEffects('urge'), { stop: [], start: [], restart: [] });
  t.same(clockEffects('toString'), { stop: [], start: [], restart: [] }, 'no inherited keys');

  const ctx: ClockContext = { policy, calendar, urgencyClass: 'normal' };
  const clocks = new Map<string, Clock>();
  const act = (action: string, at: string) => {
    const changed = applyClockEffects([...clocks.values()], action, bj(at), ctx);
    for (const c of changed) clocks.set(c.kind, c);
    return changed.map((c) => `${c.stoppedAt ? 'stop' : 'start'} ${c.kind}`);
  };
  t.same(act('create', '2026-03-10 08:00'), ['start accept']);
  t.same(act('accept', '2026-03-10 08:30'), ['stop accept', 'start transfer', 'start resolve']);
  t.same(act('dispatch', '2026-03-10 09:00'), ['stop transfer', 'start claim']);
  t.same(act('claim', '2026-03-10 10:00'), ['stop claim', 'start first_reply']);
  t.same(act('hand_down', '2026-03-10 11:00'), ['start claim'], 'the street gets a fresh claim clock');
  t.same(clocks.get('claim')!.startedAt, bj('2026-03-10 11:00'));
  t.same(clocks.get('claim')!.dueAt, bj('2026-03-12 00:00'));
  t.same(act('claim', '2026-03-10 14:00'), ['stop claim'], 'first reply is not restarted by the second claim');
  t.same(clocks.get('first_reply')!.startedAt, bj('2026-03-10 10:00'));
  t.same(act('return', '2026-03-10 15:00'), ['start transfer'], 'claim was already stopped');
  t.same(act('dispatch', '2026-03-10 15:30'), ['stop transfer', 'start claim']);
  t.same(act('claim', '2026-03-10 16:00'), ['stop claim']);
  t.same(act('reply', '2026-03-11 10:00'), ['stop first_reply']);
  t.same(act('close', '2026-03-12 10:00'), ['stop resolve']);
  t.same(act('reopen', '2026-03-13 10:00'), ['start claim', 'start resolve']);
  t.same(clocks.get('resolve')!.dueAt, bj('2026-03-21 00:00'), 'a full 5 working days from the reopening');
  t.same(act('transfer', '2026-03-13 11:00'), ['stop claim', 'stop resolve'], 'only running clocks are stopped');
});
