import fp from 'fastify-plugin';
import type { TrainingOutcome } from '../../db/queries/training.ts';
import { trainModelIfDue } from '../jobs/trainer.ts';
import { scheduleJob } from './scheduled-job.ts';

declare module 'fastify' {
  interface FastifyInstance {
    trainer: {
      /** One step of the job, as the schedule runs it: trains when examples are newer than the model. */
      run(): Promise<TrainingOutcome>;
    };
  }
}

/**
 * The model trainer on a node-cron schedule. One step at a time per instance;
 * across instances the training lock keeps it to one (db/queries/training.ts).
 * The new model reaches every instance, this one included, by the
 * understanding_changed notification the classifier plugin listens to.
 */
export default fp<{ schedule: string }>(
  async function trainer(app, opts) {
    const run = scheduleJob(app, {
      setting: 'TRAIN_CRON',
      schedule: opts.schedule,
      step: () => trainModelIfDue(app.sql, app.clock.now()),
      report: (r) => (r.trained ? { ...r } : null),
      done: 'text model trained',
      failed: 'text model training failed',
    });
    app.decorate('trainer', { run });
  },
  { name: 'trainer', dependencies: ['db', 'clock', 'classifier'] },
);
