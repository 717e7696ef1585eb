import fp from 'fastify-plugin';
import { createClassifier } from '../rules/classifier.ts';
import type { Classifier, ClassifierExtras } from '../core/classify.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The classifier as of the last refresh: read it anew for each request, it is swapped whole. */
    readonly classifier: Classifier;
    understanding: {
      /** Rebuild the classifier with what the database holds now (models, place aliases). */
      refresh(): Promise<void>;
    };
  }
}

/**
 * The rules and the area tree, loaded whole before the app serves anything, and
 * what the centre has taught the service since (a trained model, place aliases),
 * loaded at start and again whenever it changes. The rules' part is built once;
 * a refresh builds a new classifier around it and swaps it in, so a request
 * never sees half of a change.
 */
export default fp<{ classifier?: Classifier; homeCity?: string }>(
  async function classifier(app, opts) {
    const base = opts.classifier ?? (await createClassifier(app.sql, { homeCity: opts.homeCity }));
    let current = base;
    async function learned(): Promise<ClassifierExtras> {
      return {};
    }
    app.decorate('classifier', {
      getter: () => current,
    });
    app.decorate('understanding', {
      async refresh() {
        current = base.with(await learned());
      },
    });
    await app.understanding.refresh();
  },
  { name: 'classifier', dependencies: ['db'] },
);
