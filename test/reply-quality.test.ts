// 答复质检: each check on replies written for it, passing and failing, with the rules as shipped.
import t from 'tap';
import { loadRules } from '../server/rules/load.ts';
import { checkReply, type ReplyContext } from '../server/core/reply-quality.ts';

const rules = loadRules('rules').replyChecks;
const lamp: ReplyContext = {
  complaint: '大王庄街道华丰路的路灯坏了一个星期，晚上黑漆漆的，老人出门不方便',
  matterWords: ['路灯', '灯不亮'],
  citizenPhone: '13912345678',
  today: '2026-12-02',
};
const checks = (text: string, ctx = lamp) => checkReply(text, ctx, rules).map((f) => f.check);

t.test('a reply that says what was found and done passes every check', async (t) => {
  t.same(checks('经现场核实，华丰路路灯因线路老化损坏，已于12月1日更换线路，路灯已恢复照明。'), []);
  t.same(checks('您好，经核实该路段路灯归区城管委维护，我们已派维修班组更换灯头，12月8日前完成全部检修。'), []);
});

t.test('too short, and boilerplate only', async (t) => {
  t.same(checks('已修复'), ['too_short', 'off_matter']);
  const empty = checks('您好，您反映的问题已收悉，我们高度重视，会尽快处理，请耐心等待。谢谢！');
  t.ok(empty.includes('boilerplate_only'), 'nothing but set phrases');
  t.ok(empty.includes('no_action'), '已收悉 is not an action: the set phrases are removed before looking for one');
  t.notOk(empty.includes('too_short'), 'long enough, and still empty');
});

t.test('no action or result stated', async (t) => {
  t.same(checks('关于华丰路路灯的问题，该路段的路灯属于市政设施，晚上确实比较暗，给居民带来不便。'), ['no_action']);
});

t.test("another person's phone or identity number, but not the citizen's own", async (t) => {
  const f = checkReply('已联系华丰路路灯维修负责人王师傅（13800001111）更换灯头，路灯已恢复照明。', lamp, rules);
  t.same(
    f.map((x) => x.check),
    ['personal_data'],
  );
  t.match(f[0]!.message, /138\*{4}1111/, 'the number is masked in the message');
  t.same(checks('已按您留的电话13912345678联系您确认，华丰路路灯已更换灯头恢复照明。'), [], "the citizen's own number is no leak");
  t.same(checks('已更换华丰路路灯灯头，经查报修人为120101199001011234，路灯已恢复照明。'), ['personal_data']);
});

t.test("the matter not addressed: neither its words nor the complaint's", async (t) => {
  t.same(checks('已督促物业公司加强小区绿化养护，及时修剪草坪，清理落叶，请您放心。'), ['off_matter']);
  t.same(checks('已派人到华丰路检查，损坏的灯具已经全部更换完毕，晚上可以正常照明。'), [], "the complaint's own words (华丰路) count");
  const noMatter = { ...lamp, matterWords: [] };
  t.same(checks('已派维修班组到华丰路更换损坏灯具，现已恢复照明。', noMatter), [], "without a matter, the complaint's words still count");
});

t.test('a promise of a date already past', async (t) => {
  t.same(checks('已安排维修班组，华丰路路灯将于11月30日前修好，请您留意。'), ['past_promise']);
  t.same(checks('已安排维修班组，华丰路路灯将于2026年12月10日前修好。'), [], 'a date to come');
  t.same(checks('已于11月30日派员查看华丰路路灯，发现线路老化，已更换恢复照明。'), [], 'a date reporting what was done is no promise');
  t.same(checks('已安排维修班组，华丰路路灯将于1月5日前完成更换。'), [], 'a January named in December is next January');
});
