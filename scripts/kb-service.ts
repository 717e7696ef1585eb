/**
 * The knowledge service outside the running app, for the command-line tools
 * (kb:import, kb:export, kb:eval, the bench): the same service app.kb is, with the
 * rules' taxonomy and the synonyms file read from rules/.
 */
import type { DbHandle } from '../db/client.ts';
import { SynonymIndex } from '../server/core/knowledge-search.ts';
import { teach } from '../server/kb/segmenter.ts';
import { createKbService, type KbService } from '../server/kb/service.ts';
import { loadKbSynonyms } from '../server/rules/kb-synonyms.ts';
import { loadRules } from '../server/rules/load.ts';

export function kbServiceFor(db: DbHandle, clock: { now(): Date } = { now: () => new Date() }): KbService {
  const rules = loadRules();
  const groups = loadKbSynonyms();
  teach(groups.flat());
  return createKbService({ db: db.db, sql: db.sql, clock, synonyms: new SynonymIndex(groups), categoryKnown: (c) => rules.routes.has(c) });
}
