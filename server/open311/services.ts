/**
 * GeoReport v2 services are the matters of the taxonomy (rules/matters/): a
 * service_code is a matter's code, its group the matter's family. The matters have
 * no extra form fields, so every service says `metadata: false` and its definition
 * lists no attributes. Every service is `realtime`: a POST answers its
 * service_request_id (the order number) at once.
 */
import type { Category, RuleSet } from '../core/rules.ts';
import type { Item } from './format.ts';

/** How many of a matter's words are offered as keywords: enough to find it, not its whole lexicon. */
const KEYWORDS = 8;

function service(c: Category, familyName: string): Item {
  const example = c.examples[0];
  return {
    service_code: c.code,
    service_name: c.name,
    description: example ? `${familyName}类事项「${c.name}」，例如：${example}` : `${familyName}类事项「${c.name}」`,
    metadata: false,
    type: 'realtime',
    keywords: c.keywords
      .slice(0, KEYWORDS)
      .map((k) => k.word)
      .join(', '),
    group: familyName,
  };
}

/** The service list, in the taxonomy's order. */
export function serviceList(rules: RuleSet): Item[] {
  const families = new Map(rules.families.map((f) => [f.code, f.name]));
  return rules.categories.map((c) => service(c, families.get(c.family) ?? c.family));
}

export const findService = (rules: RuleSet, code: string): Category | undefined => rules.categories.find((c) => c.code === code);

/** A service definition: the matters ask nothing beyond the standard fields, so no attributes. */
export const serviceDefinition = (c: Category): Item => ({ service_code: c.code, attributes: [] });
