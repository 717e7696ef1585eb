/**
 * 考核 service: a month's scores and ranks per group of units against the month
 * before, from the database's counts and the weights of rules/assessment.yaml.
 */
import type { Sql } from '../../db/client.ts';
import { assessableUnits, unitMonthCounts } from '../../db/queries/assessment.ts';
import {
  assess,
  groupOf,
  monthSpan,
  previousMonth,
  type AssessedUnit,
  type AssessmentWeights,
  type GroupResult,
} from '../core/assessment.ts';

export interface Assessment {
  month: string;
  previousMonth: string;
  /** When it was computed: clocks still running are judged at this instant. */
  at: string;
  weights: AssessmentWeights;
  groups: GroupResult[];
}

export async function monthAssessment(sql: Sql, weights: AssessmentWeights, month: string, now: Date): Promise<Assessment> {
  const before = previousMonth(month);
  const rows = await assessableUnits(sql);
  const grouped = rows.flatMap((u) => {
    const group = groupOf(u);
    return group ? [{ row: u, unit: { unitId: u.id, unitName: u.name, group } satisfies AssessedUnit }] : [];
  });
  const units = grouped.map((g) => g.row);
  const [current, previous] = await Promise.all([
    unitMonthCounts(sql, units, { ...monthSpan(month), now }),
    unitMonthCounts(sql, units, { ...monthSpan(before), now }),
  ]);
  return {
    month,
    previousMonth: before,
    at: now.toISOString(),
    weights,
    groups: assess(
      grouped.map((g) => g.unit),
      current,
      previous,
      weights,
    ),
  };
}
