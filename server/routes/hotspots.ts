/**
 * 热点预警: the alerts the hotspot job raised (server/jobs/hotspots.ts), scoped to
 * the viewer's subtree, and the supervisor's steps on them (知悉, 处置). Merging the
 * alert's orders is the queue's 并单; the alert lists them with their numbers.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listAlerts, type AlertRow } from '../../db/queries/hotspots.ts';
import { isCityWide, type Viewer } from '../core/access.ts';
import type { HotspotAction } from '../core/hotspots.ts';
import { stepAlert } from '../hotspots/alerts.ts';
import { maskPhonesIn } from '../core/privacy.ts';
import { errors, HotspotAlert, HotspotList, HotspotQuery, HotspotStepBody, Id } from './hotspots.schema.ts';

const hotspotRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const present = (a: AlertRow) => ({
    ...a,
    matterName: app.classifier.rules.matterNames.get(a.matterCode) ?? a.matterCode,
    orders: a.orders.map((o) => ({ ...o, content: maskPhonesIn(o.content) })),
  });
  const within = (v: Viewer) => (isCityWide(v) ? undefined : v.unitId);

  app.get(
    '/',
    {
      preHandler: app.requireUser(['supervisor', 'dispatcher', 'admin']),
      schema: {
        summary: '热点预警',
        description:
          '同一事项在同一社区或街道于窗口内（rules/hotspots.yaml，默认 2 小时）达到阈值且显著高于该地点该时段平时水平的聚集诉求。本单位辖区内有其工单的预警可见；市级看全部。最新的在前。',
        tags: ['reports'],
        security: [{ bearer: [] }],
        querystring: HotspotQuery,
        response: { 200: HotspotList, ...errors },
      },
    },
    async (request) => {
      const { state, limit = 50 } = request.query;
      const alerts = await listAlerts(app.sql, { state, within: within(request.viewer!), limit });
      return { at: app.clock.now().toISOString(), alerts: alerts.map(present) };
    },
  );

  const step = (action: HotspotAction, summary: string) =>
    app.post(
      `/:id/actions/${action}`,
      {
        preHandler: app.requireUser(['supervisor', 'admin']),
        schema: {
          summary,
          description: '新预警可知悉；新预警或已知悉的可处置（附说明）。已处置的不再变更（409）。',
          tags: ['reports'],
          security: [{ bearer: [] }],
          params: Id,
          body: HotspotStepBody,
          response: { 200: HotspotAlert, ...errors },
        },
      },
      async (request) => {
        const viewer = request.viewer!;
        const ctx = { by: `user:${viewer.userId}`, within: within(viewer), note: request.body?.note ?? null, now: app.clock.now() };
        return present(await stepAlert(app.sql, request.params.id, action, ctx));
      },
    );
  step('acknowledge', '知悉热点预警');
  step('handle', '处置热点预警');
};

export default hotspotRoutes;
