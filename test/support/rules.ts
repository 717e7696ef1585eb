/** Broken copies of rules/ for the loader's tests: what it reports about one changed file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultRulesDir, loadRules, RulesError, type RuleProblem } from '../../server/rules/load.ts';

/** A copy of rules/ with one file changed by `edit`, removed when the test ends. */
export function brokenCopy(t: { teardown(fn: () => void): void }, file: string, edit: (text: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(defaultRulesDir, dir, { recursive: true });
  const target = path.join(dir, file);
  fs.writeFileSync(target, edit(fs.readFileSync(target, 'utf8')));
  return dir;
}

/** The problems the loader reports for the rules in `dir`; fails when they load. */
export function problemsOf(dir: string): RuleProblem[] {
  try {
    loadRules(dir);
  } catch (err) {
    if (err instanceof RulesError) return err.problems;
    throw err;
  }
  throw new Error('rules loaded although broken');
}
