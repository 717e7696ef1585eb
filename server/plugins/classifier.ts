import fp from 'fastify-plugin';
import { createClassifier } from '../rules/classifier.ts';
import { AliasIndex } from '../core/aliases.ts';
import type { Classifier, ClassifierExtras } from '../core/classify.ts';
import { activeAliases } from '../../db/queries/aliases.ts';
import { listenUnderstandingChanged } from '../../db/queries/understanding.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The classifier as of the last refresh: read it anew for each request, it is swapped whole. */
    readonly classifier: Classifier;
    understanding: {
      /** Rebuild the classifier with what the database holds now (models, place aliases). */
      refresh(): Promise<void>;
      /** Settles when the next refresh has swapped its classifier in (for tests and tools: no polling). */
      whenRefreshed(): Promise<void>;
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
      return { aliases: new AliasIndex(await activeAliases(app.sql, { votes: base.rules.aliasVotes })) };
    }
    // Refreshes may overlap (two notices in a row): only the last one started is swapped in.
    let generation = 0;
    let waiters: (() => void)[] = [];
    app.decorate('classifier', {
      getter: () => current,
    });
    app.decorate('understanding', {
      async refresh() {
        const mine = ++generation;
        const extras = await learned();
        if (mine !== generation) return;
        current = base.with(extras);
        const settled = waiters;
        waiters = [];
        for (const w of settled) w();
      },
      whenRefreshed: () => new Promise<void>((resolve) => waiters.push(resolve)),
    });
    await app.understanding.refresh();
    // Another instance (or the import script) changed what is learned: rebuild here too.
    const unlisten = await listenUnderstandingChanged(app.sql, (change) => {
      app.understanding.refresh().catch((err: unknown) => app.log.warn({ err, change }, 'understanding refresh failed'));
    });
    app.addHook('onClose', async () => {
      await unlisten();
    });
  },
  { name: 'classifier', dependencies: ['db'] },
);
