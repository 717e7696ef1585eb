/**
 * The citizens' pages (/submit, /track, built from server/desks/citizen/) in a real
 * browser on a phone-sized screen: submit, read the notice, track with the query
 * code, and rate the reply once it comes (不满意 sends it back with the reason).
 */
import t from 'tap';
import type { BrowserContext } from 'playwright-core';
import { signIn, testApp } from './support/app.ts';
import { baseUrl, launch, RAW_CODES, shot, visibleText } from './support/browser.ts';
import { codeIn } from './support/notice.ts';

const browser = await launch(t);

t.test('a citizen submits on the web, tracks the order with the query code and rates the reply', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const base = await baseUrl(h);
  const context: BrowserContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true });
  t.teardown(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
  page.on('requestfailed', (req) => problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`));

  // The short address of posters and receipts.
  await page.goto(`${base}/submit`);
  await page.waitForURL(`${base}/submit.html`);
  await page.click('#submit');
  await page.waitForSelector('.el-form-item__error:has-text("请填写联系电话")');
  t.equal(((await h.db.sql`select count(*)::int as n from orders`) as unknown as [{ n: number }])[0].n, 0, 'nothing sent without a phone');
  await page.fill('#phone', '13712345678');
  await page.fill('#content', '河东区大王庄街道马路边有人乱扔垃圾，环境卫生很差');
  await page.fill('#location', '大王庄街道十一经路');
  await page.press('#location', 'Enter');
  t.equal(
    ((await h.db.sql`select count(*)::int as n from orders`) as unknown as [{ n: number }])[0].n,
    0,
    'Enter in the address sends nothing',
  );
  await shot(page, 'citizen-submit');
  await page.click('#submit');
  await page.waitForSelector('#receipt', { timeout: 15_000 });
  const notice = (await page.textContent('#notice'))!;
  const number = await page.getAttribute('#receipt', 'data-order-number');
  const code = codeIn(notice);
  t.ok(number && notice.includes(number) && code, 'the notice gives the number and the query code');
  const [order] = await h.db.sql`select id, channel, citizen_phone, current_unit_id from orders where number = ${number}`;
  t.match(order, { channel: 'web', citizen_phone: '13712345678', current_unit_id: '120102001' });
  await shot(page, 'citizen-receipt');

  // Tracking: the number is carried over, the code typed.
  await page.click('#track-link');
  await page.waitForURL(/\/track\.html\?number=/);
  t.equal(await page.inputValue('#number'), number);
  await page.fill('#code', code!.toLowerCase());
  await page.press('#code', 'Enter');
  await page.waitForSelector('#tracking', { timeout: 15_000 });
  t.equal(await page.textContent('#status'), '已派单');
  t.match(await page.textContent('#unit'), /大王庄街道/, 'the unit by its name');
  t.equal(await page.$('#rating'), null, 'no rating before a reply');
  const text = await visibleText(page);
  t.notMatch(text, /1371234|5678/, 'no personal data');
  t.notMatch(text, RAW_CODES, 'no raw code');
  await shot(page, 'citizen-track');

  // The street replies; the citizen is not satisfied and says why.
  const handler = await signIn(h, ['handler'], '120102001');
  t.equal((await handler.post(`/api/orders/${order!.id}/actions/claim`, {})).statusCode, 200);
  t.equal(
    (await handler.post(`/api/orders/${order!.id}/actions/reply`, { text: '已安排环卫工人清扫马路边的垃圾，并加密巡查' })).statusCode,
    200,
  );
  await page.click('#look');
  await page.waitForSelector('#tracking[data-status="replied"] #rating');
  t.equal(await page.textContent('#reply'), '已安排环卫工人清扫马路边的垃圾，并加密巡查');
  await page.click('#rating label:has-text("不满意")');
  await page.click('#rate');
  await page.waitForSelector('#rate-message:has-text("不满意的原因")');
  t.equal((await h.db.sql`select status from orders where id = ${order!.id}`)[0]!.status, 'replied', 'not sent without a reason');
  await page.fill('#comment', '垃圾还在，没有人来扫');
  await shot(page, 'citizen-rating');
  await page.click('#rate');
  await page.waitForSelector('#tracking[data-status="reopened"]', { timeout: 15_000 });
  t.match(await page.textContent('#rated'), /重办/);
  t.equal(await page.$('#rating'), null, 'the rating form is gone once rated');
  const [after] = await h.db.sql`select status from orders where id = ${order!.id}`;
  t.equal(after!.status, 'reopened', 'sent back to be handled again');
  const [reopen] = await h.db.sql`select reason from order_events where order_id = ${order!.id} and action = 'reopen'`;
  t.equal(reopen!.reason, '垃圾还在，没有人来扫');
  t.same(problems, [], 'no page errors, console errors or failed requests');
});
