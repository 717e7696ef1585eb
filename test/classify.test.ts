import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { readLabelled } from '../scripts/eval/run.ts';
import { parse } from 'yaml';
import { root } from '../scripts/harness/cluster.ts';
import { tianjinClassifier } from './support/classifier.ts';

interface Example {
  text: string;
  location?: string;
  category: string;
  urgency: 'urgent' | 'normal';
  transfer?: '110' | 'beijing' | 'hebei';
  area?: string;
  ambiguous?: boolean;
}

const { examples } = parse(fs.readFileSync(path.join(root, 'test/fixtures/classification.yaml'), 'utf8')) as { examples: Example[] };
const classifier = await tianjinClassifier();

t.test('every matter is covered by the labelled evaluation sets', async (t) => {
  // This file's examples predate the taxonomy of 183 matters; the sets written in
  // citizens' voice (test/fixtures/eval/) cover each matter instead.
  const covered = new Map<string, number>();
  for (const f of ['citizens-a.jsonl', 'citizens-b.jsonl'])
    for (const line of readLabelled(path.join(root, 'test/fixtures/eval', f)))
      covered.set(line.categoryCode!, (covered.get(line.categoryCode!) ?? 0) + 1);
  for (const c of classifier.rules.categories) {
    if (c.fallback) continue;
    t.ok((covered.get(c.code) ?? 0) >= 3, `${c.code}: ${covered.get(c.code) ?? 0} messages`);
  }
});

t.test('labelled examples', async (t) => {
  for (const e of examples) {
    const r = classifier.classify(e.text, e.location);
    const label = e.text.slice(0, 40);
    t.equal(r.category.code, e.category, `category: ${label}`);
    t.equal(r.urgency, e.urgency, `urgency: ${label}`);
    t.equal(r.transfer, e.transfer ?? null, `transfer: ${label}`);
    if (e.area) t.equal(r.area?.code, e.area, `area: ${label}`);
    if (e.ambiguous) {
      t.ok(r.candidates.length > 1, `candidates: ${label}`);
      t.equal(r.autoDispatch, false, `an ambiguous place is never auto-routed: ${label}`);
    }
    if (r.transfer) t.equal(r.autoDispatch, false, `a transfer is never auto-dispatched: ${label}`);
    t.ok(
      r.explanation.some((x) => x.rule === `category:${r.category.code}`),
      'the explanation names the category rule',
    );
  }
});
