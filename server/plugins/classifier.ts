import fp from 'fastify-plugin';
import { createClassifier } from '../rules/classifier.ts';
import type { Classifier } from '../core/classify.ts';

declare module 'fastify' {
  interface FastifyInstance {
    classifier: Classifier;
  }
}

/** The rules and the area tree, loaded whole before the app serves anything. */
export default fp<{ classifier?: Classifier; homeCity?: string }>(
  async function classifier(app, opts) {
    app.decorate('classifier', opts.classifier ?? (await createClassifier(app.sql, { homeCity: opts.homeCity })));
  },
  { name: 'classifier', dependencies: ['db'] },
);
