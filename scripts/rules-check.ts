/**
 * `npm run rules:check [dir]`: load every rules file as the service does at start-up
 * and report each problem as file:line:column: reason. Exit 1 if any.
 */
import path from 'node:path';
import { defaultRulesDir, loadRules, RulesError } from '../server/rules/load.ts';

const dir = process.argv[2] ? path.resolve(process.argv[2]) : defaultRulesDir;
try {
  const rules = loadRules(dir);
  const keywords = rules.categories.reduce((n, c) => n + c.keywords.length, 0);
  console.log(
    `rules OK: ${rules.categories.length} categories (${keywords} keywords), ${rules.routes.size} routes, ` +
      `${rules.departments.city.length + rules.departments.district.length} departments, ` +
      `${rules.negativeList.length} negative-list rules, ${rules.urgency.length} urgency rules, ${rules.regions.length} regions`,
  );
} catch (err) {
  if (!(err instanceof RulesError)) throw err;
  for (const p of err.problems) console.error(`${path.join(path.relative(process.cwd(), dir), p.file)}:${p.line}:${p.column}: ${p.reason}`);
  console.error(`${err.problems.length} problem(s); the service will not start on these rules`);
  process.exit(1);
}
