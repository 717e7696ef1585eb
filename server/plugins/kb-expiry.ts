import fp from 'fastify-plugin';
import cron from 'node-cron';

/**
 * 知识条目到期: marks published entries whose expiry date has come as expired, each
 * with its version, on a node-cron schedule (Beijing time) and once at start-up.
 * Search already leaves them out by date; this makes the status and the unit's list
 * say so too. Safe on several instances: each entry is re-read under its row lock
 * and expired only once (server/kb/service.ts expireDue).
 */
export default fp<{ schedule: string }>(
  async function kbExpiry(app, opts) {
    if (!cron.validate(opts.schedule)) throw new Error(`KB_EXPIRE_CRON is not a cron expression: "${opts.schedule}"`);
    let running: Promise<void> | null = null;
    const run = () =>
      (running ??= app.kb
        .expireDue()
        .then((n) => {
          if (n > 0) app.log.info({ entries: n }, 'knowledge entries expired');
        })
        .catch((err) => app.log.error({ err }, 'expiring knowledge entries failed'))
        .finally(() => (running = null)));
    const task = cron.schedule(opts.schedule, () => void run(), { timezone: 'Asia/Shanghai' });
    app.addHook('onReady', run);
    app.addHook('onClose', async () => {
      await task.stop();
      await running;
    });
  },
  { name: 'kb-expiry', dependencies: ['kb'] },
);
