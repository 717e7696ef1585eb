/**
 * 派单异议 (the steps themselves are order actions: object, uphold_objection,
 * reject_objection under /api/orders/:id/actions): the reviewer's list of objections
 * waiting, the catalogue changes upheld ones propose (for the rules' owner, the admin),
 * and the report of objections per unit and matter (派单准确率). Registered under /api.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { catalogueProposals, dispatchedByMatter, objectionCounts, objectionKey, pendingObjections } from '../../db/queries/objections.ts';
import { reportUnits, returnCounts, type ReportScope, type RowKey } from '../../db/queries/reports.ts';
import { unitNames, visibleUnit } from '../../db/queries/units.ts';
import { OBJECTION_REASON_LABELS } from '../core/objections.ts';
import { maskPhonesIn } from '../core/privacy.ts';
import { period, ratio, sendReport } from '../http/report-reply.ts';
import { objectionCsvColumns, schemas } from './objections.schema.ts';

const NONE = { objections: 0, upheld: 0, rejected: 0, pending: 0, upheldOrders: 0 };

const objectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const categoryNames = app.classifier.rules.matterNames;
  const namesOf = async (ids: (string | null)[]) =>
    new Map((await unitNames(app.sql, [...new Set(ids.filter((x): x is string => !!x))])).map((u) => [u.id, u.name]));

  app.get('/objections', { preHandler: app.requireUser(['reviewer', 'admin']), schema: schemas.pending }, async (request) => {
    const now = app.clock.now();
    const rows = await pendingObjections(app.db, request.query.limit);
    const names = await namesOf(rows.map((r) => r.dutyUnitId));
    return {
      at: now.toISOString(),
      items: rows.map(({ areaCode: _a, ...r }) => ({
        ...r,
        content: maskPhonesIn(r.content),
        reasonLabel: OBJECTION_REASON_LABELS[r.reasonCode],
        dutyUnitName: r.dutyUnitId ? (names.get(r.dutyUnitId) ?? null) : null,
        timeLeftMs: r.dueAt.getTime() - now.getTime(),
      })),
    };
  });

  app.get('/objections/proposals', { preHandler: app.requireUser(['admin']), schema: schemas.proposals }, async (request) => {
    const rows = await catalogueProposals(app.db, request.query.limit);
    const names = await namesOf(rows.flatMap((r) => [r.fromUnitId, r.toUnitId]));
    return {
      items: rows.map((r) => ({
        ...r,
        categoryName: categoryNames.get(r.categoryCode) ?? null,
        fromUnitName: names.get(r.fromUnitId) ?? null,
        toUnitName: names.get(r.toUnitId) ?? null,
      })),
    };
  });

  app.get('/reports/objections', { preHandler: app.requireUser(), schema: schemas.report }, async (request, reply) => {
    const q = request.query;
    const days = period(q.from, q.to);
    const unit = await visibleUnit(app.sql, request.viewer!, q.unit ?? request.viewer!.unitId);
    const scope: ReportScope = { unitId: unit.id, ...days, requestType: q.requestType };
    const [counts, dispatched, byMatter, children] = await Promise.all([
      objectionCounts(app.sql, scope),
      returnCounts(app.sql, scope),
      dispatchedByMatter(app.sql, scope),
      reportUnits(app.sql, unit.id),
    ]);
    const tally = (c: typeof NONE, dispatchedOrders: number) => ({
      dispatchedOrders,
      ...c,
      accuracy: ratio(Math.max(0, dispatchedOrders - c.upheldOrders), dispatchedOrders),
    });
    const lines: { key: RowKey; unitId: string; unitName: string; scope: 'self' | 'child' | 'total' }[] = [
      { key: unit.id, unitId: unit.id, unitName: unit.name, scope: 'self' },
      ...children.map((c) => ({ key: c.id, unitId: c.id, unitName: c.name, scope: 'child' as const })),
      { key: null, unitId: unit.id, unitName: unit.name, scope: 'total' },
    ];
    const matters = [...counts].flatMap(([key, c]) => {
      const [row, matter] = JSON.parse(key) as [RowKey, string | null];
      if (row !== null || matter === null) return [];
      return [{ categoryCode: matter || null, categoryName: categoryNames.get(matter) ?? null, ...tally(c, byMatter.get(matter) ?? 0) }];
    });
    const body = {
      unit: { id: unit.id, name: unit.name },
      from: q.from,
      to: q.to,
      at: app.clock.now().toISOString(),
      rows: lines.map(({ key, ...l }) => ({
        ...l,
        ...tally(counts.get(objectionKey(key, null)) ?? NONE, dispatched.get(key)?.dispatchedOrders ?? 0),
      })),
      matters: matters.sort((a, b) => b.objections - a.objections),
    };
    return sendReport(request, reply, { key: 'objections', title: '派单异议' }, body, objectionCsvColumns);
  });
};

export default objectionRoutes;
