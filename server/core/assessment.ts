/**
 * 考核: a month's score per unit (pure). Each term is a rate of the reports'
 * definitions (三率, 按时率, 退单率) or of reply quality (the inspectors' rubric
 * scores where there are any, else the automatic checks); the weights of
 * rules/assessment.yaml say how many of the 100 points each term carries. A term
 * whose denominator is 0 has no rate, and the unit is scored on the terms it has,
 * their weights scaled up to 100: a unit is not marked down for orders it never had.
 * Units are ranked within their group (区, 街道, 市级部门, 区级部门), never across.
 */
import type { UnitKind, UnitLevel } from './lists.ts';
import { inspectionRate } from './qa.ts';

export const ASSESSMENT_TERMS = ['response', 'resolution', 'satisfaction', 'onTime', 'replyQuality', 'returns', 'objections'] as const;
export type AssessmentTerm = (typeof ASSESSMENT_TERMS)[number];

export const TERM_LABELS: Record<AssessmentTerm, string> = {
  response: '响应率',
  resolution: '解决率',
  satisfaction: '满意率',
  onTime: '按时率',
  replyQuality: '答复质量',
  returns: '退单率',
  objections: '异议成立率',
};

/** Terms where less is better: the score takes 1 − rate. */
export const LOWER_IS_BETTER: ReadonlySet<AssessmentTerm> = new Set(['returns', 'objections']);

/** Points per term, out of 100 (rules/assessment.yaml). */
export type AssessmentWeights = Record<AssessmentTerm, number>;

export const ASSESSMENT_GROUPS = ['district', 'street', 'city_department', 'district_department'] as const;
export type AssessmentGroup = (typeof ASSESSMENT_GROUPS)[number];
export const GROUP_LABELS: Record<AssessmentGroup, string> = {
  district: '区',
  street: '街道（乡镇）',
  city_department: '市级部门',
  district_department: '区级部门',
};

/**
 * The group a unit is ranked in; null for units not assessed: the hotline centre,
 * the city government (it assesses the others) and communities (their street answers for them).
 */
export function groupOf(unit: { level: UnitLevel; kind: UnitKind }): AssessmentGroup | null {
  if (unit.kind === 'department')
    return unit.level === 'city' ? 'city_department' : unit.level === 'district' ? 'district_department' : null;
  if (unit.kind !== 'government') return null;
  return unit.level === 'district' ? 'district' : unit.level === 'street' ? 'street' : null;
}

/** A unit's month as the database counts it (see db/queries/assessment.ts). */
export interface UnitCounts {
  received: number;
  responded: number;
  resolved: number;
  rated: number;
  satisfied: number;
  onTime: number;
  late: number;
  overdue: number;
  /** Replies that went through the reply checks, and those with no finding. */
  replies: number;
  repliesPassed: number;
  /** 人工质检: the orders an inspector scored, and the sum of their scores (0–100 each). */
  inspected: number;
  inspectionPoints: number;
  dispatchedOrders: number;
  returnedOrders: number;
  /** 派单异议成立: orders on which an objection of the unit (or below it) was upheld. */
  upheldObjections: number;
}

export const NO_COUNTS: UnitCounts = {
  received: 0,
  responded: 0,
  resolved: 0,
  rated: 0,
  satisfied: 0,
  onTime: 0,
  late: 0,
  overdue: 0,
  replies: 0,
  repliesPassed: 0,
  inspected: 0,
  inspectionPoints: 0,
  dispatchedOrders: 0,
  returnedOrders: 0,
  upheldObjections: 0,
};

export type Rates = Record<AssessmentTerm, number | null>;

const rate = (n: number, d: number) => (d === 0 ? null : n / d);

/** Each term's rate, unrounded; null when its denominator is 0. */
export function ratesOf(c: UnitCounts): Rates {
  return {
    response: rate(c.responded, c.received),
    resolution: rate(c.resolved, c.received),
    satisfaction: rate(c.satisfied, c.rated),
    onTime: rate(c.onTime, c.onTime + c.late + c.overdue),
    // The inspectors read a reply as a citizen would: their mean score, once they scored any of
    // the unit's orders that month; until then the automatic checks' pass rate stands in.
    replyQuality: inspectionRate(c.inspected, c.inspectionPoints) ?? rate(c.repliesPassed, c.replies),
    returns: rate(c.returnedOrders, c.dispatchedOrders),
    objections: rate(c.upheldObjections, c.dispatchedOrders),
  };
}

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/** 0–100 to two decimals: the weighted mean of the terms that have a rate; null when none has (or all those weigh 0). */
export function scoreOf(rates: Rates, weights: AssessmentWeights): number | null {
  let points = 0;
  let weight = 0;
  for (const term of ASSESSMENT_TERMS) {
    const r = rates[term];
    if (r === null || weights[term] === 0) continue;
    points += weights[term] * (LOWER_IS_BETTER.has(term) ? 1 - r : r);
    weight += weights[term];
  }
  return weight === 0 ? null : round((100 * points) / weight, 2);
}

/**
 * Competition ranking (1, 2, 2, 4) by score, highest first; units without a score
 * have no rank. Ranked on the two-decimal scores that are shown, so equal-looking
 * scores share a rank.
 */
export function ranksOf(scores: ReadonlyMap<string, number | null>): Map<string, number | null> {
  const ranked = [...scores].filter((e): e is [string, number] => e[1] !== null).sort((a, b) => b[1] - a[1]);
  const ranks = new Map<string, number | null>([...scores.keys()].map((id) => [id, null]));
  ranked.forEach(([id, score], i) => ranks.set(id, i > 0 && ranked[i - 1]![1] === score ? ranks.get(ranked[i - 1]![0])! : i + 1));
  return ranks;
}

export interface AssessedUnit {
  unitId: string;
  unitName: string;
  group: AssessmentGroup;
}

export interface UnitResult {
  unitId: string;
  unitName: string;
  score: number | null;
  rank: number | null;
  previousScore: number | null;
  previousRank: number | null;
  /** score − previousScore, two decimals; null unless both months are scored. */
  scoreChange: number | null;
  /** previousRank − rank: positive when the unit moved up. */
  rankChange: number | null;
  /** Rounded to four decimals, as the reports show rates. */
  rates: Rates;
  counts: UnitCounts;
}

export interface GroupResult {
  level: AssessmentGroup;
  label: string;
  units: UnitResult[];
}

function scored(units: AssessedUnit[], counts: ReadonlyMap<string, UnitCounts>, weights: AssessmentWeights) {
  const rates = new Map(units.map((u) => [u.unitId, ratesOf(counts.get(u.unitId) ?? NO_COUNTS)]));
  const scores = new Map(units.map((u) => [u.unitId, scoreOf(rates.get(u.unitId)!, weights)]));
  return { rates, scores, ranks: ranksOf(scores) };
}

/**
 * The month against the one before, one group per level in ASSESSMENT_GROUPS order
 * (empty groups left out); within a group by rank, the unranked last, then by unit id.
 */
export function assess(
  units: AssessedUnit[],
  current: ReadonlyMap<string, UnitCounts>,
  previous: ReadonlyMap<string, UnitCounts>,
  weights: AssessmentWeights,
): GroupResult[] {
  return ASSESSMENT_GROUPS.flatMap((group) => {
    const members = units.filter((u) => u.group === group);
    if (members.length === 0) return [];
    const now = scored(members, current, weights);
    const before = scored(members, previous, weights);
    const results = members.map((u): UnitResult => {
      const score = now.scores.get(u.unitId)!;
      const rank = now.ranks.get(u.unitId)!;
      const previousScore = before.scores.get(u.unitId)!;
      const previousRank = before.ranks.get(u.unitId)!;
      const rates = now.rates.get(u.unitId)!;
      return {
        unitId: u.unitId,
        unitName: u.unitName,
        score,
        rank,
        previousScore,
        previousRank,
        scoreChange: score !== null && previousScore !== null ? round(score - previousScore, 2) : null,
        rankChange: rank !== null && previousRank !== null ? previousRank - rank : null,
        rates: Object.fromEntries(ASSESSMENT_TERMS.map((t) => [t, rates[t] === null ? null : round(rates[t], 4)])) as Rates,
        counts: current.get(u.unitId) ?? NO_COUNTS,
      };
    });
    results.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
    return [{ level: group, label: GROUP_LABELS[group], units: results }];
  });
}

/** What the file's schema cannot say: the weights share out exactly 100 points. */
export function weightProblems(weights: AssessmentWeights): { at: string[]; reason: string }[] {
  const total = ASSESSMENT_TERMS.reduce((n, t) => n + weights[t], 0);
  return Math.abs(total - 100) > 1e-9 ? [{ at: ['weights'], reason: `weights must add up to 100, not ${round(total, 4)}` }] : [];
}

/** `YYYY-MM` → the month before it. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** A Beijing month as instants: its first midnight and the next month's (China keeps UTC+8 all year). */
export function monthSpan(month: string): { start: Date; end: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { start: new Date(`${month}-01T00:00:00+08:00`), end: new Date(`${next}-01T00:00:00+08:00`) };
}

/** The counts' names, for the CSV and the desk. */
export const COUNT_LABELS: Record<keyof UnitCounts, string> = {
  received: '工单量',
  responded: '已响应',
  resolved: '已办结',
  rated: '参评',
  satisfied: '满意（含基本满意）',
  onTime: '按时',
  late: '超时完成',
  overdue: '超期未完成',
  replies: '自动质检答复',
  repliesPassed: '自动质检通过答复',
  inspected: '人工质检工单',
  inspectionPoints: '人工质检总分',
  dispatchedOrders: '派入工单',
  returnedOrders: '退单工单',
  upheldObjections: '异议成立',
};
