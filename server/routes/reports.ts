/**
 * 报表: 三率, on-time rates per clock, returns and reopens, top categories and
 * areas, for a unit's subtree and a period of days in Beijing time; JSON or CSV.
 * The definitions are in reports.schema.ts, where /docs shows them.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../core/errors.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  clockCounts,
  clockKey,
  rateCounts,
  reportUnits,
  returnCounts,
  topCounts,
  type ReportScope,
  type ReturnCounts,
  type RowKey,
} from '../../db/queries/reports.ts';
import { visibleUnit } from '../../db/queries/units.ts';
import { period, ratio, sendReport } from '../http/report-reply.ts';
import type { Viewer } from '../core/access.ts';
import { CLOCK_KINDS, type ClockKind } from '../core/deadlines.ts';
import { RETURN_REASONS } from '../core/lifecycle.ts';
import type { RequestType } from '../core/lists.ts';
import { CLOCK_COLUMN_LABELS, csvColumns, schemas, type Column, type Scope } from './reports.schema.ts';

interface Query {
  from: string;
  to: string;
  unit?: string;
  format?: 'json' | 'csv';
  requestType?: RequestType;
}

const TITLES = { rates: '三率报表', onTime: '按时率报表', returns: '退单重办报表', top: '热点排名' } as const;

const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The rules are loaded once at start-up; so is this lookup.

  /** The unit asked for, if the viewer may see it: one's own subtree, or the whole city for the hotline's desk. */
  async function scopeOf(viewer: Viewer, q: Query) {
    const days = period(q.from, q.to); // the input first, before anything is looked up
    const unitId = q.unit ?? viewer.unitId;
    const unit = await visibleUnit(app.sql, viewer, unitId);
    const scope: ReportScope = { unitId, ...days, requestType: q.requestType };
    const head = {
      unit,
      from: q.from,
      to: q.to,
      at: app.clock.now().toISOString(),
      ...(q.requestType ? { requestType: q.requestType } : {}),
    };
    return { unit, scope, head };
  }

  /** The rows of a subtree report: the unit itself, each child, then the total. */
  async function unitRows(unit: { id: string; name: string }) {
    const children = await reportUnits(app.sql, unit.id);
    return [
      { key: unit.id as RowKey, unitId: unit.id, unitName: unit.name, scope: 'self' as Scope },
      ...children.map((c) => ({ key: c.id as RowKey, unitId: c.id, unitName: c.name, scope: 'child' as Scope })),
      { key: null as RowKey, unitId: unit.id, unitName: unit.name, scope: 'total' as Scope },
    ];
  }

  const answer = <R, B extends { unit: { id: string; name: string }; from: string; to: string; rows: R[] }>(
    request: FastifyRequest,
    reply: FastifyReply,
    report: keyof typeof TITLES,
    body: B,
    columns: Column<R>[],
  ) => sendReport(request, reply, { key: report, title: TITLES[report] }, body, columns);

  app.get('/rates', { preHandler: app.requireUser(), schema: schemas.rates }, async (request, reply) => {
    const { unit, scope, head } = await scopeOf(request.viewer!, request.query);
    const counts = await rateCounts(app.sql, scope);
    const rows = (await unitRows(unit)).map(({ key, ...u }) => {
      const c = counts.get(key) ?? { received: 0, responded: 0, resolved: 0, rated: 0, satisfied: 0 };
      return {
        ...u,
        ...c,
        responseRate: ratio(c.responded, c.received),
        resolutionRate: ratio(c.resolved, c.received),
        satisfactionRate: ratio(c.satisfied, c.rated),
      };
    });
    return answer(request, reply, 'rates', { ...head, rows }, csvColumns.rates);
  });

  app.get('/on-time', { preHandler: app.requireUser(), schema: schemas.onTime }, async (request, reply) => {
    const { unit, scope, head } = await scopeOf(request.viewer!, request.query);
    const counts = await clockCounts(app.sql, scope, app.clock.now());
    const rows = (await unitRows(unit)).flatMap(({ key, ...u }) =>
      [...CLOCK_KINDS, null].map((kind) => {
        const c = counts.get(clockKey(key, kind)) ?? { onTime: 0, late: 0, overdue: 0, running: 0 };
        const clock: ClockKind | 'all' = kind ?? 'all';
        return { ...u, clock, clockLabel: CLOCK_COLUMN_LABELS[clock], ...c, onTimeRate: ratio(c.onTime, c.onTime + c.late + c.overdue) };
      }),
    );
    return answer(request, reply, 'onTime', { ...head, rows }, csvColumns.onTime);
  });

  app.get('/returns', { preHandler: app.requireUser(), schema: schemas.returns }, async (request, reply) => {
    const { unit, scope, head } = await scopeOf(request.viewer!, request.query);
    const counts = await returnCounts(app.sql, scope);
    const none: ReturnCounts = {
      dispatchedOrders: 0,
      returns: 0,
      returnedOrders: 0,
      reopens: 0,
      reopenedOrders: 0,
      byReason: Object.fromEntries(RETURN_REASONS.map((r) => [r, 0])) as ReturnCounts['byReason'],
    };
    const rows = (await unitRows(unit)).map(({ key, ...u }) => {
      const { byReason, ...c } = counts.get(key) ?? none;
      return {
        ...u,
        ...c,
        returnRate: ratio(c.returnedOrders, c.dispatchedOrders),
        reopenRate: ratio(c.reopenedOrders, c.dispatchedOrders),
        returnsByReason: byReason,
      };
    });
    return answer(request, reply, 'returns', { ...head, rows }, csvColumns.returns);
  });

  app.get('/top', { preHandler: app.requireUser(), schema: schemas.top }, async (request, reply) => {
    const q = request.query;
    const { scope, head } = await scopeOf(request.viewer!, q);
    if (q.level && q.by !== 'area') throw new DomainError('VALIDATION_FAILED', 'level 只用于 by=area', { field: 'level' });
    const level = q.by === 'area' ? (q.level ?? 'street') : null;
    const result = await topCounts(app.sql, scope, level ? { kind: 'area', level } : { kind: 'category' }, q.limit);
    const rows = result.rows.map((r, i) => ({
      rank: i + 1,
      code: r.key,
      name: (level ? r.areaName : app.classifier.rules.matterNames.get(r.key)) ?? r.key,
      count: r.count,
      share: ratio(r.count, result.total) ?? 0,
    }));
    return answer(
      request,
      reply,
      'top',
      { ...head, by: q.by, level, total: result.total, unplaced: result.unplaced, rows },
      csvColumns.top,
    );
  });
};

export default reportRoutes;
