/**
 * 报表 and 大屏 (the built desks, dist/desks/reports.html and wall.html) in a real
 * browser: a report for a chosen period and unit shown as a chart and a table, its
 * CSV downloaded and read against the orders made; the wall drawing its charts on a
 * 1920×1080 screen; the nav showing each role only its desks.
 */
import fs from 'node:fs';
import t from 'tap';
import { signIn, testApp, type Client } from './support/app.ts';
import { launch, openAs, RAW_CODES, shot, visibleText } from './support/browser.ts';

const browser = await launch(t);
const DISTRICT = '120102'; // 河东区
const STREET = '120102001'; // 大王庄街道

async function dispatched(desk: Client, to: string, extra: object = {}) {
  const o = (
    await desk.post('/api/orders', {
      channel: 'phone',
      content: '楼道里堆满杂物',
      categoryCode: 'housing.property',
      areaCode: '120102001001',
      ...extra,
    })
  ).json();
  for (const [action, body] of [
    ['accept', {}],
    ['dispatch', { unitId: to }],
  ] as const) {
    const res = await desk.post(`/api/orders/${o.id}/actions/${action}`, body);
    if (res.statusCode !== 200) throw new Error(`${action}: ${res.body}`);
  }
  return o.id as number;
}

t.test('a report for a period and a unit: chart, table, CSV', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-20T02:00:00Z');
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const district = await signIn(h, ['handler'], DISTRICT);
  // Three orders for the district on 2026-11-20, two of them handed down to 大王庄街道; one in October, outside the period.
  const ids = [await dispatched(desk, DISTRICT), await dispatched(desk, DISTRICT), await dispatched(desk, DISTRICT)];
  await district.post(`/api/orders/${ids[0]}/actions/claim`);
  for (const id of ids.slice(1)) {
    await district.post(`/api/orders/${id}/actions/claim`);
    await district.post(`/api/orders/${id}/actions/hand_down`, { unitId: STREET });
  }
  h.clock.set('2026-10-20T02:00:00Z');
  await dispatched(await signIn(h, ['operator', 'dispatcher']), DISTRICT);
  h.clock.set('2026-11-24T02:00:00Z');

  const target = `/reports.html?report=rates&from=2026-11-01&to=2026-11-30&unit=${DISTRICT}`;
  const { page, problems } = await openAs(browser, t, h, ['supervisor'], DISTRICT, target);
  await page.waitForSelector('.report-panel[data-report="rates"][data-loaded="true"]', { timeout: 20_000 });
  await page.waitForSelector('.report-panel .report-chart canvas');
  const table = await page.textContent('.report-panel .report-table');
  t.match(table, /大王庄街道/, 'the street is a row');
  t.match(table, /合计/, 'the total row');
  t.match(await page.textContent('.report-head'), /河东区人民政府 · 2026-11-01 至 2026-11-30/, 'the period and unit asked');
  await shot(page, 'reports-rates');

  // Download: the API answers with the bearer token, the file carries the same figures.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.report-panel .csv')]);
  t.match(download.suggestedFilename(), /^三率报表_河东区人民政府_2026-11-01至2026-11-30\.csv$/);
  const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  const lines = csv.trim().split('\r\n');
  t.match(lines[0], /^单位编码,单位名称,范围,工单量,已响应/);
  const cells = (unit: string, scope: string) => lines.find((l) => l.startsWith(`${unit},`) && l.split(',')[2] === scope)?.split(',');
  t.same(cells(DISTRICT, '合计')?.slice(3, 5), ['3', '1'], 'three in November (October left out); one responded by the unit holding it');
  t.same(cells(STREET, '下级单位')?.slice(3, 5), ['2', '0'], 'the two handed down, not yet claimed by the street');
  t.same(cells(DISTRICT, '本单位')?.slice(3, 5), ['1', '1'], 'the one the district kept and claimed');

  // 派单异议: none filed, so every unit that received orders was dispatched to rightly.
  await page.click('#report-tabs .el-tabs__item:has-text("派单异议")');
  await page.waitForSelector('.report-panel[data-report="objections"][data-loaded="true"]');
  const objections = await page.textContent('.report-panel .report-table');
  t.match(objections, /派单准确率/);
  t.match(objections, /100\.0%/, 'no objection upheld');

  // Another tab and another unit from the picker: the street alone.
  await page.click('#report-tabs .el-tabs__item:has-text("热点事项")');
  await page.waitForSelector('.report-panel[data-report="top-category"][data-loaded="true"]');
  t.match(await page.textContent('.report-panel .report-table'), /物业/, 'the matter by its name');
  await page.click('#report-unit', { force: true });
  await page.click('.el-tree-node__expand-icon');
  await page.click(`.el-select-dropdown .el-tree-node__content:has-text("大王庄街道")`);
  await page.waitForFunction(() => /大王庄街道办事处 ·/.test(document.querySelector('.report-head')?.textContent ?? ''), null, {
    timeout: 15_000,
  });
  t.match(new URL(page.url()).search, new RegExp(`unit=${STREET}`), 'the unit is kept in the address');
  await page.waitForSelector('.report-panel[data-loaded="true"]');
  t.match(await page.textContent('.report-panel .report-table'), /2/, 'the street counts its two');
  await shot(page, 'reports-top-street');

  // A period with nothing: 暂无数据, no empty frame.
  await page.goto(page.url().replace(/from=[^&]+&to=[^&]+/, 'from=2025-01-01&to=2025-01-31'));
  await page.waitForSelector('.report-panel[data-loaded="true"]');
  t.match(await page.textContent('.report-panel .report-chart'), /暂无数据/);
  t.notMatch(await visibleText(page), RAW_CODES, 'no raw code on the page');
  t.same(problems, [], 'no console error, no failed request');
});

t.test('the wall fills a 1920×1080 screen with its charts', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-17T02:30:00Z');
  const desk0 = await signIn(h, ['operator', 'dispatcher']);
  for (let i = 0; i < 3; i++) await dispatched(desk0, DISTRICT);
  h.clock.set('2026-11-24T01:00:00Z');
  const desk = await signIn(h, ['operator', 'dispatcher']);
  await dispatched(desk, DISTRICT, { urgency: 'urgent', content: '楼道里闻到很浓的煤气味' });
  await dispatched(desk, DISTRICT, { categoryCode: 'env.construction_noise' });
  h.clock.set('2026-11-24T03:00:00Z');

  const { page, problems } = await openAs(browser, t, h, ['supervisor'], 'hotline', '/wall.html');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.waitForSelector('.wall[data-loaded="true"]', { timeout: 20_000 });
  for (const id of ['wall-intake', 'wall-overdue', 'wall-ontime', 'wall-matters', 'wall-areas']) {
    await page.waitForSelector(`#${id} canvas`, { timeout: 10_000 });
  }
  t.equal(await page.textContent('#kpi-intake'), '2', "today's intake so far");
  t.match(await page.textContent('.wall'), /2026年11月24日 11:\d\d:\d\d/, 'the screen’s clock is the service’s, in Beijing time');
  t.equal(await page.textContent('#kpi-overdue'), String(await overdueNow(h)), 'the overdue clocks now');
  const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  t.same(size, [1920, 1080], 'the screen exactly, no scrolling');
  await page.screenshot({ path: '.tmp/screenshots/wall-1920x1080.png' });
  t.notMatch(await visibleText(page), RAW_CODES, 'no raw code on the wall');
  t.same(problems, [], 'no console error, no failed request');
});

async function overdueNow(h: Awaited<ReturnType<typeof testApp>>) {
  const [r] = await h.db.sql`select count(*)::int as n from order_clocks where stopped_at is null and due_at <= ${'2026-11-24T03:00:00Z'}`;
  return r!.n as number;
}

t.test('the nav shows each role the desks it uses', async (t) => {
  const h = await testApp(t);
  const cases: [Parameters<typeof openAs>[3], string, string[]][] = [
    [['handler'], DISTRICT, ['承办工作台', '报表']],
    [['supervisor'], DISTRICT, ['督办看板', '报表', '大屏']],
    [['operator'], 'hotline', ['话务台', '回访台']],
    [['dispatcher'], 'hotline', ['回访台', '派单队列', '督办看板', '报表', '大屏']],
    [['reviewer'], 'hotline', ['派单异议审核']],
    [['qa'], 'hotline', ['质检台']],
    [
      ['admin'],
      'hotline',
      ['话务台', '回访台', '派单队列', '承办工作台', '派单异议审核', '督办看板', '知识库管理', '报表', '大屏', '质检台', '系统管理'],
    ],
  ];
  for (const [roles, unit, expected] of cases) {
    const { page } = await openAs(browser, t, h, roles, unit, '/reports.html');
    await page.waitForSelector('header.top nav a');
    t.same(await page.$$eval('header.top nav a', (as) => as.map((a) => a.textContent!.trim())), expected, roles.join(','));
    if (roles[0] === 'handler') await shot(page, 'reports-handler-nav');
    await page.context().close();
  }
});
