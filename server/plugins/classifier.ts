import fp from 'fastify-plugin';
import { createClassifier } from '../rules/classifier.ts';
import { AliasIndex } from '../core/aliases.ts';
import type { Classifier, ClassifierExtras } from '../core/classify.ts';
import { loadModel } from '../core/model.ts';
import { activeAliases } from '../../db/queries/aliases.ts';
import { newestModel } from '../../db/queries/training.ts';
import { listenUnderstandingChanged } from '../../db/queries/understanding.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The classifier as of the last refresh: read it anew for each request, it is swapped whole. */
    readonly classifier: Classifier;
    understanding: {
      /** Rebuild the classifier with what the database holds now (models, place aliases). */
      refresh(): Promise<void>;
      /** Called after each refresh has swapped its classifier in (tests wait on it rather than on time). */
      onRefresh(listener: () => void): () => void;
      /** Settles when the next refresh has swapped its classifier in. */
      whenRefreshed(): Promise<void>;
    };
  }
}

/**
 * The rules and the area tree, loaded whole before the app serves anything, and
 * what the centre has taught the service since (the newest trained model, the
 * active place aliases), loaded at start and again whenever it changes. The
 * rules' part is built once; a refresh builds a new classifier around it and
 * swaps it in, so a request never sees half of a change.
 */
export default fp<{ classifier?: Classifier; homeCity?: string }>(
  async function classifier(app, opts) {
    const base = opts.classifier ?? (await createClassifier(app.sql, { homeCity: opts.homeCity }));
    let current = base;
    async function learned(): Promise<ClassifierExtras> {
      const [aliases, stored] = await Promise.all([activeAliases(app.sql, { votes: base.rules.aliasVotes }), newestModel(app.sql)]);
      return { aliases: new AliasIndex(aliases), model: stored ? loadModel(stored.model) : null };
    }
    const listeners = new Set<() => void>();
    // Refreshes may overlap (one called while a notice's runs): only the last one started is
    // swapped in, and a refresh superseded by a newer one returns once that one has swapped,
    // so that on return the classifier is at least as new as the database was when it was called.
    let generation = 0;
    let pending: Promise<void> = Promise.resolve();
    app.decorate('classifier', {
      getter: () => current,
    });
    app.decorate('understanding', {
      async refresh() {
        const mine = ++generation;
        const run = learned().then((extras) => {
          if (mine !== generation) return;
          current = base.with(extras);
          for (const l of [...listeners]) l();
        });
        pending = run;
        await run;
        for (let newer = pending; newer !== run; newer = pending) {
          await newer;
          if (newer === pending) break;
        }
      },
      onRefresh(listener: () => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      whenRefreshed: () =>
        new Promise<void>((resolve) => {
          const off = app.understanding.onRefresh(() => {
            off();
            resolve();
          });
        }),
    });
    await app.understanding.refresh();

    // Another instance, the trainer or an import changed what is learned: rebuild here too.
    // Notices coalesce: one refresh at a time, and one more if any came meanwhile.
    let refreshing: Promise<void> | null = null;
    let again = false;
    function refreshSoon(): void {
      if (refreshing) {
        again = true;
        return;
      }
      refreshing = app.understanding
        .refresh()
        .catch((err: unknown) => app.log.error({ err }, 'understanding refresh failed'))
        .finally(() => {
          refreshing = null;
          if (!again) return;
          again = false;
          refreshSoon();
        });
    }
    const unlisten = await listenUnderstandingChanged(app.sql, refreshSoon);
    app.addHook('onClose', async () => {
      await unlisten();
      await refreshing;
    });
  },
  { name: 'classifier', dependencies: ['db'] },
);
