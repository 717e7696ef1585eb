/**
 * 考核 on the reports desk (the built dist/desks/reports.html) in a real browser: the
 * tab for a supervisor, one table per group with names and Chinese labels, the change
 * against the month before with its arrow, the CSV download; no tab for a handler.
 */
import fs from 'node:fs';
import t from 'tap';
import { signIn, testApp } from './support/app.ts';
import { launch, openAs, RAW_CODES, shot } from './support/browser.ts';

const browser = await launch(t);
const DISTRICT = '120102'; // 河东区

t.test('the 考核 tab: a table per group, the change, the CSV', async (t) => {
  const h = await testApp(t);
  // One October order claimed and returned (a poor month), one November order handled well.
  const run = async (at: string, close: boolean) => {
    h.clock.set(at);
    const desk = await signIn(h, ['operator', 'dispatcher']);
    const unit = await signIn(h, ['handler'], DISTRICT);
    const o = (
      await desk.post('/api/orders', { channel: 'phone', content: '楼道里堆满杂物', categoryCode: 'housing.property', areaCode: DISTRICT })
    ).json();
    await desk.post(`/api/orders/${o.id}/actions/accept`);
    await desk.post(`/api/orders/${o.id}/actions/dispatch`, { unitId: DISTRICT });
    if (!close) return void (await unit.post(`/api/orders/${o.id}/actions/return`, { reasonCode: 'wrong_area' }));
    await unit.post(`/api/orders/${o.id}/actions/claim`);
    await unit.post(`/api/orders/${o.id}/actions/reply`, { text: '已安排物业清理楼道杂物，通道恢复畅通' });
    const closed = await desk.post(`/api/orders/${o.id}/actions/close`, { satisfaction: 'satisfied' });
    if (closed.statusCode !== 200) throw new Error(closed.body);
  };
  await run('2026-10-13T02:00:00Z', false);
  await run('2026-11-24T02:00:00Z', true);
  h.clock.set('2026-11-26T02:00:00Z');

  const { page, problems } = await openAs(browser, t, h, ['supervisor'], '120000', '/reports.html?report=assessment&month=2026-11');
  await page.waitForSelector('.assessment-panel[data-loaded="true"]', { timeout: 20_000 });
  const headings = await page.$$eval('.assessment-group h3', (hs) => hs.map((x) => x.textContent!.trim()));
  t.same(headings, ['区', '街道（乡镇）', '市级部门', '区级部门']);
  const first = await page.textContent('.assessment-group[data-level="district"] .el-table__body tr:first-child');
  t.match(first, /河东区人民政府/);
  t.match(first, /100\.00/, 'the score');
  t.match(first, /↑/, 'up on October');
  t.ok(await page.$('.assessment-group[data-level="district"] .change.up'), 'the rise in its colour');
  const header = await page.textContent('.assessment-group[data-level="district"] .el-table__header');
  for (const label of ['排名', '单位', '得分', '较上月', '名次变化', '响应率', '满意率', '答复质量', '退单率', '异议成立率'])
    t.match(header, label);
  t.notMatch(await page.textContent('.assessment-panel'), RAW_CODES, 'no raw codes');
  // The other fifteen districts had no order in November: folded under one line, opened on demand.
  const districtRows = '.assessment-group[data-level="district"] .el-table__body tr';
  t.equal((await page.$$(districtRows)).length, 1, 'only the district with orders is listed');
  const toggle = '.assessment-group[data-level="district"] .idle-toggle';
  t.match(await page.textContent(toggle), '另有 15 个单位当月无数据');
  await page.click(toggle);
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 16, districtRows);
  t.match(await page.textContent(toggle), '收起');
  await shot(page, 'reports-assessment');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.assessment-panel .csv')]);
  t.equal(download.suggestedFilename(), '考核_2026-11.csv');
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  t.ok(csv.startsWith('\uFEFF考核分组,排名,单位编码,单位名称,得分'), 'BOM and Chinese headers');
  t.same(problems, [], 'no page or console errors');

  const handler = await openAs(browser, t, h, ['handler'], DISTRICT, '/reports.html?report=assessment');
  await handler.page.waitForSelector('#report-tabs .el-tabs__item');
  const tabs = await handler.page.$$eval('#report-tabs .el-tabs__item', (xs) => xs.map((x) => x.textContent!.trim()));
  t.notOk(tabs.includes('考核'), 'a handler has no 考核 tab');
  t.notOk(await handler.page.$('.assessment-panel'), 'and is shown another report');
});
