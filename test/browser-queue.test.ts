/**
 * 派单队列 (the built desk, dist/desks/queue.html) in a real browser: an ambiguous order
 * dispatched by choosing a place on the tree (nothing chosen for the dispatcher), a
 * returned duplicate merged into the order it repeats, a unit picked by its name, a
 * self-dispatched duplicate found in 疑似重复, and a transfer out confirmed by name.
 * Each asserts what the dispatcher sees and what the database then holds.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { signIn, testApp, type TestApp } from './support/app.ts';
import { launch, openAs, RAW_CODES, shot, visibleText } from './support/browser.ts';

const browser = await launch(t);
const AMBIGUOUS = '东风里社区门口的垃圾箱满了好几天没人清运，周围脏得不行。';
const GARBAGE = '河东区大王庄街道马路边有人乱扔垃圾，环境卫生很差';

const stateOf = async (h: TestApp, id: number) =>
  (await h.db.sql`select status, current_unit_id, merged_into_id, designated, transfer_target from orders where id = ${id}`)[0]!;
const row = (number: string) => `#queue .number[data-order-number="${number}"]`;
const opened = (page: Page, number: string) => page.waitForSelector(`#queue-detail[data-order-number="${number}"]`, { timeout: 15_000 });

t.test('an ambiguous order is dispatched by choosing a place; a new one arrives by itself', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator']);
  const order = (await desk.post('/api/orders', { channel: 'phone', content: AMBIGUOUS })).json();
  t.equal(order.status, 'received', 'the place is ambiguous: it waits for a dispatcher');

  const { page, problems } = await openAs(browser, t, h, ['dispatcher'], 'hotline', '/queue.html');
  await page.click(row(order.number), { timeout: 15_000 });
  await opened(page, order.number);
  await page.waitForSelector('#place-tree [data-place="120112101"]');
  t.match(await page.textContent('#place-tree'), /津南区[\s\S]*葛沽镇/, 'the candidate places on a tree');
  t.match(await page.getAttribute('#place-tree [data-place="120112101"]', 'title'), /津南区 › 葛沽镇/, 'each with its path');
  t.equal(await page.getAttribute('#dispatch-target', 'data-unit'), '', 'nothing chosen for the dispatcher');
  t.ok(await page.isDisabled('#dispatch'), 'no dispatch before a choice');
  t.match(await page.textContent('#proposal'), /规则无法确定|建议/, 'the rules’ proposal is shown as one');
  t.match(await page.textContent('#queue-keys'), /J.*下一张[\s\S]*D.*派单/, 'the keys are shown');
  await shot(page, 'queue-ambiguous');

  await page.click('#place-tree [data-place="120112101"]');
  await page.waitForSelector('#dispatch-target[data-unit="120112101"]');
  t.match(await page.textContent('#dispatch-target'), /葛沽镇/);
  await page.click('#dispatch');
  await page.waitForSelector(row(order.number), { state: 'detached', timeout: 15_000 });
  t.match(await stateOf(h, order.id), { status: 'dispatched', current_unit_id: '120112101' });

  // A new unplaceable order arrives in the open queue by itself; J opens it.
  await page.waitForSelector('#live-status[data-live="on"]');
  await page.waitForSelector('main:not([data-loading])');
  const next = (await desk.post('/api/orders', { channel: 'web', content: '楼上邻居每天晚上跺脚' })).json();
  await page.waitForSelector(row(next.number), { timeout: 15_000 });
  await page.keyboard.press('j');
  await opened(page, next.number);
  await shot(page, 'queue-live');
  t.notMatch(await visibleText(page), RAW_CODES, 'no raw code on the page');
  t.same(problems, [], 'no page errors, console errors or failed requests');
});

t.test('a duplicate returned by the street is shown with its reason and merged into the order it repeats', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const desk = await signIn(h, ['operator']);
  const handler = await signIn(h, ['handler'], '120102001');
  const first = (await desk.post('/api/orders', { channel: 'phone', content: GARBAGE })).json();
  h.clock.advance(60_000);
  const again = (await desk.post('/api/orders', { channel: 'phone', content: `${GARBAGE}，一直没人管` })).json();
  t.equal(again.currentUnitId, '120102001', 'the repeat dispatched itself');
  const back = await handler.post(`/api/orders/${again.id}/actions/return`, { reasonCode: 'duplicate', reason: '与前一件重复' });
  t.equal(back.statusCode, 200);

  const { page, problems } = await openAs(browser, t, h, ['dispatcher'], 'hotline', '/queue.html');
  await page.waitForSelector(row(again.number), { timeout: 15_000 });
  t.match(await page.textContent('#queue .returned'), /1 次 · 重复工单/, 'the list says why it came back');
  await page.click(row(again.number));
  await opened(page, again.number);
  await page.waitForSelector('#order-history [data-action="return"]');
  await page.waitForFunction(() => !document.querySelector('#order-history')!.textContent!.includes('…'));
  t.match(
    await page.textContent('#order-history [data-action="return"]'),
    /大王庄街道.*退回 · 重复工单[\s\S]*与前一件重复/,
    'the coded reason and its words',
  );
  t.equal(await page.getAttribute('#dispatch-target', 'data-unit'), '', 'the unit that returned it is not pre-selected');

  // The unit that returned it is greyed out in the picker.
  await page.click('#unit-picker');
  await page.keyboard.type('大王庄街道');
  const dwz = '.unit-picker-popper .el-select-dropdown__item:has-text("大王庄街道办事处")';
  await page.waitForSelector(dwz, { timeout: 15_000 });
  t.match(await page.getAttribute(dwz, 'class'), /is-disabled/, 'greyed out');
  t.match(await page.textContent(dwz), /已退回/);
  await shot(page, 'queue-returned');
  await page.keyboard.press('Escape');

  await page.waitForSelector(`#merge-panel [data-similar="${first.id}"]`);
  t.match(await page.textContent(`#merge-panel [data-similar="${first.id}"]`), /相似度/, 'the order it repeats is offered');
  await page.click(`#merge-panel [data-similar="${first.id}"] button[data-merge="${first.id}"]`);
  await page.waitForSelector(row(again.number), { state: 'detached', timeout: 15_000 });
  t.match(await stateOf(h, again.id), { status: 'merged', merged_into_id: first.id });
  t.same(problems, [], 'no page errors, console errors or failed requests');
});

t.test('units picked by name; a self-dispatched duplicate in 疑似重复 merged by search; a transfer confirmed by name', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const desk = await signIn(h, ['operator']);
  const gas = (await desk.post('/api/orders', { channel: 'phone', content: '小区里燃气味很重，物业说不归他们管' })).json();
  t.equal(gas.status, 'received', 'no place: it waits for a dispatcher');
  const first = (await desk.post('/api/orders', { channel: 'phone', content: GARBAGE })).json();
  h.clock.advance(60_000);
  const dup = (await desk.post('/api/orders', { channel: 'phone', content: `大王庄街道马路边乱扔垃圾，环境卫生差` })).json();
  t.equal(dup.status, 'dispatched', 'a duplicate that dispatched itself');
  const away = (await desk.post('/api/orders', { channel: 'phone', content: '北京朝阳区的路灯坏了' })).json();

  const { page, problems } = await openAs(browser, t, h, ['dispatcher'], 'hotline', '/queue.html');
  await page.click(row(gas.number), { timeout: 15_000 });
  await opened(page, gas.number);
  await page.click('#unit-picker');
  await page.keyboard.type('天津能源集团');
  const option = '.unit-picker-popper .el-select-dropdown__item:has-text("天津能源集团（燃气）")';
  await page.waitForSelector(option, { timeout: 15_000 });
  t.match(await page.textContent('.unit-picker-popper:visible'), /天津能源集团（供热）/, 'both utilities by the name people say');
  await shot(page, 'queue-unit-picker');
  await page.click(option);
  await page.waitForSelector('#dispatch-target[data-unit="120000:gas"]');
  // A district unit by its name, then back to the utility: the last choice is the one sent.
  await page.click('#unit-picker');
  await page.keyboard.type('河东区城市管理');
  const district = '.unit-picker-popper .el-select-dropdown__item:has-text("河东区城市管理委员会")';
  await page.waitForSelector(district, { timeout: 15_000 });
  t.match(await page.textContent('.unit-picker-popper:visible'), /河东区/, 'grouped under its district');
  await page.click(district);
  await page.waitForSelector('#dispatch-target[data-unit="120102:urban"]');
  await page.click('#unit-picker');
  await page.keyboard.type('天津能源集团');
  await page.waitForSelector(option, { timeout: 15_000 });
  await page.click(option);
  await page.waitForSelector('#dispatch-target[data-unit="120000:gas"]');
  await page.locator('#queue-detail h2').click();
  await page.keyboard.press('d');
  await page.waitForSelector(row(gas.number), { state: 'detached', timeout: 15_000 });
  t.match(await stateOf(h, gas.id), { status: 'dispatched', current_unit_id: '120000:gas' });

  // 疑似重复: the duplicate the rules dispatched by themselves, merged into an order found by its number.
  await page.keyboard.press('2');
  const dupRow = `#duplicates .number[data-order-number="${dup.number}"]`;
  await page.waitForSelector(dupRow, { timeout: 15_000 });
  await page.click(dupRow);
  await opened(page, dup.number);
  t.match(await page.textContent('#merge-panel'), new RegExp(first.number), 'its earlier order is offered');
  await page.fill('#merge-search', first.number);
  await page.click('#merge-search-go');
  await page.waitForSelector(`#merge-found [data-found="${first.id}"]`);
  await shot(page, 'queue-duplicates');
  await page.click(`#merge-found [data-found="${first.id}"] button[data-merge="${first.id}"]`);
  await page.waitForSelector(dupRow, { state: 'detached', timeout: 15_000 });
  t.match(await stateOf(h, dup.id), { status: 'merged', merged_into_id: first.id });

  // 转出 asks first, naming the target; cancelling sends nothing.
  await page.keyboard.press('1');
  await page.click(row(away.number), { timeout: 15_000 });
  await opened(page, away.number);
  await page.click('#transfer-target', { force: true });
  await page.click('.el-select-dropdown__item:visible:has-text("北京 12345")');
  await page.click('#transfer');
  await page.waitForSelector('.transfer-confirm');
  t.match(
    await page.textContent('.transfer-confirm'),
    new RegExp(`${away.number}[\\s\\S]*北京 12345`),
    'the confirmation names the order and the target',
  );
  await shot(page, 'queue-transfer');
  await page.click('.transfer-confirm button:has-text("取消")');
  t.match(await stateOf(h, away.id), { status: 'received' }, 'nothing sent on cancel');
  await page.click('#transfer');
  await page.click('.transfer-confirm button:has-text("转出到北京 12345")');
  await page.waitForSelector(row(away.number), { state: 'detached', timeout: 15_000 });
  t.match(await stateOf(h, away.id), { status: 'transferred_out', transfer_target: 'beijing' });
  t.same(problems, [], 'no page errors, console errors or failed requests');
});
