/**
 * 日报 / 周报 service: a kept report if its period has one; else the figures counted
 * now, kept when the period is over (so it reads the same tomorrow) and marked
 * provisional when it is not (computed live each time, never kept).
 */
import type { Sql } from '../../db/client.ts';
import {
  directAnswerCount,
  findStoredReport,
  hotspotsRaised,
  intakeByChannelAndType,
  overdueByUnit,
  ratingsGiven,
  storeReport,
  topMatterCounts,
  topStreetCounts,
} from '../../db/queries/daily-reports.ts';
import { missedCallFigures } from '../../db/queries/missed-calls.ts';
import { buildReport, isOver, periodOf, yesterdayOf, type DailyFigures, type DailyReport, type Period } from '../core/daily-report.ts';

const TOP = 10;

export async function periodFigures(sql: Sql, period: Period, now: Date): Promise<DailyFigures> {
  const span = { start: period.start, end: period.end };
  const [intake, directAnswers, topMatters, topPlaces, hotspots, overdue, ratings, missed] = await Promise.all([
    intakeByChannelAndType(sql, span),
    directAnswerCount(sql, span),
    topMatterCounts(sql, span, TOP),
    topStreetCounts(sql, span, TOP),
    hotspotsRaised(sql, span),
    overdueByUnit(sql, span),
    ratingsGiven(sql, span),
    missedCallFigures(sql, { from: period.start, to: period.end, now }),
  ]);
  return {
    intake,
    directAnswers,
    topMatters,
    topPlaces,
    hotspots,
    overdueByUnit: overdue,
    ratings,
    missedCalls: {
      missedCalls: missed.missedCalls,
      tasks: missed.tasks,
      calledBack: missed.calledBack,
      calledBackOnTime: missed.calledBackOnTime,
      reached: missed.reached,
      open: missed.open,
    },
  };
}

/** The report of a period: kept if made before, else made now (and kept if the period is over). */
export async function dailyReport(
  sql: Sql,
  period: Period,
  now: Date,
  names: ReadonlyMap<string, string>,
): Promise<{ report: DailyReport; stored: boolean }> {
  const kept = await findStoredReport(sql, period.kind, period.firstDay);
  if (kept) return { report: kept, stored: false };
  const over = isOver(period, now);
  const report = buildReport(period, await periodFigures(sql, period, now), names, { generatedAt: now, provisional: !over });
  return over ? storeReport(sql, report) : { report, stored: false };
}

/** The morning job: yesterday's report, kept. A second instance's run finds it kept and changes nothing. */
export async function generateYesterday(
  sql: Sql,
  now: Date,
  names: ReadonlyMap<string, string>,
): Promise<{ report: DailyReport; stored: boolean }> {
  return dailyReport(sql, periodOf('day', yesterdayOf(now)), now, names);
}
