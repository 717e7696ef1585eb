import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
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

t.test('every category has labelled examples', async (t) => {
  for (const c of classifier.rules.categories) {
    if (c.fallback) continue;
    t.ok(examples.filter((e) => e.category === c.code).length >= 2, `${c.code} has at least two examples`);
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
