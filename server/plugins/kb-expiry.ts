import fp from 'fastify-plugin';
import { scheduleJob } from './scheduled-job.ts';

/**
 * 知识条目到期: marks published entries whose expiry date has come as expired, each
 * with its version, on a node-cron schedule (Beijing time) and once at start-up.
 * Search already leaves them out by date; this makes the status and the unit's list
 * say so too. Safe on several instances: each entry is re-read under its row lock
 * and expired only once (server/kb/service.ts expireDue).
 */
export default fp<{ schedule: string }>(
  async function kbExpiry(app, opts) {
    scheduleJob(app, {
      setting: 'KB_EXPIRE_CRON',
      schedule: opts.schedule,
      timezone: 'Asia/Shanghai',
      atStart: true,
      step: () => app.kb.expireDue(),
      report: (n) => (n > 0 ? { entries: n } : null),
      done: 'knowledge entries expired',
      failed: 'expiring knowledge entries failed',
    });
  },
  { name: 'kb-expiry', dependencies: ['kb'] },
);
