/**
 * `npm run rules:check [dir]`: load every rules file as the service does at start-up
 * and report each problem as file:line:column: reason; then classify every
 * matter's examples by the rules alone and report those put elsewhere. Exit 1 if any.
 */
import path from 'node:path';
import { examplesMissed } from '../server/rules/examples.ts';
import { loadKbSynonyms } from '../server/rules/kb-synonyms.ts';
import { defaultRulesDir, loadRules, RulesError } from '../server/rules/load.ts';

const dir = process.argv[2] ? path.resolve(process.argv[2]) : defaultRulesDir;
try {
  const rules = loadRules(dir);
  const synonyms = loadKbSynonyms(dir);
  const keywords = rules.categories.reduce((n, c) => n + c.keywords.length, 0);
  const { checked, missed } = examplesMissed(rules);
  for (const m of missed)
    console.error(`example of ${m.code} classified as ${m.got} (${m.matched.join('、') || 'no words'}): ${m.example}`);
  console.log(
    `rules ${missed.length ? 'loaded' : 'OK'}: ${rules.families.length} families, ${rules.categories.length} matters (${keywords} words), ` +
      `${checked - missed.length}/${checked} examples in their own matter, ` +
      `${rules.departments.city.length + rules.departments.district.length} departments, ` +
      `${rules.negativeList.length} negative-list rules, ${rules.urgency.length} urgency rules, ${rules.regions.length} regions, ` +
      `${synonyms.length} knowledge-base synonym groups`,
  );
  if (missed.length) {
    console.error(`${missed.length} example(s) not in their own matter: fix the words or their weights`);
    process.exit(1);
  }
} catch (err) {
  if (!(err instanceof RulesError)) throw err;
  for (const p of err.problems) console.error(`${path.join(path.relative(process.cwd(), dir), p.file)}:${p.line}:${p.column}: ${p.reason}`);
  console.error(`${err.problems.length} problem(s); the service will not start on these rules`);
  process.exit(1);
}
