/** The quality inspectors' service on the app (app.qa). */
import fp from 'fastify-plugin';
import { createQaService, type QaService } from '../qa/service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    qa: QaService;
  }
}

export default fp(
  async function qa(app) {
    app.decorate('qa', createQaService({ db: app.db, clock: app.clock, rubric: () => app.classifier.rules.qaRubric }));
  },
  { name: 'qa', dependencies: ['db', 'classifier', 'clock'] },
);
