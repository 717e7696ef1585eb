import fp from 'fastify-plugin';
import cron from 'node-cron';
import { scanHotspots, type HotspotScan } from '../jobs/hotspots.ts';

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
    if (opts.schedule && !cron.validate(opts.schedule)) throw new Error(`HOTSPOT_CRON is not a cron expression: "${opts.schedule}"`);
    const names = () => new Map(app.classifier.rules.categories.map((c) => [c.code, c.name]));
    let running: Promise<HotspotScan> | null = null;
    const scan = () => {
      const byCode = names();
      return (running ??= scanHotspots(app.sql, app.clock.now(), app.classifier.rules.hotspots, (code) => byCode.get(code) ?? code).finally(
        () => (running = null),
      ));
    };
    app.decorate('hotspots', { scan });
    if (!opts.schedule) return;
    const task = cron.schedule(opts.schedule, () => {
      scan()
        .then((r) => (r.raised.length || r.grown.length) && app.log.info(r, 'hotspot scan'))
        .catch((err) => app.log.error({ err }, 'hotspot scan failed'));
    });
    app.addHook('onClose', async () => {
      await task.stop();
      await running?.catch(() => undefined);
    });
  },
  { name: 'hotspots', dependencies: ['db', 'clock', 'classifier'] },
);
