import fp from 'fastify-plugin';
import { scanHotspots, type HotspotScan } from '../jobs/hotspots.ts';
import { scheduleJob } from './scheduled-job.ts';

declare module 'fastify' {
  interface FastifyInstance {
    hotspots: {
      /** One scan, as the schedule runs it (tests and the admin run it by hand). */
      scan(): Promise<HotspotScan>;
    };
  }
}

/**
 * 热点预警 on a node-cron schedule (HOTSPOT_CRON). One scan at a time per instance;
 * across instances the scan's advisory lock keeps it to one, and a scan that finds
 * nothing new raises nothing, so running it often costs two reads.
 */
export default fp<{ schedule?: string }>(
  async function hotspots(app, opts) {
    const { matterNames } = app.classifier.rules;
    const scan = scheduleJob(app, {
      setting: 'HOTSPOT_CRON',
      schedule: opts.schedule,
      step: () => scanHotspots(app.sql, app.clock.now(), app.classifier.rules.hotspots, (code) => matterNames.get(code) ?? code),
      report: (r) => (r.raised.length || r.grown.length ? { ...r } : null),
      done: 'hotspot scan',
      failed: 'hotspot scan failed',
    });
    app.decorate('hotspots', { scan });
  },
  { name: 'hotspots', dependencies: ['db', 'clock', 'classifier'] },
);
