import t from 'tap';
import { tianjinClassifier } from './support/classifier.ts';
import { signIn, testApp } from './support/app.ts';

const classifier = await tianjinClassifier();

// Written for this test, one per line, in the voice of callers.
const cases: [string, string][] = [
  ['请问新生儿落户需要带什么材料，在哪里办？', 'consultation'],
  ['想咨询一下灵活就业人员怎么交养老保险', 'consultation'],
  ['我要举报小区门口那家饭馆把泔水倒进雨水井', 'report'],
  ['实名检举我们村会计挪用集体的钱', 'report'],
  ['建议在地铁站出口多放几排共享单车的停车点', 'suggestion'],
  ['表扬一下咱们街道的网格员，下大雨挨家挨户敲门提醒', 'praise'],
  ['求助！我妈一个人在家摔倒起不来了，我在外地，求帮忙联系社区', 'help'],
  ['楼下烧烤店天天开到半夜，油烟熏得窗户都不敢开', 'complaint'],
];

t.test('each kind of request is read from its cues', async (t) => {
  for (const [text, type] of cases) {
    const r = classifier.classify(text);
    t.equal(r.requestType.code, type, text);
    const rule = r.explanation.find((e) => e.rule.startsWith('request-type:'));
    t.equal(rule?.rule, `request-type:${type}`, 'the explanation names it');
  }
});

t.test('a denied cue does not count, and no cue means a complaint or, with no matter at all, other', async (t) => {
  t.equal(classifier.classify('我不是举报谁，就是楼上漏水到我家，物业也不管').requestType.code, 'complaint');
  t.equal(classifier.classify('楼道的灯坏了一个月了').requestType.code, 'complaint');
  const nothing = classifier.classify('喂喂，听得见吗');
  t.equal(nothing.requestType.code, 'other');
  t.equal(nothing.requestType.name, '其他');
});

t.test('POST /api/classify answers the request type with its label', async (t) => {
  const h = await testApp(t);
  const operator = await signIn(h, ['operator']);
  const res = await operator.post('/api/classify', { text: '请问办居住证需要什么材料' });
  t.equal(res.statusCode, 200);
  t.same(res.json().requestType, { code: 'consultation', name: '咨询' });
});
