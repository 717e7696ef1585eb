/**
 * The urgency rules carry their own test: each example sentence must fire its rule,
 * and no near miss may fire a danger rule. Checked whenever the rules load, so a
 * word added for one danger cannot silently turn ordinary complaints into dangers.
 */
import { normalize } from '../core/places.ts';
import type { UrgencyLanguage, UrgencyRule } from '../core/rules.ts';
import { UrgencyDetector } from '../core/urgency.ts';

export interface ExampleProblem {
  at: (string | number)[];
  reason: string;
}

export function urgencyExampleProblems(rules: UrgencyRule[], language: UrgencyLanguage): ExampleProblem[] {
  const detector = new UrgencyDetector(rules, language);
  const problems: ExampleProblem[] = [];
  const dangers = new Set(rules.filter((r) => r.class === 'danger').map((r) => r.id));
  const mustFire = (id: string, text: string, at: (string | number)[]) => {
    if (!detector.detect(normalize(text)).fired.includes(id)) problems.push({ at, reason: `example "${text}" does not fire rule ${id}` });
  };
  const mustNotFire = (text: string, at: (string | number)[]) => {
    const wrong = detector.detect(normalize(text)).fired.filter((id) => dangers.has(id));
    if (wrong.length) problems.push({ at, reason: `near miss "${text}" fires danger rule ${wrong.join(', ')}` });
  };
  rules.forEach((rule, i) => {
    rule.examples.forEach((e, j) => mustFire(rule.id, e, ['rules', i, 'examples', j]));
    (rule.nearMisses ?? []).forEach((e, j) => mustNotFire(e, ['rules', i, 'nearMisses', j]));
    (rule.combinations ?? []).forEach((c, k) => {
      c.examples.forEach((e, j) => mustFire(rule.id, e, ['rules', i, 'combinations', k, 'examples', j]));
      (c.nearMisses ?? []).forEach((e, j) => mustNotFire(e, ['rules', i, 'combinations', k, 'nearMisses', j]));
    });
  });
  return problems;
}
