/**
 * 派单异议 in a real browser (the built desks): a handler files an objection from the
 * workbench, citing the duty unit picked by name; the reviewer upholds it on the
 * reviewer desk (objections.html), picking the unit to re-dispatch to by name.
 */
import t from 'tap';
import { signIn, testApp, type TestApp } from './support/app.ts';
import { launch, openAs, shot } from './support/browser.ts';

const browser = await launch(t);
const LIVE = { timeout: 15_000 };
const STREET = '120102001';
const URBAN = '120102:urban';

const row = (number: string) => `#inbox-list tr:has(.number[data-order-number="${number}"])`;
const stateOf = async (h: TestApp, id: number) => (await h.db.sql`select status, current_unit_id from orders where id = ${id}`)[0]!;

async function must(res: { statusCode: number; body: string; json(): unknown }, what: string) {
  if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
}

t.test('a handler objects from the workbench; the reviewer upholds it, picking the unit by name', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const order = (
    await desk.post('/api/orders', {
      channel: 'phone',
      content: '十一经路路边垃圾成堆无人清运',
      categoryCode: 'urban.sanitation',
      areaCode: STREET,
    })
  ).json();
  await must(await desk.post(`/api/orders/${order.id}/actions/accept`, {}), 'accept');
  await must(await desk.post(`/api/orders/${order.id}/actions/dispatch`, { unitId: STREET }), 'dispatch');
  const [{ name: urbanName }] = (await h.db.sql`select name from units where id = ${URBAN}`) as unknown as [{ name: string }];

  const handler = await openAs(browser, t, h, ['handler'], STREET, '/inbox.html');
  await handler.page.waitForSelector('#live-status[data-live="on"]', LIVE);
  await handler.page.click(row(order.number));
  await handler.page.click('#work-panel button[data-action="object"]');
  await handler.page.click('#objection-duty-unit');
  await handler.page.keyboard.type('河东区城市管理');
  await handler.page.click(`.unit-picker-popper .el-select-dropdown__item:visible:has-text("${urbanName}")`);
  await handler.page.fill('form[data-form="object"] input[name="basis"]', '区城管委三定方案第三条：城市道路清扫保洁');
  await handler.page.fill('form[data-form="object"] textarea[name="reason"]', '主干道路面保洁属区城管委');
  await handler.page.click('form[data-form="object"] button[type="submit"]');
  await handler.page.waitForSelector(`${row(order.number)} [data-flag="objection"]`, LIVE);
  const [filed] = await h.db.sql`select id, duty_unit_id, status from order_objections where order_id = ${order.id}`;
  t.match(filed, { duty_unit_id: URBAN, status: 'pending' });
  await handler.page.waitForSelector('#work-panel [data-pending-objection]', LIVE);
  t.match(await handler.page.textContent('#work-panel [data-pending-objection]'), /异议审核中：属其他单位职责/);
  t.notOk(await handler.page.$('#work-panel button[data-action="return"]'), 'no 退单 while under review');
  await shot(handler.page, 'inbox-objection-filed');

  const reviewer = await openAs(browser, t, h, ['reviewer'], 'hotline', '/objections.html');
  const item = `#objection-list .number[data-order-number="${order.number}"]`;
  await reviewer.page.waitForSelector(item, LIVE);
  await reviewer.page.click(item);
  await reviewer.page.waitForSelector(`#objection-detail[data-objection-id="${filed!.id}"]`);
  t.match(await reviewer.page.textContent('#objection-list'), /大王庄街道/);
  t.match(await reviewer.page.textContent('#objection-list'), /区城管委三定方案第三条/);
  t.match(await reviewer.page.textContent('#objection-list [data-countdown]'), /剩/);
  await reviewer.page.click('#uphold-unit');
  await reviewer.page.keyboard.type('河东区城市管理');
  await reviewer.page.click(`.unit-picker-popper .el-select-dropdown__item:visible:has-text("${urbanName}")`);
  await shot(reviewer.page, 'objections-desk');
  await reviewer.page.click('#objection-detail button[data-action="uphold"]');
  await reviewer.page.waitForSelector(item, { state: 'detached', ...LIVE });
  t.match(await stateOf(h, order.id), { status: 'dispatched', current_unit_id: URBAN });
  t.match(await h.db.sql`select status, redispatched_unit_id from order_objections where id = ${filed!.id}`, [
    { status: 'upheld', redispatched_unit_id: URBAN },
  ]);
  await handler.page.waitForSelector(row(order.number), { state: 'detached', ...LIVE });
  await shot(reviewer.page, 'objections-desk-after');
  t.same(handler.problems, [], 'no problems on the handler’s page');
  t.same(reviewer.problems, [], 'no problems on the reviewer’s page');
});
