/**
 * 质检台 (the built dist/desks/qa.html) in a real browser: the inspector sees the
 * pending samples with their reasons in words, opens one with the complaint and the
 * reply side by side, scores it on the rubric's number inputs, and it leaves the
 * pending list for the scored one.
 */
import t from 'tap';
import { QA_REASON_LABELS } from '../server/core/qa.ts';
import { REPLY_CHECK_LABELS } from '../server/core/reply-quality.ts';
import { loadRules } from '../server/rules/load.ts';
import { type Client, ok, signIn, testApp } from './support/app.ts';
import { launch, openAs, RAW_CODES, shot, visibleText } from './support/browser.ts';

const browser = await launch(t);
const A = '120102'; // 河东区
const rubric = loadRules('rules').qaRubric;

t.test('the inspector scores a sample and it leaves the pending list', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const [desk, handler] = await Promise.all([signIn(h, ['operator', 'dispatcher']), signIn(h, ['handler'], A)]);
  const act = (who: Client, id: number, action: string, body?: object) => ok(who.post(`/api/orders/${id}/actions/${action}`, body));
  const order = await ok(
    desk.post('/api/orders', {
      channel: 'phone',
      content: '小区楼道里堆满杂物，消防通道被堵，多次找物业没人管',
      citizenPhone: '13812345678',
      categoryCode: 'housing.property',
      areaCode: A,
    }),
  );
  await act(desk, order.id, 'accept');
  await act(desk, order.id, 'dispatch', { unitId: A });
  await act(handler, order.id, 'claim');
  await act(handler, order.id, 'reply', { text: '已处理', qualityReason: '电话中已向诉求人详细说明' });
  await act(desk, order.id, 'close', { satisfaction: 'basically_satisfied' });

  const { page, problems } = await openAs(browser, t, h, ['qa'], 'hotline', '/qa.html');
  await page.waitForSelector('.qa-desk[data-loaded="true"]', { timeout: 20_000 });
  await page.waitForSelector(`#qa-samples [data-order-number="${order.number}"]`);
  const row = (await page.textContent('#qa-samples .el-table__body'))!;
  t.match(row, QA_REASON_LABELS.flagged, 'the reason in words');
  t.match(row, '河东区人民政府');

  await page.click(`#qa-samples [data-order-number="${order.number}"]`);
  const detail = page.locator('.sample-detail');
  await detail.waitFor();
  t.match(await detail.locator('.complaint').textContent(), '消防通道被堵');
  t.match(await detail.locator('.complaint').textContent(), '138****5678', 'the phone masked');
  t.match(await detail.locator('.reply').textContent(), '已处理');
  t.match(await detail.locator('.rating').textContent(), '基本满意');
  t.match(await detail.locator('.checks').textContent(), REPLY_CHECK_LABELS.too_short, 'the checks’ findings in words');
  for (const item of rubric.items) t.match(await detail.textContent(), item.label);
  t.notMatch(await visibleText(page), RAW_CODES, 'no raw codes');
  t.ok(await page.isDisabled('#qa-submit'), 'nothing to submit until every item is scored');

  // Each input stops at its item's max: typing more than it leaves the max.
  const inputs = detail.locator('.rubric input');
  t.equal(await inputs.count(), rubric.items.length);
  const scores = rubric.items.map((i) => (i.code === 'clear_result' ? i.max - 10 : i.max));
  for (let i = 0; i < rubric.items.length; i++) {
    await inputs.nth(i).fill(String(i === 0 ? rubric.items[0]!.max + 50 : scores[i]));
    await inputs.nth(i).blur();
  }
  t.equal(await inputs.nth(0).inputValue(), String(rubric.items[0]!.max), 'clamped to the max');
  t.equal(await page.textContent('#qa-total'), String(90));
  await detail.locator('textarea').fill('答复过简，办理结果未写明');
  await shot(page, 'qa-scoring');
  await page.click('#qa-submit');
  await page.waitForSelector(`#qa-samples [data-order-number="${order.number}"]`, { state: 'detached' });
  t.match(await page.textContent('#qa-samples'), '没有待评分的样本', 'it left the pending list');

  await page.click('#qa-status label:has-text("已评分")');
  await page.waitForSelector(`#qa-samples [data-order-number="${order.number}"]`);
  await page.click(`#qa-samples [data-order-number="${order.number}"]`);
  await page.waitForSelector('.sample-detail .result');
  t.match(await page.textContent('.sample-detail .result'), /总分 90（合格/);
  await shot(page, 'qa-scored');

  const stored = await ok((await signIn(h, ['qa'])).get('/api/qa/samples?status=scored'));
  t.match(stored.items[0], { order: { id: order.id }, score: { total: 90, passed: true, comment: '答复过简，办理结果未写明' } });
  t.same(problems, [], 'no page or console errors');
});
