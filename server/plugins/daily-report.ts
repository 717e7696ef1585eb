import fp from 'fastify-plugin';
import { generateYesterday } from '../reports/daily.ts';
import { scheduleJob } from './scheduled-job.ts';

/**
 * 日报: each morning (Beijing time, DAILY_REPORT_CRON) and once at start-up, so a
 * morning the service was down is caught up, yesterday's report is made and kept.
 * Safe on several instances: the row is keyed by its day and the first one stands.
 */
export default fp<{ schedule: string }>(
  async function dailyReportJob(app, opts) {
    scheduleJob(app, {
      setting: 'DAILY_REPORT_CRON',
      schedule: opts.schedule,
      timezone: 'Asia/Shanghai',
      atStart: true,
      step: () => generateYesterday(app.sql, app.clock.now(), app.classifier.rules.matterNames),
      report: ({ report, stored }) => (stored ? { day: report.firstDay } : null),
      done: 'daily report kept',
      failed: 'making the daily report failed',
    });
  },
  { name: 'daily-report', dependencies: ['db', 'clock', 'classifier'] },
);
