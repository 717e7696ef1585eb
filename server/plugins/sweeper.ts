import fp from 'fastify-plugin';
import cron from 'node-cron';
import { sweepDueClocks } from '../jobs/sweeper.ts';

/**
 * The deadline sweeper on a node-cron schedule. One sweep at a time per instance;
 * several instances may sweep at once, the row locks keep each step single.
 */
export default fp<{ schedule: string }>(
  async function sweeper(app, opts) {
    if (!cron.validate(opts.schedule)) throw new Error(`SWEEP_CRON is not a cron expression: "${opts.schedule}"`);
    let running: Promise<unknown> | null = null;
    const task = cron.schedule(opts.schedule, () => {
      if (running) return;
      running = sweepDueClocks(app.sql, app.clock.now())
        .then((r) => r.events && app.log.info(r, 'deadline sweep'))
        .catch((err) => app.log.error({ err }, 'deadline sweep failed'))
        .finally(() => (running = null));
    });
    app.addHook('onClose', async () => {
      await task.stop();
      await running;
    });
  },
  { name: 'sweeper', dependencies: ['db', 'clock'] },
);
