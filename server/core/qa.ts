/**
 * 人工质检 (pure): which closed orders a quality inspector (质检员) samples, and how a
 * score on the rubric of rules/qa-rubric.yaml is checked and totalled. The service
 * samples an order in the transaction that closes it (server/qa/sampling.ts) and
 * may sample a period again on demand: the same decision from the same facts, so a
 * rerun picks the same orders.
 */
import { DomainError } from './errors.ts';
import type { EventDraft, OrderStatus } from './lifecycle.ts';

/** Why an order was sampled, the strongest reason first: an order is sampled once, under the first that holds. */
export const QA_REASONS = ['flagged', 'dissatisfied', 'random'] as const;
export type QaReason = (typeof QA_REASONS)[number];
export const QA_REASON_LABELS: Record<QaReason, string> = {
  flagged: '答复经提示仍发送',
  dissatisfied: '诉求人不满意',
  random: '随机抽检',
};

export const QA_STATUSES = ['pending', 'scored'] as const;
export type QaStatus = (typeof QA_STATUSES)[number];
export const QA_STATUS_LABELS: Record<QaStatus, string> = { pending: '待评分', scored: '已评分' };

/** rules/qa-rubric.yaml as the core reads it. */
export interface QaRubric {
  /** 0–1: the share of the other closed orders sampled at random. */
  sampleShare: number;
  /** A total of this or more passes. */
  passMark: number;
  items: { code: string; label: string; max: number; guide: string }[];
}

/** What decides whether a closed order is sampled. */
export interface SampleFacts {
  orderId: number;
  /** A reply of the order was sent past a finding of the automatic checks (with a reason). */
  flagged: boolean;
  /** The citizen was unsatisfied with a reply: every 重办 records 不满意. */
  dissatisfied: boolean;
}

const BUCKETS = 10_000;

/**
 * The order's place among 10 000 buckets: Knuth's multiplicative hash of its id
 * (mod 2³²), so consecutive ids spread evenly and the same id always lands alike.
 */
export function sampleBucket(orderId: number): number {
  return Number(((BigInt(orderId) * 2654435761n) % 4294967296n) % BigInt(BUCKETS));
}

/** The reason to sample this order, or null: flagged and dissatisfied always, the rest when its bucket falls in the share. */
export function sampleReason(f: SampleFacts, sampleShare: number): QaReason | null {
  if (f.flagged) return 'flagged';
  if (f.dissatisfied) return 'dissatisfied';
  return sampleBucket(f.orderId) < Math.round(sampleShare * BUCKETS) ? 'random' : null;
}

export interface QaScore {
  items: Record<string, number>;
  total: number;
  passed: boolean;
}

/**
 * Every item of the rubric scored, each within 0..max, nothing else: the total and
 * whether it passes. Refuses naming the field (`items.<code>`) of the first fault.
 */
export function scoreOnRubric(items: Record<string, number>, rubric: QaRubric): QaScore {
  const known = new Map(rubric.items.map((i) => [i.code, i]));
  for (const code of Object.keys(items)) {
    if (!known.has(code)) throw new DomainError('BAD_FIELD', `评分项「${code}」不在质检评分表中`, { field: `items.${code}` });
  }
  for (const item of rubric.items) {
    const points = items[item.code];
    if (points === undefined) throw new DomainError('MISSING_FIELD', `缺少评分项「${item.label}」`, { field: `items.${item.code}` });
    if (!Number.isInteger(points) || points < 0 || points > item.max) {
      throw new DomainError('BAD_FIELD', `「${item.label}」的得分须为 0 到 ${item.max} 的整数`, { field: `items.${item.code}` });
    }
  }
  const ordered = Object.fromEntries(rubric.items.map((i) => [i.code, items[i.code]!]));
  const total = rubric.items.reduce((n, i) => n + items[i.code]!, 0);
  return { items: ordered, total, passed: total >= rubric.passMark };
}

/** The audit event of a score on the order's trail (痕迹): it names no step of the state machine, the status stays. */
export const QA_SCORE_ACTION = 'qa_score';

/**
 * One score per sample: a second is refused (409), not taken as a revision, so the
 * figure a unit was assessed on cannot move behind it. Then the score on the rubric.
 */
export function decideScore(
  sample: { id: number; scoredAt: Date | null; orderStatus: OrderStatus; currentUnitId: string },
  input: { items: Record<string, number>; comment: string | null },
  rubric: QaRubric,
): { score: QaScore; event: EventDraft } {
  if (sample.scoredAt) {
    throw new DomainError('QA_ALREADY_SCORED', `质检样本 ${sample.id} 已于 ${sample.scoredAt.toISOString()} 评分，每个样本只评一次`);
  }
  const score = scoreOnRubric(input.items, rubric);
  return {
    score,
    event: {
      action: QA_SCORE_ACTION,
      fromStatus: sample.orderStatus,
      toStatus: sample.orderStatus,
      unitId: sample.currentUnitId,
      reason: input.comment,
      payload: { sampleId: sample.id, items: score.items, total: score.total, passed: score.passed, passMark: rubric.passMark },
    },
  };
}

/** What the file's schema cannot say: codes once each, maxima adding up to 100, a reachable pass mark. */
export function rubricProblems(rubric: QaRubric): { at: (string | number)[]; reason: string }[] {
  const problems: { at: (string | number)[]; reason: string }[] = [];
  const seen = new Set<string>();
  rubric.items.forEach((item, i) => {
    if (seen.has(item.code)) problems.push({ at: ['items', i, 'code'], reason: `duplicate item code "${item.code}"` });
    seen.add(item.code);
  });
  const total = rubric.items.reduce((n, i) => n + i.max, 0);
  if (total !== 100) problems.push({ at: ['items'], reason: `the items' max must add up to 100, not ${total}` });
  if (rubric.passMark > total) problems.push({ at: ['passMark'], reason: `passMark ${rubric.passMark} is above the total ${total}` });
  return problems;
}

/** A unit's month of inspections: the mean score as a 0–1 rate, null when none was scored. */
export const inspectionRate = (inspected: number, points: number): number | null => (inspected === 0 ? null : points / (100 * inspected));

export interface UnitInspectionCounts {
  unitId: string;
  unitName: string;
  sampled: number;
  scored: number;
  points: number;
  passed: number;
}

export interface UnitInspectionResult extends UnitInspectionCounts {
  /** Mean score of the scored samples, two decimals; null when none was scored. */
  meanScore: number | null;
  /** Share of the scored samples that passed, four decimals; null when none was scored. */
  passRate: number | null;
}

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/** The QA report's rows, and the whole city's as the last: each unit's mean and passing share over what was scored. */
export function inspectionReport(rows: UnitInspectionCounts[]): { units: UnitInspectionResult[]; total: UnitInspectionResult } {
  const result = (c: UnitInspectionCounts): UnitInspectionResult => ({
    ...c,
    meanScore: c.scored === 0 ? null : round(c.points / c.scored, 2),
    passRate: c.scored === 0 ? null : round(c.passed / c.scored, 4),
  });
  const sum = (k: 'sampled' | 'scored' | 'points' | 'passed') => rows.reduce((n, r) => n + r[k], 0);
  const total = {
    unitId: 'total',
    unitName: '合计',
    sampled: sum('sampled'),
    scored: sum('scored'),
    points: sum('points'),
    passed: sum('passed'),
  };
  return { units: rows.map(result), total: result(total) };
}
