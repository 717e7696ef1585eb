/** Matching rule words against normalised text: shared by the classifier's parts. */
import { AutomatonBuilder, type Automaton } from './automaton.ts';
import { normalize } from './places.ts';

/** Why a decision was made: the rule and the words of the text that made it. */
export interface Explanation {
  rule: string;
  matched: string[];
}

export function collect<T>(automaton: Automaton, text: string, items: T[]): Map<T, Set<string>> {
  const found = new Map<T, Set<string>>();
  automaton.scan(text, (id, start, end) => {
    const item = items[id]!;
    if (!found.has(item)) found.set(item, new Set());
    found.get(item)!.add(text.slice(start, end));
  });
  return found;
}

/** One automaton over many rules' words: word → rule index (and whether it is an exclusion). */
export function automatonOf<T>(rules: T[], words: (rule: T) => string[]): Automaton {
  const builder = new AutomatonBuilder();
  rules.forEach((rule, i) => words(rule).forEach((w) => builder.add(normalize(w), i)));
  return builder.build();
}
