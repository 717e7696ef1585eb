import fp from 'fastify-plugin';
import cron from 'node-cron';
import { generateYesterday } from '../reports/daily.ts';

/**
 * 日报: each morning (Beijing time, DAILY_REPORT_CRON) and once at start-up, so a
 * morning the service was down is caught up, yesterday's report is made and kept.
 * Safe on several instances: the row is keyed by its day and the first one stands.
 */
export default fp<{ schedule: string }>(
  async function dailyReportJob(app, opts) {
    if (!cron.validate(opts.schedule)) throw new Error(`DAILY_REPORT_CRON is not a cron expression: "${opts.schedule}"`);
    const names = new Map(app.classifier.rules.categories.map((c) => [c.code, c.name]));
    let running: Promise<void> | null = null;
    const run = () =>
      (running ??= generateYesterday(app.sql, app.clock.now(), names)
        .then(({ report, stored }) => {
          if (stored) app.log.info({ day: report.firstDay }, 'daily report kept');
        })
        .catch((err) => app.log.error({ err }, 'making the daily report failed'))
        .finally(() => (running = null)));
    const task = cron.schedule(opts.schedule, () => void run(), { timezone: 'Asia/Shanghai' });
    app.addHook('onReady', run);
    app.addHook('onClose', async () => {
      await task.stop();
      await running;
    });
  },
  { name: 'daily-report', dependencies: ['db', 'clock', 'classifier'] },
);
