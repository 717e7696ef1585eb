import { divisions } from '../../db/divisions.ts';
import { Classifier } from '../../server/core/classify.ts';
import { PlaceIndex } from '../../server/core/places.ts';
import { loadRules } from '../../server/rules/load.ts';
import { regionNames } from '../../server/rules/regions.ts';

/** The classifier the service builds, from rules/ and the real Tianjin tree, without a database. */
export async function tianjinClassifier(): Promise<Classifier> {
  const places = new PlaceIndex();
  for await (const a of divisions('12')) places.add(a.code, a.name, a.level, a.parentCode);
  places.build();
  const rules = loadRules();
  return new Classifier(rules, places, regionNames(rules.regions), places.get('120000')!);
}
