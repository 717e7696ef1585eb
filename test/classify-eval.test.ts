import path from 'node:path';
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { root } from '../scripts/harness/cluster.ts';
import { evaluate, readLabelled } from '../scripts/eval/run.ts';
import { accuracy } from '../scripts/eval/metrics.ts';

// Labelled sets written in citizens' voice by people who did not see the lexicon
// (test/fixtures/eval/README.md says how they were made); the bar.
const sets = ['citizens-a.jsonl', 'citizens-b.jsonl'].map((f) => path.join(root, 'test/fixtures/eval', f));
const lines = sets.flatMap((f) => readLabelled(f));
const result = await evaluate(lines);

t.test('the labelled sets are big enough and cover every family', async (t) => {
  t.ok(lines.length >= 1000, `${lines.length} messages`);
  const families = new Set(lines.map((l) => l.family));
  t.ok(families.size >= 15, `${families.size} families`);
});

t.test('family ≥ 90%, matter ≥ 80%, other ≤ 5%', async (t) => {
  const family = accuracy(result.scorer.get('family'));
  const matter = accuracy(result.scorer.get('matter'));
  t.ok(family >= 0.9, `family ${(family * 100).toFixed(1)}%`);
  t.ok(matter >= 0.8, `matter ${(matter * 100).toFixed(1)}%`);
  t.ok(result.otherShare <= 0.05, `other ${(result.otherShare * 100).toFixed(1)}%`);
});

t.test('every urgent message is flagged, no ordinary one as a danger', async (t) => {
  t.same(
    result.urgentMissed.map((l) => l.text),
    [],
    'urgent not flagged',
  );
  t.same(
    result.ordinaryAsDanger.map((l) => l.text),
    [],
    'ordinary flagged as a danger',
  );
});

t.test('npm run classify:eval prints the figures and exits 0', async (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/classify-eval.ts', sets[0]!], { cwd: root, encoding: 'utf8' });
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /^family: \d+\.\d%/m);
  t.match(run.stdout, /^matter: \d+\.\d%/m);
  t.match(run.stdout, /most frequent confusions/);
  t.match(run.stdout, /^other: \d+\.\d%/m);
  const missing = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/classify-eval.ts', 'no-such-file.jsonl'], {
    cwd: root,
    encoding: 'utf8',
  });
  t.equal(missing.status, 2);
  t.match(missing.stderr, /no-such-file\.jsonl does not exist/);
});

t.test('--history trains a model on those lines first, and the model then settles some', async (t) => {
  t.equal(result.decidedByModel, 0, 'without history the rules alone decide');
  const even = lines.filter((_, i) => i % 2 === 0);
  const odd = lines.filter((_, i) => i % 2 === 1);
  const withHistory = await evaluate(even, { history: odd });
  t.ok(withHistory.decidedByModel > 0, `${withHistory.decidedByModel} settled by the model`);
});
