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

// Questions that are complaints, complaints phrased as questions, and questions in everyday forms.
const questions: [string, string][] = [
  ['为什么小区门口的路灯坏了一个月都没人修？', 'complaint'],
  ['凭什么物业说涨价就涨价？', 'complaint'],
  ['怎么还不来修暖气？家里冻了三天了', 'complaint'],
  ['请问一下这个烧烤摊天天占道到底有没有人管？', 'complaint'],
  ['请问你们是不是不管事？投诉三次了', 'complaint'],
  ['物业代收水费，每吨比自来水公司高一块多，这合理吗？', 'complaint'],
  ['暖气不热应该找哪个部门？', 'consultation'],
  ['请问社保断缴了怎么补？', 'consultation'],
  ['天然气费怎么交？', 'consultation'],
  ['孩子上学的事想咨询一下，户口不在这边能上吗', 'consultation'],
  ['居住证到期了怎么签注，可以网上办吗？', 'consultation'],
  ['能不能帮帮我，房东押金不退', 'help'],
  ['楼道里一股很浓的煤气味，敲门也没人应，快派人来！', 'help'],
  ['发现一个小作坊没有营业执照，回收废电池酸液倒在地上', 'report'],
];

t.test('questions that complain, complaints that ask, and questions in everyday words', async (t) => {
  for (const [text, type] of questions) t.equal(classifier.classify(text).requestType.code, type, text);
});

t.test('a danger happening now with no cue is a plea for help; an outage stays a complaint', async (t) => {
  t.equal(classifier.classify('路边有个人晕倒了，脸色发紫，好像没呼吸了，河西区友谊路').requestType.code, 'help');
  t.equal(classifier.classify('我们小区从昨天下午就停气了，做不了饭，东丽区丰年村街道').requestType.code, 'complaint');
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
