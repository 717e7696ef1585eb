/**
 * 日报 / 周报 under /api/reports: city-wide figures of a Beijing day or week, kept once
 * the period is over. JSON, or (section, item, value) rows as CSV. Definitions in
 * daily-report.schema.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.ts';
import {
  CSV_HEADERS,
  csvRows,
  isCalendarDay,
  PERIOD_KIND_LABELS,
  periodOf,
  yesterdayOf,
  type CsvRow,
  type PeriodKind,
} from '../core/daily-report.ts';
import { dailyReport } from '../reports/daily.ts';
import { prefersCsv, sendReport } from '../http/report-reply.ts';
import type { Column } from './reports.schema.ts';
import { schemas } from './daily-report.schema.ts';

const COLUMNS: Column<CsvRow>[] = [
  [CSV_HEADERS.section, (r) => r.section],
  [CSV_HEADERS.item, (r) => r.item],
  [CSV_HEADERS.value, (r) => r.value],
];
/** The whole city: what the CSV's file name says the figures cover. */
const CITY = { id: 'city', name: '全市' };

const dailyReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const readers = app.requireUser(['supervisor', 'admin', 'dispatcher']);

  async function answer(request: FastifyRequest, reply: FastifyReply, kind: PeriodKind, field: 'day' | 'week', day: string | undefined) {
    const now = app.clock.now();
    const asked = day ?? yesterdayOf(now);
    if (!isCalendarDay(asked)) throw new DomainError('VALIDATION_FAILED', `${field} 不是有效日期（${asked}），应为 YYYY-MM-DD`, { field });
    const { report } = await dailyReport(app.sql, periodOf(kind, asked), now, app.classifier.rules.matterNames);
    const q = request.query as { format?: 'json' | 'csv' };
    if (!(q.format ? q.format === 'csv' : prefersCsv(request.headers.accept)))
      return reply.type('application/json; charset=utf-8').send(report);
    const body = { unit: CITY, from: report.firstDay, to: report.lastDay, rows: csvRows(report) };
    return sendReport(request, reply, { key: kind === 'day' ? 'daily' : 'weekly', title: PERIOD_KIND_LABELS[kind] }, body, COLUMNS);
  }

  app.get('/daily', { preHandler: readers, schema: schemas.daily }, async (request, reply) =>
    answer(request, reply, 'day', 'day', request.query.day),
  );
  app.get('/weekly', { preHandler: readers, schema: schemas.weekly }, async (request, reply) =>
    answer(request, reply, 'week', 'week', request.query.week),
  );
};

export default dailyReportRoutes;
