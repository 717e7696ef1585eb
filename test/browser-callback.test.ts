/**
 * 回访台 (the built desk, dist/desks/callback.html) in a real browser: the queue of
 * replied orders oldest first, the number revealed (and recorded), a 未接通 counted,
 * a 不满意 that reopens (重办) and a 满意 that closes (已办结). Each asserts what the
 * operator sees and what the database then holds.
 */
import t from 'tap';
import { signIn, testApp, type Client, type TestApp } from './support/app.ts';
import { launch, openAs, RAW_CODES, shot, visibleText } from './support/browser.ts';

const browser = await launch(t);

async function repliedOrder(desk: Client, handler: Client, content: string, phone: string, reply: string) {
  const order = (
    await desk.post('/api/orders', {
      channel: 'phone',
      content,
      categoryCode: 'urban.street_light',
      areaCode: '120102001',
      citizenPhone: phone,
    })
  ).json();
  for (const [who, action, body] of [
    [desk, 'accept', {}],
    [desk, 'dispatch', { unitId: '120102' }],
    [handler, 'claim', {}],
    [handler, 'reply', { text: reply }],
  ] as const) {
    const res = await who.post(`/api/orders/${order.id}/actions/${action}`, body);
    if (res.statusCode !== 200) throw new Error(`${action}: ${res.body}`);
  }
  return order as { id: number; number: string };
}

const stateOf = async (h: TestApp, id: number) =>
  (await h.db.sql`select status, satisfaction, reopen_count from orders where id = ${id}`)[0]!;
const eventsOf = async (h: TestApp, id: number, action: string) =>
  h.db.sql`select reason, payload from order_events where order_id = ${id} and action = ${action} order by id`;

t.test('回访: the queue oldest first, a number revealed, a 未接通 counted, 不满意 reopens, 满意 closes', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const handler = await signIn(h, ['handler'], '120102');
  const first = await repliedOrder(desk, handler, '河东区大王庄街道十一经路路灯不亮', '13812345678', '已派人检修十一经路路灯，线路已恢复');
  h.clock.advance(600_000);
  const second = await repliedOrder(
    desk,
    handler,
    '大王庄街道六纬路路灯白天常亮',
    '13987654321',
    '已调整六纬路路灯的开关时间，白天不再亮灯',
  );

  const { page, problems } = await openAs(browser, t, h, ['operator'], 'hotline', '/callback.html');
  await page.waitForSelector('#callback-queue .number[data-order-number]', { timeout: 15_000 });
  const numbers = await page.$$eval('#callback-queue .number', (els) => els.map((e) => e.getAttribute('data-order-number')));
  t.same(numbers, [first.number, second.number], 'oldest reply first');
  await page.waitForSelector(`#callback-panel[data-order-number="${first.number}"]`);
  t.match(await page.textContent('#callback-content'), /十一经路路灯不亮/, 'the complaint');
  t.match(await page.textContent('#callback-reply'), /线路已恢复/, "the unit's reply");
  t.match(await page.textContent('#callback-panel'), /路灯照明/, 'the matter by its name');
  await page.waitForFunction(() => !document.querySelector('#callback-panel')!.textContent!.includes('…'));
  t.match(await page.textContent('#callback-panel'), /河东区/, 'the unit by its name');
  t.match(await page.textContent('#callback-panel'), /回访时限 2026-11-27 00:00/, 'the deadline, Beijing time');
  t.equal(await page.textContent('#callback-phone'), '138****5678', 'the number masked until asked for');
  await shot(page, 'callback-queue');

  await page.click('#reveal-phone');
  await page.waitForFunction(() => document.getElementById('callback-phone')!.textContent === '13812345678');
  t.equal((await eventsOf(h, first.id, 'phone_viewed')).length, 1, 'the reveal is written to the trail');

  // No answer: recorded with its count, the order stays in the queue for a later try.
  await page.fill('#missed-note', '无人接听');
  await page.click('#callback-missed');
  await page.waitForFunction(() => document.getElementById('callback-attempts')?.textContent === '1');
  t.match(await page.textContent('#callback-queue'), /1/, 'the count in the list');
  t.match(await page.textContent('#callback-missed'), /第 2 次/, 'the next try is the second');
  t.match(await page.textContent('#callback-done'), /未接通（第 1 次）/);
  const missed = await eventsOf(h, first.id, 'callback_missed');
  t.match(missed, [{ reason: '无人接听', payload: { attempt: 1, limit: 3 } }]);
  t.match(await stateOf(h, first.id), { status: 'replied' });
  await shot(page, 'callback-missed');

  // 不满意 asks for the reason, then reopens.
  await page.click('#rate-unsatisfied');
  await page.click('#confirm-reopen');
  await page.waitForSelector('#callback-error');
  t.match(await page.textContent('#callback-error'), /填写原因/, 'no reopen without a reason');
  t.match(await stateOf(h, first.id), { status: 'replied' });
  await page.fill('#unsatisfied-reason', '路灯晚上还是不亮');
  await page.click('#confirm-reopen');
  await page.waitForSelector(`#callback-done li[data-order-number="${first.number}"][data-status="reopened"]`);
  t.match(await page.textContent(`#callback-done li[data-order-number="${first.number}"][data-status="reopened"]`), /不满意.*重办/);
  t.match(await stateOf(h, first.id), { status: 'reopened', satisfaction: 'unsatisfied', reopen_count: 1 });
  t.match(await eventsOf(h, first.id, 'reopen'), [{ reason: '路灯晚上还是不亮' }]);
  await shot(page, 'callback-reopened');

  // The next opens by itself; 满意 closes it.
  await page.waitForSelector(`#callback-panel[data-order-number="${second.number}"]`);
  await page.click('#rate-satisfied');
  await page.waitForSelector(`#callback-done li[data-order-number="${second.number}"][data-status="closed"]`);
  t.match(await page.textContent(`#callback-done li[data-order-number="${second.number}"]`), /满意.*已办结/);
  t.match(await stateOf(h, second.id), { status: 'closed', satisfaction: 'satisfied' });
  await page.waitForFunction(() => document.getElementById('queue-count')?.textContent?.startsWith('0'));
  t.match(await page.textContent('#callback-queue'), /没有待回访的工单/);
  await shot(page, 'callback-done');

  t.notMatch(await visibleText(page), RAW_CODES, 'no raw code on the page');
  t.same(problems, [], 'no console error, no failed request');
});

t.test('the last unanswered try closes the order as 未回访', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const handler = await signIn(h, ['handler'], '120102');
  const order = await repliedOrder(desk, handler, '路灯不亮', '13812345678', '已派维修班组修复路灯线路，路灯恢复照明');
  for (let i = 0; i < 2; i++) await desk.post(`/api/orders/${order.id}/actions/callback_missed`);
  const { page, problems } = await openAs(browser, t, h, ['operator'], 'hotline', '/callback.html');
  await page.waitForSelector(`#callback-panel[data-order-number="${order.number}"]`, { timeout: 15_000 });
  t.equal(await page.textContent('#callback-attempts'), '2');
  t.match(await page.textContent('#callback-missed'), /按未回访办结（第 3 次）/, 'the operator is told this try ends it');
  await page.click('#callback-missed');
  await page.waitForSelector(`#callback-done li[data-order-number="${order.number}"][data-status="closed"]`);
  t.match(await page.textContent('#callback-done'), /未回访.*已办结/);
  t.match(await stateOf(h, order.id), { status: 'closed', satisfaction: null });
  t.match(await eventsOf(h, order.id, 'callback_missed'), [{}, {}, { payload: { attempt: 3, callbackUnreached: true } }]);
  await shot(page, 'callback-unreached');
  t.same(problems, []);
});
