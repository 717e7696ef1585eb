import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parseDocument } from 'yaml';
import { loadRules } from '../server/rules/load.ts';
import { root } from '../scripts/harness/cluster.ts';
import { brokenCopy, problemsOf } from './support/rules.ts';

/** The environment family's file: its matters have district-department and community owners. */
const ENV = 'matters/02-env.yaml';

const lineOf = (dir: string, file: string, needle: string) =>
  fs
    .readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle)) + 1;

t.test('the shipped rules load and cover what the hotline needs', async (t) => {
  const rules = loadRules();
  t.ok(rules.families.length >= 15, `${rules.families.length} families`);
  t.ok(rules.categories.length >= 150, `${rules.categories.length} matters`);
  for (const c of rules.categories) t.ok(rules.routes.has(c.code), `${c.code} is routed`);
  for (const f of rules.families) t.ok(rules.categories.filter((c) => c.family === f.code).length >= 1, `${f.code} has matters`);
  t.ok(rules.negativeList.length > 0);
  t.ok(
    rules.urgency.some((u) => u.police),
    'some urgent matters are police matters',
  );
  t.same(rules.regions.map((r) => r.target).sort(), ['beijing', 'hebei']);
});

t.test('a YAML syntax error is reported with file, line and column', async (t) => {
  const dir = brokenCopy(t, 'urgency.yaml', (s) => s.replace('class: danger', 'class: [danger'));
  const [p] = problemsOf(dir);
  t.equal(p!.file, 'urgency.yaml');
  t.ok(p!.line > 1);
  t.ok(p!.column >= 1);
  t.ok(p!.reason.length > 0);
});

t.test('a wrong value points at its line', async (t) => {
  const dir = brokenCopy(t, ENV, (s) => s.replace('owner: community', 'owner: village_head'));
  const problems = problemsOf(dir);
  t.equal(problems[0]!.file, ENV);
  t.equal(problems[0]!.line, lineOf(dir, ENV, 'owner: village_head'));
  t.match(problems[0]!.reason, /allowed values/);
});

t.test('an unknown field and a missing one are named', async (t) => {
  const dir = brokenCopy(t, ENV, (s) => s.replace('    owner: district_department\n', '    ownr: district_department\n'));
  const reasons = problemsOf(dir).map((p) => p.reason);
  t.ok(reasons.includes('unknown field "ownr"'), reasons.join('; '));
  t.ok(reasons.includes('missing field "owner"'));
});

t.test('a route to a department that does not exist is refused', async (t) => {
  const dir = brokenCopy(t, ENV, (s) => s.replace('department: ecology', 'department: ministry_of_magic'));
  const [p] = problemsOf(dir);
  t.equal(p!.file, ENV);
  t.equal(p!.line, lineOf(dir, ENV, 'ministry_of_magic'));
  t.match(p!.reason, /no district department with key "ministry_of_magic"/);
});

t.test('a negative list naming an unknown category is refused', async (t) => {
  const dir = brokenCopy(t, 'negative-list.yaml', (s) => s.replace('urban.illegal_construction', 'urban.unicorns'));
  const [p] = problemsOf(dir);
  t.equal(p!.file, 'negative-list.yaml');
  t.match(p!.reason, /unknown category "urban.unicorns"/);
});

t.test('a missing file is refused', async (t) => {
  const dir = brokenCopy(t, 'dispatch.yaml', (s) => s);
  fs.rmSync(path.join(dir, 'dispatch.yaml'));
  t.same(problemsOf(dir), [{ file: 'dispatch.yaml', line: 1, column: 1, reason: 'file is missing' }]);
});

t.test('npm run rules:check reports file:line:column and fails', async (t) => {
  const dir = brokenCopy(t, ENV, (s) => s.replace('owner: community', 'owner: village_head'));
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/rules-check.ts', dir], { cwd: root, encoding: 'utf8' });
  t.equal(run.status, 1);
  t.match(run.stderr, new RegExp(`02-env\\.yaml:${lineOf(dir, ENV, 'village_head')}:\\d+: .*allowed values`));
  const ok = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/rules-check.ts'], { cwd: root, encoding: 'utf8' });
  t.equal(ok.status, 0);
  t.match(ok.stdout, /rules OK/);
});

/** A copy of rules/ with the environment family's file changed as data (parsed and written back). */
function editedMatters(t: { teardown(fn: () => void): void }, edit: (matters: MatterEntry[]) => void): string {
  return brokenCopy(t, ENV, (text) => {
    const doc = parseDocument(text);
    const matters = doc.toJS().matters as MatterEntry[];
    edit(matters);
    doc.set('matters', matters);
    return doc.toString();
  });
}
interface MatterEntry {
  code: string;
  keywords: (string | { word: string; weight: number })[];
  examples: string[];
  owner: string;
  fallback?: boolean;
}
const weightOf = (m: MatterEntry, word: string) => {
  const k = m.keywords.find((k) => (typeof k === 'string' ? k : k.word) === word);
  return k === undefined ? undefined : typeof k === 'string' ? 1 : k.weight;
};

t.test('a word in two matters needs weights that separate them', async (t) => {
  let shared = 0;
  const dir = editedMatters(t, (ms) => {
    shared = weightOf(
      ms.find((m) => m.code === 'env.business_noise')!,
      '广场舞',
    )!;
    ms.find((m) => m.code === 'env.oil_fume')!.keywords.push({ word: '广场舞', weight: shared });
  });
  const p = problemsOf(dir).find((p) => /广场舞/.test(p.reason));
  t.ok(p, 'refused');
  t.equal(p!.file, ENV);
  t.match(p!.reason, `"广场舞" is in env.business_noise and env.oil_fume with the same weight ${shared}`);
  const weighed = editedMatters(t, (ms) => {
    const other = weightOf(
      ms.find((m) => m.code === 'env.business_noise')!,
      '广场舞',
    )!;
    ms.find((m) => m.code === 'env.oil_fume')!.keywords.push({ word: '广场舞', weight: other / 4 });
  });
  t.doesNotThrow(() => loadRules(weighed), 'accepted once weighed apart');
});

t.test('a matter without examples, and a second fallback, are refused', async (t) => {
  const dir = editedMatters(t, (ms) => (ms.find((m) => m.code === 'env.odor')!.examples = []));
  t.ok(problemsOf(dir).some((p) => p.reason === 'matter "env.odor" needs at least 3 examples'));
  const two = editedMatters(t, (ms) => (ms.find((m) => m.code === 'env.odor')!.fallback = true));
  t.ok(problemsOf(two).some((p) => /exactly one matter must be the fallback, found 2/.test(p.reason)));
});

t.test('traditional characters in a word are folded as the texts are', async (t) => {
  const rules = loadRules();
  const words = new Set(rules.categories.flatMap((c) => c.keywords.map((k) => k.word)));
  t.notOk(
    [...words].some((w) => /[電樓氣聲燈業]/.test(w)),
    'every stored word is simplified',
  );
  t.equal(rules.folding.get('電'), '电');
  t.equal(rules.folding.get('裡'), '里');
  t.equal(rules.folding.get('么'), undefined, '怎么 stays 怎么: a simplified character is never folded');
});
