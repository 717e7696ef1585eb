import fp from 'fastify-plugin';
import { createClassifier } from '../rules/classifier.ts';
import type { Classifier, ClassifierExtras } from '../core/classify.ts';
import { NaiveBayesModel, type ModelData } from '../core/model.ts';
import { listenForUnderstanding, newestModel } from '../../db/queries/training.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The classifier as of the last refresh: read it anew for each request, it is swapped whole. */
    readonly classifier: Classifier;
    understanding: {
      /** Rebuild the classifier with what the database holds now (models, place aliases). */
      refresh(): Promise<void>;
      /** Called after each refresh (tests wait on it rather than on time). */
      onRefresh(listener: () => void): () => void;
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
      const stored = await newestModel(app.sql);
      return { model: stored ? new NaiveBayesModel(stored.model as ModelData) : null };
    }
    const refreshed = new Set<() => void>();
    // Announcements coalesce: one refresh at a time, and one more if any came meanwhile.
    let refreshing: Promise<void> | null = null;
    let again = false;
    function refreshSoon(): void {
      if (refreshing) {
        again = true;
        return;
      }
      refreshing = app.understanding
        .refresh()
        .catch((err) => app.log.error({ err }, 'understanding refresh failed'))
        .finally(() => {
          refreshing = null;
          if (!again) return;
          again = false;
          refreshSoon();
        });
    }
    app.decorate('classifier', {
      getter: () => current,
    });
    app.decorate('understanding', {
      async refresh() {
        current = base.with(await learned());
        for (const l of refreshed) l();
      },
      onRefresh(listener: () => void) {
        refreshed.add(listener);
        return () => refreshed.delete(listener);
      },
    });
    await app.understanding.refresh();
    const unlisten = await listenForUnderstanding(app.sql, refreshSoon);
    app.addHook('onClose', async () => {
      await unlisten();
      await refreshing;
    });
  },
  { name: 'classifier', dependencies: ['db'] },
);
