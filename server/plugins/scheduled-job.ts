import type { FastifyInstance } from 'fastify';
import cron from 'node-cron';

export interface ScheduledJob<T> {
  /** The env setting the schedule comes from, named in the error when it is not a cron expression. */
  setting: string;
  /** A node-cron expression; none: the job runs only when called. */
  schedule?: string;
  /** Beijing time for the jobs whose schedule names an hour of the day. */
  timezone?: string;
  /** Run once when the app is ready, so a run missed while the service was down is caught up. */
  atStart?: boolean;
  step(): Promise<T>;
  /** What a run that did something says in the log (nothing: the run is not logged). */
  report(result: T): Record<string, unknown> | null;
  /** The log line of a finished run and of a failed one. */
  done: string;
  failed: string;
}

/**
 * A background job on a node-cron schedule: one run at a time per instance (a call
 * while one runs shares it), a failed scheduled run logged rather than thrown, and
 * the schedule stopped and the run awaited when the app closes. Across instances
 * each job keeps itself to one run with a lock or a key of its own.
 * Returns the run, for the decorator that tests and admins call by hand.
 */
export function scheduleJob<T>(app: FastifyInstance, job: ScheduledJob<T>): () => Promise<T> {
  if (job.schedule && !cron.validate(job.schedule)) throw new Error(`${job.setting} is not a cron expression: "${job.schedule}"`);
  let running: Promise<T> | null = null;
  const run = () => (running ??= job.step().finally(() => (running = null)));
  const logged = () =>
    run()
      .then((result) => {
        const fields = job.report(result);
        if (fields) app.log.info(fields, job.done);
      })
      .catch((err) => app.log.error({ err }, job.failed));
  if (!job.schedule) return run;
  const task = cron.schedule(job.schedule, () => void logged(), job.timezone ? { timezone: job.timezone } : {});
  if (job.atStart) app.addHook('onReady', logged);
  app.addHook('onClose', async () => {
    await task.stop();
    await running?.catch(() => undefined);
  });
  return run;
}
