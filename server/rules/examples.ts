/**
 * The taxonomy's examples as a test of its words: each example should be put
 * into its own matter by the rules alone (no model, no place index). A miss means
 * the words are missing or weighed wrong; `npm run rules:check` reports it.
 */
import { Classifier } from '../core/classify.ts';
import { PlaceIndex } from '../core/places.ts';
import type { RuleSet } from '../core/rules.ts';

export interface ExampleMiss {
  code: string;
  example: string;
  got: string;
  matched: string[];
}

export function examplesMissed(rules: RuleSet): { checked: number; missed: ExampleMiss[] } {
  const places = new PlaceIndex();
  places.add('100000', '示例市', 'city', null);
  const classifier = new Classifier(rules, places.build(), [], { code: '100000', name: '示例市', level: 'city' });
  const missed: ExampleMiss[] = [];
  let checked = 0;
  for (const c of rules.categories) {
    for (const example of c.examples) {
      checked++;
      const got = classifier.classify(example);
      if (got.category.code !== c.code) missed.push({ code: c.code, example, got: got.category.code, matched: got.explanation[0]!.matched });
    }
  }
  return { checked, missed };
}
