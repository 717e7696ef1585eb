/**
 * 承办工作台: GET /api/orders/workbench, one unit's desk in one answer (registered
 * under /api/orders beside orders.ts). The clocks carry the instants of their ladder
 * (黄灯, 红灯, 升级) so the desk's countdowns change colour when the sweeper fires,
 * without asking again.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { pendingObjectionsOf } from '../../db/queries/objections.ts';
import { visibleUnit } from '../../db/queries/units.ts';
import { assistsOf, neighbourUnits, pendingExtensionsOf, runningClocksOf, workbenchOrders } from '../../db/queries/workbench.ts';
import { ladderClock } from '../http/clock-view.ts';
import { present } from '../http/order-view.ts';
import { errors } from './orders.schema.ts';
import { Workbench, WorkbenchQuery } from './orders-workbench.schema.ts';

const workbenchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workbench',
    {
      preHandler: app.requireUser(),
      schema: {
        summary: '承办工作台',
        description:
          '本单位待签收、办理中、被退回、重办的工单，以及本单位协办的在办工单；每张工单带正在计时的时限（含黄灯、升级时刻）、协办单位及其回复情况、待审批的延期申请、审核中的派单异议；另附下级单位和同级单位（下派、协办的对象）。电话号码隐去中间四位。',
        tags: ['orders'],
        security: [{ bearer: [] }],
        querystring: WorkbenchQuery,
        response: { 200: Workbench, ...errors },
      },
    },
    async (request) => {
      const viewer = request.viewer!;
      const unit = await visibleUnit(app.sql, viewer, request.query.unit ?? viewer.unitId);
      const now = app.clock.now();
      const rows = await workbenchOrders(app.db, unit.id, request.query.limit);
      const ids = rows.map((o) => o.id);
      const [clocks, assists, extensions, objections, neighbours] = await Promise.all([
        runningClocksOf(app.db, ids),
        assistsOf(app.db, ids),
        pendingExtensionsOf(app.db, ids),
        pendingObjectionsOf(app.db, ids),
        neighbourUnits(app.sql, unit.id),
      ]);
      const items = rows.map((o) => ({
        order: present(o),
        role: o.currentUnitId === unit.id ? ('lead' as const) : ('assist' as const),
        clocks: clocks.filter((c) => c.orderId === o.id).map((c) => ladderClock(c, now, app.deadlines)),
        assists: assists.filter((a) => a.orderId === o.id).map(({ orderId: _o, ...a }) => a),
        pendingExtensions: extensions
          .filter((e) => e.orderId === o.id)
          .map(({ orderId: _o, clockKind, ...e }) => ({ ...e, clock: clockKind })),
        pendingObjection:
          objections
            .filter((x) => x.orderId === o.id)
            .map(({ id, reasonCode, reason, dutyUnitId, dutyBasis, filedAt, dueAt }) => ({
              id,
              reasonCode,
              reason,
              dutyUnitId,
              dutyBasis,
              filedAt,
              dueAt,
            }))[0] ?? null,
      }));
      return { at: now.toISOString(), unit: { id: unit.id, name: unit.name }, ...neighbours, items };
    },
  );
};

export default workbenchRoutes;
