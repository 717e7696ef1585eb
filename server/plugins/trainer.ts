import fp from 'fastify-plugin';
import cron from 'node-cron';
import type { TrainingOutcome } from '../../db/queries/training.ts';
import { trainModelIfDue } from '../jobs/trainer.ts';

declare module 'fastify' {
  interface FastifyInstance {
    trainer: {
      /** One step of the job, as the schedule runs it: trains when examples are newer than the model. */
      run(): Promise<TrainingOutcome | null>;
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
    if (!cron.validate(opts.schedule)) throw new Error(`TRAIN_CRON is not a cron expression: "${opts.schedule}"`);
    let running: Promise<TrainingOutcome | null> | null = null;
    const run = () =>
      (running ??= trainModelIfDue(app.sql, app.clock.now())
        .then((r) => {
          if (r.trained) app.log.info(r, 'text model trained');
          return r;
        })
        .catch((err) => {
          app.log.error({ err }, 'text model training failed');
          return null;
        })
        .finally(() => (running = null)));
    app.decorate('trainer', { run });
    const task = cron.schedule(opts.schedule, () => void run());
    app.addHook('onClose', async () => {
      await task.stop();
      await running;
    });
  },
  { name: 'trainer', dependencies: ['db', 'clock', 'classifier'] },
);
