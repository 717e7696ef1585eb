/**
 * The clocks (时限) of a work order and their escalation ladder. Pure: instants
 * come in as arguments, nothing is read or written, no clock is consulted.
 *
 * Each clock is stored with the instants of its whole ladder (`stageSchedule`) and
 * `next_at` = the instant of its next unfired stage. The sweeper selects the clocks
 * whose `next_at <= now` (an indexed range scan) under row locks and fires, in SQL,
 * what `stagesDue` describes: every stage that came due, in ladder order, however
 * long the sweeper was away, then the new `firedStage` and `nextAt`. `stagesDue` is
 * the reference the sweep is tested against (test/sweeper.test.ts).
 *
 * Deadlines never move, except through `extendClock` (延期, approved by a supervisor).
 */
import { basisOf, type Duration, type TimeBasis, type WorkCalendar } from './calendar.ts';
import type { RequestType } from './lists.ts';

/** One duration for each urgency class. */
export type ByUrgencyClass = Record<UrgencyClass, Duration>;

/**
 * 时限规则 (rules/deadlines.yaml): the core's own statement of the policy; the
 * rules loader checks the file against it (server/rules/deadlines-schema.ts).
 */
export interface DeadlinePolicy {
  /** The two 黄灯 warnings, as fractions of the time allowed. */
  warnAt: [number, number];
  clocks: Record<ClockKind, ByUrgencyClass>;
  escalation: {
    /** From the due instant to the escalation to the unit's own supervisor. */
    unitAfter: ByUrgencyClass;
    /** From that escalation to the one to the parent unit's supervisor (督办). */
    parentAfter: ByUrgencyClass;
  };
  /** Deadlines of a category or a group of categories ('env' covers 'env.oil_fume'). */
  overrides: { category: string; clocks: Partial<Record<ClockKind, Partial<ByUrgencyClass>>>; basis?: string }[];
  /**
   * Deadlines of a kind of request (诉求类型): what answering a question or passing on
   * praise takes, whatever its matter. `null`: the kind keeps no such clock.
   */
  requestTypes: Partial<Record<RequestType, RequestTypeDeadlines>>;
  /** 回访: when the callback after a reply is due, and how many unanswered tries close the order (未回访). */
  callback?: CallbackPolicy;
  /** 督办: how long after a 督办 the same order may not be supervised again. */
  supervision?: SupervisionPolicy;
}

export interface SupervisionPolicy {
  /** From a 督办 to the first instant the order may be supervised again. */
  window: Duration;
}
/** 本系统默认 when rules/deadlines.yaml names none: one 督办 per order per 24 hours. */
export const DEFAULT_SUPERVISION: SupervisionPolicy = { window: { amount: 24, unit: 'hours' } };
export const supervisionPolicy = (policy: DeadlinePolicy): SupervisionPolicy => policy.supervision ?? DEFAULT_SUPERVISION;

export interface CallbackPolicy {
  /** From the reply to the callback's deadline. */
  within: Duration;
  /** Unanswered callbacks (未接通) after which the order closes as not reached. */
  attempts: number;
}
/** 本系统默认 when rules/deadlines.yaml names none: 2 working days after the reply, 3 tries. */
export const DEFAULT_CALLBACK: CallbackPolicy = { within: { amount: 2, unit: 'working_days' }, attempts: 3 };
export const callbackPolicy = (policy: DeadlinePolicy): CallbackPolicy => policy.callback ?? DEFAULT_CALLBACK;

export interface RequestTypeDeadlines {
  clocks: Partial<Record<ClockKind, Partial<ByUrgencyClass> | null>>;
  basis?: string;
}

export const CLOCK_KINDS = ['accept', 'transfer', 'claim', 'first_reply', 'resolve'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];
export const CLOCK_LABELS: Record<ClockKind, string> = {
  accept: '受理',
  transfer: '转办',
  claim: '签收',
  first_reply: '首次回复',
  resolve: '办结',
};

/** The classes the urgency rules give (rules/urgency.yaml); anything else is normal. */
export const URGENT_CLASSES = ['danger', 'outage'] as const;
export type UrgentClass = (typeof URGENT_CLASSES)[number];
export const URGENCY_CLASSES = [...URGENT_CLASSES, 'normal'] as const;
export type UrgencyClass = (typeof URGENCY_CLASSES)[number];
export const URGENCY_CLASS_LABELS: Record<UrgencyClass, string> = {
  danger: '危及生命财产安全',
  outage: '停水停电停气停热',
  normal: '一般诉求',
};

/** The ladder, in firing order; a clock's `firedStage` is an index into it. */
export const STAGES = ['warn_50', 'warn_80', 'overdue', 'escalate_unit', 'escalate_parent'] as const;
export type Stage = (typeof STAGES)[number];
export const STAGE_LABELS: Record<Stage, string> = {
  warn_50: '黄灯提醒',
  warn_80: '黄灯预警',
  overdue: '红灯超期',
  escalate_unit: '超期上报本单位负责人',
  escalate_parent: '超期上报上级单位督办',
};

/** 延期 requests: asked, then approved or rejected by a supervisor; only an approval moves a deadline. */
export const EXTENSION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ExtensionStatus = (typeof EXTENSION_STATUSES)[number];

/** What a fired stage tells those watching (the live feed's `sla.*` messages). */
export const STAGE_SIGNALS: Record<Stage, 'warning' | 'overdue' | 'escalated'> = {
  warn_50: 'warning',
  warn_80: 'warning',
  overdue: 'overdue',
  escalate_unit: 'escalated',
  escalate_parent: 'escalated',
};

/** The audit action a fired stage is recorded as: 'sla_warn_50', … */
export const stageAction = (stage: Stage): string => `sla_${stage}`;
const STAGE_OF_ACTION = new Map<string, Stage>(STAGES.map((s) => [stageAction(s), s]));
/** The stage an audit action records the firing of, or null for any other action. */
export const stageOfAction = (action: string): Stage | null => STAGE_OF_ACTION.get(action) ?? null;

export interface Clock {
  kind: ClockKind;
  urgencyClass: UrgencyClass;
  /** How the warnings measure elapsed time; the basis of the duration the due instant came from. */
  basis: TimeBasis;
  startedAt: Date;
  dueAt: Date;
  stoppedAt: Date | null;
  /** Paused clocks fire nothing; the deadline does not move while paused. */
  pausedAt: Date | null;
  /** Index into STAGES of the last stage fired, -1 for none. */
  firedStage: number;
}

export interface StageAt {
  stage: Stage;
  at: Date;
}

/**
 * How a running clock stands on the board (督办看板's three columns): overdue once
 * due, at risk once a warning has fired, else on time.
 */
export const CLOCK_STANDINGS = ['onTime', 'atRisk', 'overdue'] as const;
export type ClockStanding = (typeof CLOCK_STANDINGS)[number];
export const STANDING_LABELS: Record<ClockStanding, string> = {
  onTime: '按时',
  atRisk: '黄灯预警',
  overdue: '红灯超期',
};

export type ClockState = 'running' | 'warned' | 'overdue' | 'met' | 'missed' | 'paused';
export const CLOCK_STATE_LABELS: Record<ClockState, string> = {
  running: '计时中',
  warned: '黄灯',
  overdue: '红灯超期',
  met: '按时完成',
  missed: '超期完成',
  paused: '已暂停',
};

const sameCategory = (override: string, code: string) => code === override || code.startsWith(`${override}.`);

/**
 * The time allowed for a clock. The most specific override naming the category
 * (exact code before group prefix) and giving this kind and class wins; else
 * the class default.
 */
export function durationFor(
  policy: DeadlinePolicy,
  kind: ClockKind,
  urgencyClass: UrgencyClass,
  categoryCode?: string,
  requestType?: RequestType,
): Duration | null {
  // A request type names the clocks its kind of work changes; it is read before the
  // category's overrides, which were written for the work of fixing things.
  const byType = requestType === undefined ? undefined : policy.requestTypes[requestType]?.clocks;
  if (byType && Object.hasOwn(byType, kind)) {
    const forKind = byType[kind];
    if (forKind === null) return null;
    if (forKind?.[urgencyClass]) return forKind[urgencyClass];
  }
  if (categoryCode !== undefined) {
    const best = policy.overrides
      .filter((o) => sameCategory(o.category, categoryCode) && o.clocks[kind]?.[urgencyClass])
      .sort((a, b) => b.category.length - a.category.length)[0];
    const found = best?.clocks[kind]?.[urgencyClass];
    if (found) return found;
  }
  return policy.clocks[kind][urgencyClass];
}

export function startClock(kind: ClockKind, at: Date, due: Date, meta: { urgencyClass: UrgencyClass; basis: TimeBasis }): Clock {
  if (due.getTime() <= at.getTime()) throw new RangeError(`clock ${kind}: due ${due.toISOString()} is not after start ${at.toISOString()}`);
  return {
    kind,
    urgencyClass: meta.urgencyClass,
    basis: meta.basis,
    startedAt: at,
    dueAt: due,
    stoppedAt: null,
    pausedAt: null,
    firedStage: -1,
  };
}

/** The deadline rules in force and the calendar they count on: what every clock write needs. */
export interface Deadlines {
  policy: DeadlinePolicy;
  calendar: WorkCalendar;
}

export interface ClockContext {
  policy: DeadlinePolicy;
  calendar: WorkCalendar;
  urgencyClass: UrgencyClass;
  categoryCode?: string;
  requestType?: RequestType;
}

/** A clock started at `at` with the time the policy allows it, or null when the order's kind keeps no such clock. */
export function clockFor(kind: ClockKind, at: Date, ctx: ClockContext): Clock | null {
  const d = durationFor(ctx.policy, kind, ctx.urgencyClass, ctx.categoryCode, ctx.requestType);
  return d && startClock(kind, at, ctx.calendar.add(at, d), { urgencyClass: ctx.urgencyClass, basis: basisOf(d) });
}

/** Stopping twice keeps the first stop: that is when the work was done. */
export function stopClock(clock: Clock, at: Date): Clock {
  return clock.stoppedAt ? clock : { ...clock, stoppedAt: at, pausedAt: null };
}

export function pauseClock(clock: Clock, at: Date): Clock {
  return clock.stoppedAt || clock.pausedAt ? clock : { ...clock, pausedAt: at };
}

/**
 * The paused span is not given back: a deadline only moves by `extendClock`. Stages
 * that came due during the pause fire at the next sweep, in order.
 */
export function resumeClock(clock: Clock): Clock {
  return clock.pausedAt ? { ...clock, pausedAt: null } : clock;
}

/** The instant of every stage of the ladder; never decreasing. */
export function stageSchedule(clock: Clock, policy: DeadlinePolicy, calendar: WorkCalendar): StageAt[] {
  const { startedAt, dueAt, basis, urgencyClass } = clock;
  const escalateUnit = calendar.add(dueAt, policy.escalation.unitAfter[urgencyClass]);
  const instants = [
    calendar.instantAtFraction(startedAt, dueAt, policy.warnAt[0], basis),
    calendar.instantAtFraction(startedAt, dueAt, policy.warnAt[1], basis),
    dueAt,
    escalateUnit,
    calendar.add(escalateUnit, policy.escalation.parentAfter[urgencyClass]),
  ];
  let floor = -Infinity;
  return STAGES.map((stage, i) => {
    floor = Math.max(floor, instants[i]!.getTime());
    return { stage, at: new Date(floor) };
  });
}

const live = (clock: Clock) => !clock.stoppedAt && !clock.pausedAt;

/** The next stage of the clock's `stageSchedule` to fire, or null when all fired or the clock is stopped or paused. */
export function nextStage(clock: Clock, schedule: readonly StageAt[]): StageAt | null {
  return live(clock) ? (schedule[clock.firedStage + 1] ?? null) : null;
}

export interface DueStages {
  /** To fire now, in ladder order. */
  stages: StageAt[];
  /** The clock's `firedStage` once they have fired. */
  firedStage: number;
  /** The next unfired stage's instant: the clock's new `next_at`. */
  nextAt: Date | null;
}

export function stagesDue(clock: Clock, now: Date, calendar: WorkCalendar, policy: DeadlinePolicy): DueStages {
  if (!live(clock)) return { stages: [], firedStage: clock.firedStage, nextAt: null };
  const schedule = stageSchedule(clock, policy, calendar);
  const stages: StageAt[] = [];
  let fired = clock.firedStage;
  for (let next = schedule[fired + 1]; next && next.at.getTime() <= now.getTime(); next = schedule[fired + 1]) {
    stages.push(next);
    fired++;
  }
  return { stages, firedStage: fired, nextAt: nextStage({ ...clock, firedStage: fired }, schedule)?.at ?? null };
}

/**
 * 延期 to `newDue`, granted at `at`. Warnings are measured against the new deadline:
 * a stage fired before whose new instant is still ahead fires again when it comes;
 * a stage fired before whose new instant has passed is not repeated; a stage never
 * fired whose new instant has passed fires at the next sweep. Hence
 * `firedStage = min(old firedStage, last stage at or before "at" under the new deadline)`.
 */
export function extendClock(clock: Clock, newDue: Date, at: Date, policy: DeadlinePolicy, calendar: WorkCalendar): Clock {
  if (clock.stoppedAt) throw new Error(`「${CLOCK_LABELS[clock.kind]}」时限已停止计时，不能延期`);
  if (newDue.getTime() <= clock.dueAt.getTime()) throw new RangeError(`延期后的时限必须晚于原时限 ${clock.dueAt.toISOString()}`);
  const extended = { ...clock, dueAt: newDue };
  const schedule = stageSchedule(extended, policy, calendar);
  let passed = -1;
  while (schedule[passed + 1] && schedule[passed + 1]!.at.getTime() <= at.getTime()) passed++;
  return { ...extended, firedStage: Math.min(clock.firedStage, passed) };
}

/**
 * For display. The due instant is the first late one: 'met' means stopped before
 * it. 'warned' follows the sweeper (a warning has fired), so boards agree with the
 * notifications sent. `timeLeftMs` runs to the due instant from now, or from the
 * stop for a stopped clock (negative: late by that much).
 */
export function clockState(clock: Clock, now: Date): { state: ClockState; timeLeftMs: number } {
  const due = clock.dueAt.getTime();
  if (clock.stoppedAt) {
    const stopped = clock.stoppedAt.getTime();
    return { state: stopped < due ? 'met' : 'missed', timeLeftMs: due - stopped };
  }
  const timeLeftMs = due - now.getTime();
  if (clock.pausedAt) return { state: 'paused', timeLeftMs };
  if (timeLeftMs <= 0) return { state: 'overdue', timeLeftMs };
  return { state: clock.firedStage >= 0 ? 'warned' : 'running', timeLeftMs };
}

/**
 * Which clocks an order action touches, applied in this order:
 * - stop: stop the clock if it is running;
 * - start: start it only if the order never had this clock (首次: first reply is measured once);
 * - restart: start it afresh whatever its state: the new holder gets the full time.
 */
export interface ClockEffects {
  stop: readonly ClockKind[];
  start: readonly ClockKind[];
  restart: readonly ClockKind[];
}

const effects = (stop: ClockKind[], start: ClockKind[], restart: ClockKind[]): ClockEffects => ({ stop, start, restart });

export const CLOCK_EFFECTS: Readonly<Record<string, ClockEffects>> = {
  create: effects([], ['accept'], []),
  // 办结 is counted from 受理 (seed 000: 受理投诉后5个工作日内反馈).
  accept: effects(['accept'], ['transfer', 'resolve'], []),
  // The claim clock restarts on every dispatch: after a return the new unit gets the full time.
  dispatch: effects(['transfer'], [], ['claim']),
  redispatch: effects([], [], ['claim']),
  hand_down: effects([], [], ['claim']),
  // First reply keeps running across hand-downs and returns: the citizen is still waiting.
  claim: effects(['claim'], ['first_reply'], []),
  return: effects(['claim'], [], ['transfer']),
  reply: effects(['first_reply'], [], []),
  close: effects(['resolve'], [], []),
  // 重办: the unit claims again and gets a full resolution period; the first reply was given.
  reopen: effects([], [], ['claim', 'resolve']),
  // 派单异议成立: sent afresh to the unit found responsible, which gets the full time to claim and
  // to resolve (the time lost with the wrong unit is the hotline's, not its); 首次回复 runs on, as after a return.
  uphold_objection: effects([], [], ['claim', 'resolve']),
  merge: effects([...CLOCK_KINDS], [], []),
  // 直办: answered on the call, every running clock met.
  answer: effects([...CLOCK_KINDS], [], []),
  // 重办 of an order answered on the call: back to the dispatcher, with the time to dispatch and to resolve.
  reopen_to_queue: effects([], [], ['transfer', 'resolve']),
  transfer: effects([...CLOCK_KINDS], [], []),
};

const NO_EFFECTS = effects([], [], []);

/**
 * The row of CLOCK_EFFECTS an action takes, knowing where it led: a 重办 that went
 * back to the dispatcher's queue (直办) has no unit to claim it.
 */
export const clockStep = (action: string, toStatus: string): string =>
  action === 'reopen' && toStatus === 'accepted'
    ? 'reopen_to_queue'
    : // The last unanswered callback closes the order: its clocks stop as at any close.
      action === 'callback_missed' && toStatus === 'closed'
      ? 'close'
      : action;

/** Actions not in the table (urge, supervise, supplement, assists...) touch no clock. */
export function clockEffects(action: string): ClockEffects {
  return Object.hasOwn(CLOCK_EFFECTS, action) ? CLOCK_EFFECTS[action]! : NO_EFFECTS;
}

/**
 * The clocks to write after `action` at `at`, given the order's clocks (one per kind,
 * as stored): stopped ones and fresh ones; clocks not returned are unchanged.
 */
export function applyClockEffects(clocks: readonly Clock[], action: string, at: Date, ctx: ClockContext): Clock[] {
  const e = clockEffects(action);
  const had = new Map(clocks.map((c) => [c.kind, c]));
  const changed = new Map<ClockKind, Clock>();
  for (const kind of e.stop) {
    const clock = had.get(kind);
    if (clock && !clock.stoppedAt) changed.set(kind, stopClock(clock, at));
  }
  const started = (kind: ClockKind) => {
    const clock = clockFor(kind, at, ctx);
    if (clock) changed.set(kind, clock);
  };
  for (const kind of e.start) if (!had.has(kind)) started(kind);
  for (const kind of e.restart) started(kind);
  return [...changed.values()];
}
