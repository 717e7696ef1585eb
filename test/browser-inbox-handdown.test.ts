/**
 * 承办工作台, part 3: 下派 from a street to one of its communities. Nothing is chosen
 * for the handler (sending without a choice is refused in the page); the unit is
 * found by typing part of its name.
 */
import t from 'tap';
import { signIn, testApp } from './support/app.ts';
import { launch, openAs, shot } from './support/browser.ts';

const browser = await launch(t);
const LIVE = { timeout: 15_000 };

t.test('hand down to a community picked by name; nothing pre-selected', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const order = (
    await desk.post('/api/orders', { channel: 'phone', content: '诚厚里小区楼道堆满杂物', categoryCode: 'other', areaCode: '120102001' })
  ).json();
  await desk.post(`/api/orders/${order.id}/actions/accept`, {});
  await desk.post(`/api/orders/${order.id}/actions/dispatch`, { unitId: '120102001' });
  const { page, problems } = await openAs(browser, t, h, ['handler'], '120102001', '/inbox.html');
  const row = `#inbox-list tr:has(.number[data-order-number="${order.number}"])`;
  await page.waitForSelector('#live-status[data-live="on"]', LIVE);
  await page.click(`${row} button[data-action="claim"]`);
  await page.waitForSelector(`${row} .number[data-status="claimed"]`, LIVE);
  await page.click(row);
  await page.click('#work-panel button[data-action="hand_down"]');
  await page.click('form[data-form="hand_down"] button[type="submit"]');
  t.match(await page.textContent('[data-testid="work-error"]'), /请选择下级单位/, 'no unit chosen for the handler');
  const [before] = await h.db.sql`select status from orders where id = ${order.id}`;
  t.equal(before!.status, 'claimed', 'nothing sent');

  await page.click('form[data-form="hand_down"] .el-select');
  await page.keyboard.type('诚厚里');
  await page.click('.el-select-dropdown__item:visible:has-text("诚厚里")');
  await shot(page, 'inbox-hand-down');
  await page.click('form[data-form="hand_down"] button[type="submit"]');
  await page.waitForSelector(`${row}`, { state: 'detached', ...LIVE });
  const [after] = await h.db.sql`select o.status, u.name from orders o join units u on u.id = o.current_unit_id where o.id = ${order.id}`;
  t.equal(after!.status, 'dispatched');
  t.match(after!.name, /诚厚里/, 'handed down to the community chosen');
  t.same(problems, [], 'no page errors');
});
