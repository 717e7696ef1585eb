/**
 * 承办工作台 (the built desk, dist/desks/inbox.html) in a real browser: an order
 * arriving live and claimed; a reopened order opening with the complaint, the earlier
 * reply and the reason, the citizen's picture, the 催办, the phone revealed and
 * recorded; a countdown turning yellow in the page and red when the sweeper fires
 * (the extension and 协办: browser-inbox-steps.test.ts). Time is the test clock (the
 * service's) and Playwright's (the page's): both are moved, never slept.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { sweepDueClocks } from '../server/jobs/sweeper.ts';
import { signIn, testApp, type TestApp } from './support/app.ts';
import { launch, openAs, RAW_CODES, shot, visibleText } from './support/browser.ts';

const browser = await launch(t);
const LIVE = { timeout: 15_000 };
/** A 1×1 PNG: the WeChat picture, served by the test in place of WeChat's host. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64');

const row = (number: string) => `#inbox-list tr:has(.number[data-order-number="${number}"])`;
const settled = (page: Page) => page.waitForSelector('html:not([data-loading])');
const stateOf = async (h: TestApp, id: number) =>
  (await h.db.sql`select status, current_unit_id, claimed_by_unit_id from orders where id = ${id}`)[0]!;
const eventsOf = (h: TestApp, id: number, action: string) =>
  h.db.sql`select reason, payload, unit_id from order_events where order_id = ${id} and action = ${action} order by id`;

async function must(res: { statusCode: number; body: string; json(): unknown }, what: string) {
  if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
}

t.test(
  'a new order arrives live and is claimed; 退单「其他」needs words; a reopened order opens with the earlier reply and the reason',
  async (t) => {
    const h = await testApp(t);
    const desk = await signIn(h, ['operator', 'dispatcher']);
    const handlerApi = await signIn(h, ['handler'], '120102001');
    const supervisor = await signIn(h, ['supervisor'], '120102');
    const { page, problems } = await openAs(browser, t, h, ['handler'], '120102001', '/inbox.html');
    await page.route('http://mmbiz.qpic.cn/**', (r) => r.fulfill({ contentType: 'image/png', body: PNG }));
    await page.waitForSelector('#live-status[data-live="on"]');
    await page.waitForSelector('#inbox-list .el-table__empty-text');
    await settled(page);

    // Arrives by the live feed, with its claim clock ticking.
    const fresh = (
      await desk.post('/api/orders', { channel: 'phone', content: '河东区大王庄街道马路边有人乱扔垃圾，环境卫生很差' })
    ).json();
    t.equal(fresh.currentUnitId, '120102001', 'the rules dispatched it to the street');
    await page.waitForSelector(row(fresh.number), LIVE);
    t.match(await page.textContent(`${row(fresh.number)} .countdown[data-clock="claim"]`), /签收 剩余/);
    await page.click(`${row(fresh.number)} button[data-action="claim"]`);
    await page.waitForSelector(`${row(fresh.number)} .number[data-status="claimed"]`, LIVE);
    t.match(await stateOf(h, fresh.id), { status: 'claimed', claimed_by_unit_id: '120102001' });

    // 退单 with 其他 and no words: refused in the page, nothing sent.
    await page.click(row(fresh.number));
    await page.waitForSelector(`#work-panel[data-order-number="${fresh.number}"]`);
    await page.click('#work-panel button[data-action="return"]');
    await page.click('form[data-form="return"] .el-select');
    await page.click('.el-select-dropdown__item:visible:has-text("其他")');
    await page.click('form[data-form="return"] button[type="submit"]');
    await page.waitForSelector('[data-testid="work-error"]');
    t.match(await page.textContent('[data-testid="work-error"]'), /必须填写说明/);
    t.equal((await stateOf(h, fresh.id)).status, 'claimed', 'nothing was sent');
    await page.keyboard.press('Escape');

    // An order answered, then reopened by the citizen's 不满意; a picture sent by WeChat; urged from above.
    const order = (
      await desk.post('/api/orders', {
        channel: 'phone',
        content: '大王庄街道十一经路路灯不亮，晚上很黑',
        categoryCode: 'urban.street_light',
        areaCode: '120102001',
        citizenPhone: '13812345678',
      })
    ).json();
    await must(await desk.post(`/api/orders/${order.id}/actions/accept`, {}), 'accept');
    await must(await desk.post(`/api/orders/${order.id}/actions/dispatch`, { unitId: '120102001' }), 'dispatch');
    await must(await handlerApi.post(`/api/orders/${order.id}/actions/claim`, {}), 'claim');
    await must(await handlerApi.post(`/api/orders/${order.id}/actions/reply`, { text: '已派人检修路灯线路，线路已恢复照明' }), 'reply');
    await must(await desk.post(`/api/orders/${order.id}/actions/reopen`, { reason: '路灯晚上还是不亮' }), 'reopen');
    await must(
      await desk.post(`/api/orders/${order.id}/actions/supplement`, { attachmentUrl: 'http://mmbiz.qpic.cn/mmbiz_jpg/lamp/0' }),
      'supplement',
    );
    await must(await supervisor.post(`/api/orders/${order.id}/actions/urge`, { note: '群众反复来电，请尽快处理' }), 'urge');
    await page.waitForSelector(`${row(order.number)} .number[data-status="reopened"]`, LIVE);
    await page.waitForSelector(`${row(order.number)} [data-flag="reopened"]`);
    await page.waitForSelector(`${row(order.number)} [data-flag="urged"]`);

    await page.click(row(order.number));
    await page.waitForSelector(`#order-detail[data-order-number="${order.number}"] #reopen-context`);
    t.match(await page.textContent('#reopen-context'), /十一经路路灯不亮/, "the citizen's complaint");
    t.match(await page.textContent('#earlier-reply'), /线路已恢复/, 'the earlier reply');
    t.match(await page.textContent('#reopen-reason'), /路灯晚上还是不亮/, 'the reopen reason');
    t.match(await page.textContent('#urged'), /已催办 1 次/, 'the urge is visible to the urged unit');
    t.match(await page.textContent('#order-trail'), /群众反复来电/, "the urge's note in the trail");
    await page.waitForSelector('#attachments img[src="http://mmbiz.qpic.cn/mmbiz_jpg/lamp/0"]');
    t.ok(await page.$eval('#attachments img', (img) => (img as HTMLImageElement).naturalWidth > 0), 'the picture is shown');
    t.match(await page.textContent('#citizen-phone'), /138\*\*\*\*5678/, 'masked until asked for');
    await shot(page, 'inbox-reopened');

    // Claimed again from the drawer, then the number revealed: written to the trail.
    await page.click('#work-panel button[data-action="claim"]');
    await page.waitForSelector(`#order-detail[data-status="claimed"]`, LIVE);
    await page.click('#reveal-phone');
    await page.waitForFunction(() => document.getElementById('citizen-phone')?.textContent === '13812345678');
    t.equal((await eventsOf(h, order.id, 'phone_viewed')).length, 1, 'the look is recorded');
    await page.waitForSelector('#order-trail [data-action="phone_viewed"]', LIVE);
    t.notMatch(await visibleText(page), RAW_CODES, 'no raw code on the page');
    t.same(problems, [], 'no page errors, console errors or failed requests');
  },
);

t.test('a countdown turns yellow in the page at the ladder’s instant and red while the sweeper fires, without a reload', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Beijing
  const desk = await signIn(h, ['operator']);
  const { page, problems } = await openAs(browser, t, h, ['handler'], '120102:urban', '/inbox.html');
  // The page's clock is the service's: installed at the test clock's time, then moved with it.
  await page.waitForSelector('#live-status[data-live="on"]', LIVE);
  await settled(page); // no fetch of the first load left to be cut by the reload
  await page.context().clock.install({ time: h.clock.now() });
  await page.reload();
  await page.waitForSelector('#live-status[data-live="on"]', LIVE);
  await settled(page);

  const order = (await desk.post('/api/orders', { channel: 'phone', content: '河东区大王庄街道井盖丢了，很危险' })).json();
  t.equal(order.currentUnitId, '120102:urban');
  t.equal(order.urgency, 'urgent', 'a danger: 15 minutes to claim, 黄灯 at half of it');
  const claim = `${row(order.number)} .countdown[data-clock="claim"]`;
  await page.waitForSelector(`${claim}[data-phase="ok"]`, LIVE);
  await settled(page);
  await shot(page, 'inbox-clock-ok');

  // 8 minutes on: past the first warning instant (7.5 min). No sweep yet, no fetch: the page's own tick turns it yellow.
  h.clock.advance(8 * 60_000);
  await page.clock.fastForward(8 * 60_000);
  await page.waitForSelector(`${claim}[data-phase="warn"]`, LIVE);
  // The service has not fired the warning (no sweep): whatever the page fetched says 'running', so yellow is the page's own.
  const handler = await signIn(h, ['handler'], '120102:urban');
  const bench = (await handler.get('/api/orders/workbench')).json();
  const served = bench.items
    .find((i: { order: { id: number } }) => i.order.id === order.id)
    .clocks.find((c: { kind: string }) => c.kind === 'claim');
  t.equal(served.state, 'running', 'the service still reports the clock as running');
  t.match(await page.textContent(claim), /签收 剩余 (6|7)分/);
  await shot(page, 'inbox-clock-warn');

  // Past the deadline on the service; the sweeper fires 黄灯 and 红灯, the feed carries them, the row turns red.
  h.clock.advance(8 * 60_000);
  const swept = await sweepDueClocks(h.db.sql, h.clock.now());
  t.ok(swept.events > 0, 'the sweep fired');
  await page.waitForSelector(`${claim}[data-phase="overdue"]`, LIVE);
  t.match(await page.textContent(claim), /签收 超期/);
  await shot(page, 'inbox-clock-red');
  t.same(problems, [], 'no page errors, console errors or failed requests');
});
