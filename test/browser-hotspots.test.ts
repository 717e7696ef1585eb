/**
 * 热点预警 on the 督办看板 in a real browser: the board is open when the job raises an
 * alert; the live feed's events bring it into the list and the strip without a
 * reload; the supervisor acknowledges it and then handles it with a note.
 */
import t from 'tap';
import { signIn, testApp } from './support/app.ts';
import { launch, openAs, shot } from './support/browser.ts';

const browser = await launch(t);
const CHENGHOULI = '120102001001';

t.test('an alert raised while the board is open: on the list and the strip, acknowledged, handled with a note', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T11:00:00Z');
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const { page, problems } = await openAs(browser, t, h, ['supervisor'], '120102', '/board.html');
  await page.waitForSelector('#hotspots[data-count="0"]', { timeout: 15_000 });
  await page.waitForSelector('#board-total', { timeout: 15_000 });

  for (let i = 0; i < 5; i++) {
    const res = await desk.post('/api/orders', {
      channel: 'phone',
      content: `诚厚里小区垃圾桶满了没人清运（第${i + 1}位来电）`,
      categoryCode: 'urban.sanitation',
      areaCode: CHENGHOULI,
    });
    const id = res.json().id;
    await desk.post(`/api/orders/${id}/actions/accept`);
    await desk.post(`/api/orders/${id}/actions/dispatch`, { unitId: '120102001' });
    h.clock.advance(5 * 60_000);
  }
  t.equal((await h.app.hotspots.scan()).raised.length, 1);

  // Only the live feed can bring it: the page is not reloaded.
  await page.waitForSelector('#hotspots[data-count="1"] [data-state="new"]', { timeout: 15_000 });
  t.match(await page.textContent('#hotspots'), /诚厚里社区.*「环境卫生与垃圾」5 件/s, 'where, what and how many');
  await page.waitForSelector('#live-strip [data-kind="hotspot"]', { timeout: 15_000 });
  t.match(await page.textContent('#live-strip'), /热点预警/, 'the strip names it');
  t.equal(await page.locator('#live-strip [data-kind="hotspot"]').count(), 1, 'once, not once per order');
  await shot(page, 'board-hotspot');

  await page.click('#hotspots [data-action="acknowledge"]');
  await page.waitForSelector('#hotspots [data-state="acknowledged"]', { timeout: 15_000 });
  await page.click('#hotspots [data-action="handle"]');
  await page.fill('.el-dialog textarea', '已交区城管委集中清运');
  await page.click('.el-dialog button.el-button--primary');
  await page.waitForSelector('#hotspots[data-count="0"]', { timeout: 15_000 });
  const [row] = await h.db.sql`select state, note, acknowledged_by, handled_by from hotspot_alerts`;
  t.match({ ...row }, { state: 'handled', note: '已交区城管委集中清运', acknowledged_by: /^user:/, handled_by: /^user:/ });
  t.same(problems, [], 'no page errors');
});
