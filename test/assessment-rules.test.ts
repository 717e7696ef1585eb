// rules/assessment.yaml is checked like every rules file: by its schema, and its weights must share out 100 points.
import t from 'tap';
import { ASSESSMENT_TERMS } from '../server/core/assessment.ts';
import { loadRules } from '../server/rules/load.ts';
import { brokenCopy, problemsOf } from './support/rules.ts';

const problemsWith = (t: { teardown(fn: () => void): void }, edit: (text: string) => string) =>
  problemsOf(brokenCopy(t, 'assessment.yaml', edit));

t.test('the shipped weights name every term and add up to 100', async (t) => {
  const { assessmentWeights } = loadRules();
  t.same(Object.keys(assessmentWeights).sort(), [...ASSESSMENT_TERMS].sort());
  t.equal(
    ASSESSMENT_TERMS.reduce((n, k) => n + assessmentWeights[k], 0),
    100,
  );
});

t.test('weights that do not add up to 100 are refused, with the line', async (t) => {
  const [p, ...more] = problemsWith(t, (s) => s.replace('satisfaction: 25', 'satisfaction: 24'));
  t.same(more, []);
  t.equal(p!.file, 'assessment.yaml');
  t.equal(p!.reason, 'weights must add up to 100, not 99');
  t.ok(p!.line > 1, `line ${p!.line}`);
});

t.test('a missing term, an unknown one and a negative weight are schema problems', async (t) => {
  t.match(
    problemsWith(t, (s) => s.replace(/^ {2}objections: 5$/m, '')),
    [{ file: 'assessment.yaml', reason: 'missing field "objections"' }],
  );
  t.match(
    problemsWith(t, (s) => s.replace('returns: 10', 'returns: 10\n  speed: 0')),
    [{ reason: 'unknown field "speed"' }],
  );
  t.match(
    problemsWith(t, (s) => s.replace('returns: 10', 'returns: -10')),
    [{ file: 'assessment.yaml', reason: /returns must be >= 0/ }],
  );
});
