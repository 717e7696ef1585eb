/**
 * Classification throughput with the Tianjin tree and with the whole country's,
 * and what it costs to get each tree into the database and into memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { connect } from '../../db/client.ts';
import { loadDivisions } from '../../db/divisions.ts';
import { syncDepartmentUnits } from '../../db/queries/units.ts';
import { loadPlaceIndex } from '../../server/rules/classifier.ts';
import { Classifier } from '../../server/core/classify.ts';
import { loadRules } from '../../server/rules/load.ts';
import { foldText } from '../../server/core/matching.ts';
import { NaiveBayesModel, train } from '../../server/core/model.ts';
import type { RuleSet } from '../../server/core/rules.ts';
import { readLabelled } from '../eval/run.ts';
import { regionNames } from '../../server/rules/regions.ts';
import { root } from '../harness/cluster.ts';

export interface TreeResult {
  scope: string;
  areas: number;
  dbLoadSeconds: number;
  indexBuildSeconds: number;
  heapMiB: number;
  microsPerComplaint: number;
  complaintsPerSecond: number;
  /** The same complaints with a text model loaded, trained on the taxonomy's examples and the evaluation sets. */
  microsWithModel: number;
}

const texts = (
  parse(fs.readFileSync(path.join(root, 'test/fixtures/classification.yaml'), 'utf8')) as { examples: { text: string }[] }
).examples.map((e) => e.text);

/** A history to train on: the taxonomy's examples and the labelled evaluation messages (about 2,700 lines). */
function historyLike(rules: RuleSet): { text: string; code: string }[] {
  const examples = rules.categories.flatMap((c) => c.examples.map((text) => ({ text, code: c.code })));
  const dir = path.join(root, 'test/fixtures/eval');
  const labelled = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readLabelled(path.join(dir, f)))
    .filter((l) => l.categoryCode)
    .map((l) => ({ text: l.text, code: l.categoryCode! }));
  return [...examples, ...labelled].map((e) => ({ text: foldText(e.text, rules.folding), code: e.code }));
}

function measure(classifier: Classifier, rounds: number): number {
  for (let i = 0; i < 2000; i++) classifier.classify(texts[i % texts.length]!); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) classifier.classify(texts[i % texts.length]!);
  return Number(process.hrtime.bigint() - started) / 1000 / rounds;
}

export async function benchClassifyTree(url: string, scope: string, rounds = 50_000): Promise<TreeResult> {
  const db = connect(url, { max: 2 });
  try {
    const rules = loadRules();
    let started = performance.now();
    await loadDivisions(db.sql, scope);
    await syncDepartmentUnits(db.sql, rules.departments);
    const dbLoadSeconds = (performance.now() - started) / 1000;

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    started = performance.now();
    const places = await loadPlaceIndex(db.sql);
    const indexBuildSeconds = (performance.now() - started) / 1000;
    global.gc?.();
    const heapMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

    const classifier = new Classifier(rules, places, regionNames(rules.regions), places.get('120000')!);
    const micros = measure(classifier, rounds);
    const model = new NaiveBayesModel(train(historyLike(rules)));
    const microsWithModel = measure(classifier.with({ model }), rounds);
    return {
      scope,
      areas: places.size,
      dbLoadSeconds,
      indexBuildSeconds,
      heapMiB,
      microsPerComplaint: micros,
      complaintsPerSecond: 1e6 / micros,
      microsWithModel,
    };
  } finally {
    await db.close();
  }
}
