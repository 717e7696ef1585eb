/**
 * 日报 / 周报 (issue 18): the reports of finished periods, kept as they were made so
 * that yesterday's report reads the same tomorrow, whatever later replies and
 * ratings change in the orders. One row per period: a second generation keeps the first.
 */
import { check, date, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { PERIOD_KINDS, type DailyReport, type PeriodKind } from '../server/core/daily-report.ts';
import { inList } from './schema.ts';

export const dailyReports = pgTable(
  'daily_reports',
  {
    kind: text('kind').$type<PeriodKind>().notNull(),
    /** The period's first Beijing day: the day itself, or the week's Monday. */
    firstDay: date('first_day', { mode: 'string' }).notNull(),
    generatedAt: timestamp('generated_at', { withTimezone: true }).notNull(),
    body: jsonb('body').$type<DailyReport>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.firstDay] }), check('daily_reports_kind_check', inList('kind', PERIOD_KINDS))],
);
