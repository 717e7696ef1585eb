/**
 * 日报 on the reports desk (the built dist/desks/reports.html) in a real browser: the
 * tab for a supervisor, the sections under the core's titles with names, not codes,
 * the print view without the desk's chrome, the CSV; no tab for a handler.
 */
import fs from 'node:fs';
import t from 'tap';
import { SECTION_TITLES } from '../server/core/daily-report.ts';
import { signIn, testApp } from './support/app.ts';
import { launch, openAs, RAW_CODES } from './support/browser.ts';

const browser = await launch(t);
const STREET = '120102001'; // 大王庄街道

t.test('the 日报 tab: sections, print view, CSV', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const desk = await signIn(h, ['operator', 'dispatcher']);
  for (const channel of ['phone', 'web']) {
    const o = await desk.post('/api/orders', {
      channel,
      content: '楼道里堆满杂物',
      categoryCode: 'housing.property',
      areaCode: '120102001001',
    });
    if (o.statusCode !== 201) throw new Error(o.body);
    await desk.post(`/api/orders/${o.json().id}/actions/accept`);
    await desk.post(`/api/orders/${o.json().id}/actions/dispatch`, { unitId: STREET });
  }
  h.clock.set('2026-11-25T02:00:00Z');

  const { page, problems } = await openAs(browser, t, h, ['supervisor'], '120000', '/reports.html?report=daily&day=2026-11-24');
  await page.waitForSelector('.daily-report[data-loaded="true"]', { timeout: 20_000 });
  t.match(await page.textContent('.daily-print h1'), '12345热线日报（2026-11-24）');
  const headings = await page.$$eval('.daily-print h3', (hs) => hs.map((x) => x.textContent!.trim()));
  t.same(headings, Object.values(SECTION_TITLES));
  const text = (await page.textContent('.daily-print'))!;
  for (const name of ['电话', '网站', '投诉', '大王庄街道']) t.match(text, name);
  t.notMatch(text, RAW_CODES, 'no raw codes');
  t.notMatch(text, /临时数/, 'a finished day is not provisional');

  await page.emulateMedia({ media: 'print' });
  t.ok(await page.isVisible('.daily-print h1'), 'the report prints');
  t.notOk(await page.isVisible('#report-tabs'), 'the tabs do not');
  t.notOk(await page.isVisible('.daily-report .print'), 'nor the buttons');
  await page.emulateMedia({ media: 'screen' });

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.daily-report .csv')]);
  t.equal(download.suggestedFilename(), '日报_全市_2026-11-24至2026-11-24.csv');
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  t.ok(csv.startsWith('\uFEFF栏目,项目,数值'), 'BOM and Chinese headers');
  t.match(csv, '概况,受理量,2');
  t.same(problems, [], 'no page or console errors');

  const handler = await openAs(browser, t, h, ['handler'], STREET, '/reports.html?report=daily');
  await handler.page.waitForSelector('#report-tabs .el-tabs__item');
  const tabs = await handler.page.$$eval('#report-tabs .el-tabs__item', (xs) => xs.map((x) => x.textContent!.trim()));
  t.notOk(tabs.includes('日报'), 'a handler has no 日报 tab');
  t.notOk(await handler.page.$('.daily-report'), 'and is shown another report');
});
