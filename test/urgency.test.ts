import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { root } from '../scripts/harness/cluster.ts';
import { normalize } from '../server/core/places.ts';
import type { UrgencyLanguage, UrgencyRule } from '../server/core/rules.ts';
import { UrgencyDetector } from '../server/core/urgency.ts';
import { loadRules } from '../server/rules/load.ts';
import { brokenCopy, problemsOf } from './support/rules.ts';
import { tianjinClassifier } from './support/classifier.ts';

const rules = loadRules();
const detector = new UrgencyDetector(rules.urgency, rules.urgencyLanguage);
const detect = (text: string) => detector.detect(normalize(text));
const dangerIds = new Set(rules.urgency.filter((r) => r.class === 'danger').map((r) => r.id));
const firesDanger = (text: string) => detect(text).fired.some((id) => dangerIds.has(id));

t.test('every combination carries examples that fire it and near misses that fire no danger', async (t) => {
  let combinations = 0;
  for (const rule of rules.urgency) {
    for (const c of rule.combinations ?? []) {
      combinations++;
      t.ok(c.examples.length > 0 && (c.nearMisses ?? []).length > 0, `${rule.id}: ${c.objects[0]} … ${c.states[0]} has both`);
      for (const e of c.examples) t.ok(detect(e).fired.includes(rule.id), `${rule.id} fires: ${e}`);
      for (const e of c.nearMisses ?? []) t.notOk(firesDanger(e), `no danger: ${e}`);
    }
  }
  t.ok(combinations >= 20, `${combinations} combinations`);
});

// Sentences of the test's own, one group per kind of danger the literal keywords missed.
const cases: { rule: string; fires: string[]; not: string[] }[] = [
  {
    rule: 'U-LIVEWIRE',
    fires: ['小区门口那根电缆断了，断头还在打火', '电线被车挂掉了一直冒火花'],
    not: ['电线杆上贴了好多小广告', '担心以后漏电', '电线没有断，是路灯坏了'],
  },
  { rule: 'U-FLOOD', fires: ['地库里的水涨到小腿了还在涨', '雨水往家里灌，已经淹到床脚'], not: ['这个月水费涨了十块', '卫生间地漏返味'] },
  { rule: 'U-TRAPPED', fires: ['我妈困在电梯里半小时了', '孩子把自己锁在屋里出不来了'], not: ['我困了想早点睡', '电梯按钮坏了按不亮'] },
  {
    rule: 'U-VIOLENCE',
    fires: ['有人拿着刀在小区里追人', '楼下有人在打人，满地是血快报警'],
    not: ['小区门口磨刀的太吵了', '打了好几次电话没人接'],
  },
  {
    rule: 'U-FIRE',
    fires: ['楼道里都是烟，呛得睁不开眼', '一股烧焦的味道从楼道里冒出来'],
    not: ['楼下烧烤摊冒烟', '楼道里有人抽烟，烟味呛人'],
  },
  {
    rule: 'U-HEIGHT',
    fires: ['外墙的瓷砖松动了，底下全是人', '空调外机摇摇欲坠'],
    not: ['空调外机滴水到我家窗台', '阳台晾的衣服被风吹掉了'],
  },
  {
    rule: 'U-LIFT',
    fires: ['电梯开着门就往上跑', '电梯突然下坠了好几层'],
    not: ['电梯门关得太快夹不到人但是吓人，希望调一下', '电梯广告太吵'],
  },
  { rule: 'U-GAS', fires: ['楼道里一股煤气味', '燃气管子好像漏了'], not: ['燃气费又涨了', '师傅说燃气没有漏'] },
  { rule: 'U-COLLAPSE', fires: ['小区外墙整块塌下来了'], not: ['墙皮起皮了想找物业'] },
];
t.test('the dangers the literal keywords missed, in everyday wording', async (t) => {
  for (const c of cases) {
    for (const text of c.fires) t.ok(detect(text).fired.includes(c.rule), `${c.rule}: ${text}`);
    for (const text of c.not) t.notOk(firesDanger(text), `no danger: ${text}`);
  }
});

t.test('a negated state does not fire; a question about it is flagged to confirm', async (t) => {
  for (const text of ['插座没有漏电', '暖气管不漏水了', '电线没断']) t.equal(detect(text).urgencyClass, null, text);
  t.equal(detect('电线不停地冒火花').urgencyClass, 'danger', '不停 is not a negation');
  t.equal(detect('水没过膝盖了').urgencyClass, 'danger', '没过 is a state, not a negation');
  const asked = detect('是不是漏电了，摸着有点麻');
  t.equal(asked.urgencyClass, 'danger');
  t.equal(asked.confirm, true);
  t.match(asked.reason, /是不是/);
  t.ok(asked.explanation.some((e) => e.rule === 'urgency-confirm:U-LIVEWIRE'));
  t.equal(detect('家里煤气味没了').urgencyClass, null, 'negated after the state');
});

t.test('hypotheticals, the past and doubt', async (t) => {
  for (const text of ['担心以后漏电', '楼道堆满杂物，万一着火了跑不出去', '去年地下室被水淹过', '以前井盖丢过，现在补上了']) {
    t.equal(detect(text).urgencyClass, null, `not now: ${text}`);
  }
  const unsure = detect('好像有煤气味');
  t.same([unsure.urgencyClass, unsure.confirm], ['danger', true], 'the caller is unsure: a person confirms');
  const plea = detect('要是再不来人水就淹进屋了');
  t.same([plea.urgencyClass, plea.confirm], ['danger', true], 'a hypothetical said as happening now: confirm');
  const sure = detect('电线断了，好像要下雨了');
  t.same([sure.urgencyClass, sure.confirm, sure.reason], ['danger', false, null], 'doubt in another clause does not weaken it');
  const mixed = detect('燃气好像有点味，楼道电线断了在打火');
  t.equal(mixed.confirm, false, 'one sure danger is enough to be sure');
});

const language: UrgencyLanguage = {
  negators: [],
  negationGap: 1,
  notNegators: [],
  postNegators: [],
  questions: [],
  unreal: [],
  unrealAfter: [],
  present: [],
  doubt: [],
  masks: [],
  clauseBreaks: '。',
};
const rule = (window?: number): UrgencyRule => ({
  id: 'T-1',
  name: '测试',
  class: 'danger',
  keywords: ['丙丁'],
  combinations: [{ objects: ['甲'], states: ['乙'], window, examples: ['甲乙'] }],
  police: false,
  examples: ['甲乙'],
});

t.test('the window is counted in characters between the two words, in either order', async (t) => {
  const small = new UrgencyDetector([rule(3)], language);
  t.equal(small.detect('甲口口口乙').urgencyClass, 'danger', '3 between: inside');
  t.equal(small.detect('乙口口口甲').urgencyClass, 'danger', 'either order');
  t.equal(small.detect('甲口口口口乙').urgencyClass, null, '4 between: outside');
  t.equal(small.detect('乙口口口口甲').urgencyClass, null, '4 between, reversed: outside');
  t.equal(small.detect('甲口口口口乙口甲').urgencyClass, 'danger', 'the nearest counterpart counts');
  const byDefault = new UrgencyDetector([rule()], language);
  t.equal(byDefault.detect(`甲${'口'.repeat(12)}乙`).urgencyClass, 'danger', 'default window: 12');
  t.equal(byDefault.detect(`甲${'口'.repeat(13)}乙`).urgencyClass, null, 'default window: 13 is out');
});

t.test('police matters transfer to 110; other dangers do not', async (t) => {
  const classifier = await tianjinClassifier();
  for (const text of ['楼下有个男的拎着菜刀追着人砍', '两个人打起来了，一个满脸是血', '有人撬我家门，现在还在撬']) {
    const c = classifier.classify(text);
    t.equal(c.transfer, '110', text);
    t.equal(c.urgencyClass, 'danger', text);
    t.equal(c.autoDispatch, false, text);
  }
  const wire = classifier.classify('小区里电线掉下来了在冒火花');
  t.same([wire.transfer, wire.urgencyClass], [null, 'danger']);
});

/** A copy of rules/ with urgency.yaml changed by `edit`; the problems the loader reports. */
function problemsWith(t: { teardown(fn: () => void): void }, edit: (text: string) => string) {
  const dir = brokenCopy(t, 'urgency.yaml', edit);
  const lines = fs.readFileSync(path.join(dir, 'urgency.yaml'), 'utf8').split('\n');
  return { problems: problemsOf(dir), lineOf: (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1 };
}

t.test('the rules check refuses an example that does not fire and a near miss that does', async (t) => {
  const silent = problemsWith(t, (s) =>
    s.replace('    examples: [三楼那户家里着火了]', '    examples: [三楼那户家里着火了, 今天天气真好]'),
  );
  t.equal(silent.problems.length, 1);
  t.match(silent.problems[0], {
    file: 'urgency.yaml',
    line: silent.lineOf('今天天气真好'),
    reason: /example "今天天气真好" does not fire rule U-FIRE/,
  });

  const loud = problemsWith(t, (s) =>
    s.replace('          - 有人在楼道抽烟，烟味特别大\n', '          - 有人在楼道抽烟，烟味特别大\n          - 楼道里的电线断了在打火\n'),
  );
  t.equal(loud.problems.length, 1);
  t.match(loud.problems[0], {
    file: 'urgency.yaml',
    line: loud.lineOf('楼道里的电线断了在打火'),
    reason: /near miss .* fires danger rule U-LIVEWIRE/,
  });
});

interface Labelled {
  text: string;
  urgency: 'urgent' | 'normal';
  class?: 'danger' | 'outage';
  police?: true;
}
const labelled = fs
  .readFileSync(path.join(root, 'test/fixtures/dangers.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Labelled);

t.test('dangers in citizens’ words: every danger flagged, no ordinary complaint flagged', async (t) => {
  const urgent = labelled.filter((e) => e.urgency === 'urgent');
  const ordinary = labelled.filter((e) => e.urgency === 'normal');
  t.ok(labelled.length >= 150 && urgent.length >= 60 && ordinary.length >= 60, `${urgent.length} urgent, ${ordinary.length} ordinary`);
  let flagged = 0;
  let wronglyFlagged = 0;
  for (const e of urgent) {
    const f = detect(e.text);
    if (f.urgencyClass === (e.class ?? 'danger')) flagged++;
    t.equal(f.urgencyClass, e.class ?? 'danger', `flagged: ${e.text}`);
    t.equal(f.police, e.police ?? false, `police: ${e.text}`);
  }
  for (const e of ordinary) {
    const f = detect(e.text);
    if (f.urgencyClass !== null) wronglyFlagged++;
    t.equal(f.urgencyClass, null, `ordinary: ${e.text}`);
  }
  t.comment(`urgent flagged ${flagged}/${urgent.length}; ordinary wrongly flagged ${wronglyFlagged}/${ordinary.length}`);
});
