/**
 * 紧急: whether a complaint is a danger to life or property (15 minutes) or an
 * outage of water, power, gas or heat (30 minutes), and whether it is the
 * police's (110). Pure: built once from rules/urgency.yaml, one automaton pass.
 */
import type { Automaton } from './automaton.ts';
import { automatonOf, collect, type Explanation } from './matching.ts';
import type { UrgentClass } from './deadlines.ts';
import type { UrgencyRule } from './rules.ts';

export interface UrgencyFinding {
  urgencyClass: UrgentClass | null;
  police: boolean;
  /** The rules that fired, with the words that made them fire. */
  explanation: Explanation[];
}

export class UrgencyDetector {
  private readonly keywords: Automaton;
  private readonly exclusions: Automaton;

  constructor(private readonly rules: UrgencyRule[]) {
    this.keywords = automatonOf(rules, (r) => r.keywords);
    this.exclusions = automatonOf(rules, (r) => r.exclusions ?? []);
  }

  /** `text` is already normalised (see places.ts `normalize`). */
  detect(text: string): UrgencyFinding {
    const hits = collect(this.keywords, text, this.rules);
    const no = collect(this.exclusions, text, this.rules);
    const fired: UrgencyRule[] = [];
    const explanation: Explanation[] = [];
    for (const [rule, words] of hits) {
      if (no.has(rule)) continue;
      fired.push(rule);
      explanation.push({ rule: `urgency:${rule.id}`, matched: [...words] });
    }
    const urgencyClass = fired.some((r) => r.class === 'danger') ? 'danger' : fired.length ? 'outage' : null;
    return { urgencyClass, police: fired.some((r) => r.police), explanation };
  }
}
