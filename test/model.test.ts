import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { root } from '../scripts/harness/cluster.ts';
import { gramsOf, loadModel, MODEL_VERSION, NaiveBayesModel, train, Trainer, type ModelData } from '../server/core/model.ts';
import { normalize } from '../server/core/places.ts';

const history = fs
  .readFileSync(path.join(root, 'test/fixtures/history.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { text: string; categoryCode: string });
const examples = history.map((h) => ({ text: normalize(h.text), code: h.categoryCode }));

/** Sentences the model never saw, said differently from the training ones. */
const heldOut: [string, string][] = [
  ['屋里暖气冰凉冰凉的，供热公司什么时候能修好', 'utility.heating'],
  ['整栋楼一滴水都没有了，什么时候恢复供水', 'utility.water_outage'],
  ['家门口的路灯坏了，晚上黑乎乎的不敢出门', 'urban.street_light'],
  ['工地晚上施工到凌晨，打桩声吵死了', 'env.construction_noise'],
  ['楼下烧烤店的油烟熏得家里全是味', 'env.oil_fume'],
  ['邻居遛狗不拴绳，狗还叫个不停', 'urban.pets'],
  ['电梯又坏了，困了人也没人来修', 'housing.elevator'],
  ['老板欠了我两个月的工资不给', 'labor.wage_arrears'],
  ['有车乱停把小区消防通道堵了', 'traffic.parking'],
  ['超市卖过期的面包，吃了拉肚子', 'market.food_safety'],
];

const model = new NaiveBayesModel(JSON.parse(JSON.stringify(train(examples))));

t.test('held-out sentences get their matter', async (t) => {
  const right = heldOut.filter(([text, code]) => model.predict(normalize(text))?.code === code);
  t.ok(right.length >= 9, `${right.length} of ${heldOut.length} held-out sentences right`);
  for (const [text, code] of heldOut) {
    const p = model.predict(normalize(text))!;
    t.ok(p.confidence > 0 && p.confidence <= 1, `${code}: confidence ${p.confidence} within (0, 1]`);
  }
});

t.test('evidence: grams of the text that speak for the matter', async (t) => {
  const p = model.predict(normalize('电梯坏了，老人被困在电梯里'))!;
  t.equal(p.code, 'housing.elevator');
  t.ok(p.evidence.length > 0 && p.evidence.length <= 5, 'a few grams');
  for (const g of p.evidence) t.ok(normalize('电梯坏了，老人被困在电梯里').includes(g), `"${g}" is in the text`);
  t.ok(
    p.evidence.some((g) => g.includes('电梯')),
    `电梯 weighs most: ${p.evidence.join(' ')}`,
  );
  // Overlapping grams are given once, as the longer one.
  for (const a of p.evidence) for (const b of p.evidence) if (a !== b) t.notOk(a.includes(b), `${a} / ${b}`);
});

t.test('confidence follows the margin', async (t) => {
  const clear = model.predict(normalize('暖气不热，供热温度太低，暖气片冰凉'))!;
  const torn = model.predict(normalize('暖气不热，电梯也坏了'))!;
  t.equal(clear.code, 'utility.heating');
  t.ok(clear.confidence > torn.confidence, `clear ${clear.confidence} > torn ${torn.confidence}`);
  t.ok(torn.confidence < 0.9, 'two matters at once is no sure thing');
});

t.test('a model that knows nothing says nothing', async (t) => {
  t.equal(new NaiveBayesModel(train([])).predict('暖气不热'), null, 'no examples');
  t.equal(model.predict('!!! ??? 。。。'), null, 'no letters');
  t.equal(model.predict(normalize('ωψζ')), null, 'no gram it has seen');
});

t.test('digits are one digit, punctuation a boundary', async (t) => {
  t.same(
    [...gramsOf('3号楼')],
    [...gramsOf('12号楼')].filter((g) => g !== '00' && g !== '00号'),
  );
  t.notOk(
    [...gramsOf('灯，坏')].some((g) => g.includes('，')),
    'no gram spans punctuation',
  );
  t.ok(gramsOf('灯坏').has('灯坏'));
});

t.test('the stored model is bounded', async (t) => {
  const small = train(examples, { maxGrams: 100 });
  t.ok(Object.keys(small.grams).length <= 100, `${Object.keys(small.grams).length} grams kept`);
  t.ok(new NaiveBayesModel(small).predict(normalize('电梯坏了')) !== null, 'and still answers');
  // Everyday characters say nothing about the matter and are not kept.
  const full = train(examples);
  t.notOk('的' in full.grams, '的 is not kept');
  t.ok('电梯' in full.grams, '电梯 is kept');
});

t.test('skewed classes: a rare matter is still found', async (t) => {
  // Heating has five times the examples; the parking sentences must still win parking.
  const heat = examples.filter((e) => e.code === 'utility.heating');
  const skewed = [...examples, ...heat, ...heat, ...heat, ...heat];
  const m = new NaiveBayesModel(train(skewed));
  t.equal(m.predict(normalize('有车乱停把小区消防通道堵了'))?.code, 'traffic.parking');
});

t.test('the trainer takes examples in any order', async (t) => {
  const trainer = new Trainer({ expected: examples.length });
  for (const e of [...examples].reverse()) trainer.add(e.text, e.code);
  const m = new NaiveBayesModel(trainer.finish());
  const right = heldOut.filter(([text, code]) => m.predict(normalize(text))?.code === code);
  t.ok(right.length >= 9, `${right.length} of ${heldOut.length}`);
});

t.test('a stored model of another version is ignored, not fatal', async (t) => {
  const stored = JSON.parse(JSON.stringify(train(examples))) as ModelData;
  t.ok(loadModel(stored), 'this version loads');
  t.equal(loadModel({ ...stored, version: MODEL_VERSION - 1 }), null, 'an older one is ignored');
  t.equal(loadModel(null), null, 'nothing stored');
  t.throws(() => new NaiveBayesModel({ ...stored, version: 1 } as unknown as ModelData), 'the constructor refuses it');
});
