/** The knowledge service on the app (app.kb): the one way routes, scripts and the order service touch the knowledge base. */
import fp from 'fastify-plugin';
import { SynonymIndex } from '../core/knowledge-search.ts';
import { createKbIndexHolder } from '../kb/index.ts';
import { createKbService, type KbService } from '../kb/service.ts';
import { teach } from '../kb/segmenter.ts';
import { loadKbSynonyms } from '../rules/kb-synonyms.ts';

declare module 'fastify' {
  interface FastifyInstance {
    kb: KbService;
  }
}

export default fp<{ rulesDir?: string }>(
  async function kb(app, opts) {
    const groups = loadKbSynonyms(opts.rulesDir);
    // The synonyms' words come out of the segmenter whole, in questions and entries alike.
    teach(groups.flat());
    // Search ranks in memory: follow every instance's changes (kb_changed), listening before
    // the first read so that no change falls between the two, and build before serving.
    const index = createKbIndexHolder(app.sql, (err) => app.log.error({ err }, 'knowledge index reload failed'));
    const unlisten = await index.listen();
    app.addHook('onClose', unlisten);
    await index.ready();
    app.decorate(
      'kb',
      createKbService({
        db: app.db,
        sql: app.sql,
        clock: app.clock,
        synonyms: new SynonymIndex(groups),
        index,
        // Read at each use: the classifier (and its taxonomy) is swapped whole on refresh.
        categoryKnown: (code) => app.classifier.rules.routes.has(code),
      }),
    );
  },
  { name: 'kb', dependencies: ['db', 'classifier', 'clock'] },
);
