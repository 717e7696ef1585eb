/**
 * The staff pages still hand-written (server/pages/) in a real browser (Debian's Chromium driven by playwright-core),
 * against the app listening on a real port with a real database. Time is the test
 * clock: deadlines pass by moving it and sweeping by hand, never by sleeping.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { sweepDueClocks } from '../server/jobs/sweeper.ts';
import { signIn, testApp, type TestApp } from './support/app.ts';
import { launch, openAs, shot } from './support/browser.ts';

const browser = await launch(t);

/**
 * Wait for a selector that only the live feed can bring (the page is not reloaded).
 * How fast it comes is measured by `npm run bench` (event latency to the boards);
 * here a generous limit only keeps a broken feed from hanging the run on a busy machine.
 */
const arrives = (page: Page, selector: string) => page.waitForSelector(selector, { timeout: 15_000 });

const statusOf = async (h: TestApp, id: number) =>
  (await h.db.sql`select status, current_unit_id, claimed_by_unit_id, urge_count from orders where id = ${id}`)[0]!;

t.test('the supervisor board shows a new order without reloading and turns it red when the sweep finds it overdue', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Beijing
  const desk = await signIn(h, ['operator']);
  const { page, problems } = await openAs(browser, t, h, ['supervisor'], '120102', '/board.html');
  await page.waitForSelector('#live-status[data-live="on"]');
  await page.waitForSelector('#board tr[data-unit="120102:urban"]');

  // Settled first: the arrival must come from the live event, not a fetch already under way.
  await page.waitForSelector('html:not([data-loading])');
  const created = await desk.post('/api/orders', { channel: 'phone', content: '河东区大王庄街道井盖丢了，很危险' });
  t.equal(created.statusCode, 201);
  const order = created.json();
  t.equal(order.currentUnitId, '120102:urban', 'the rules dispatched it into 河东区 by themselves');
  t.equal(order.urgency, 'urgent', 'a danger: 15 minutes to claim');
  await arrives(page, `#on-time li[data-order-number="${order.number}"]`);
  t.match(await page.textContent(`#board tr[data-unit="120102:urban"]`), /河东区城市管理委员会/);
  await shot(page, 'board-on-time');

  // Past the 15-minute claim deadline. Nothing changes on the page by itself (no
  // timers there): the sweep's events make the board re-fetch and show it red.
  await page.waitForSelector('html:not([data-loading])');
  h.clock.advance(20 * 60_000);
  t.ok(await page.$(`#on-time li[data-order-number="${order.number}"]`), 'still on time until the sweep says otherwise');
  const swept = await sweepDueClocks(h.db.sql, h.clock.now());
  t.ok(swept.events > 0, 'the sweep fired warnings and the overdue step');
  const red = `#overdue li.overdue[data-order-number="${order.number}"]`;
  await page.waitForSelector(red, { timeout: 15_000 });
  t.equal(await page.$(`#on-time li[data-order-number="${order.number}"]`), null, 'no longer listed as on time');
  t.match(await page.textContent(`${red} [data-clock="claim"]`), /签收 超期/);
  await page.waitForSelector('#board tr[data-unit="120102:urban"] td.hot:last-child', { timeout: 15_000 });
  t.pass('the unit’s total overdue cell is red');

  // 催办 from the board: recorded on the order, shown on the row after the live refresh.
  await page.click(`${red} button[data-action="urge"]`);
  await page.waitForSelector(`${red} [data-urged="1"]`, { timeout: 15_000 });
  t.equal((await statusOf(h, order.id)).urge_count, 1);
  await page.click(`${red} button[data-action="supervise"]`);
  await page.waitForSelector(`${red} [data-supervised]`, { timeout: 15_000 });
  await shot(page, 'board-overdue');
  t.same(problems, [], 'no page errors, console errors or failed requests');
});

  t.same(problems, [], 'no page errors, console errors or failed requests');
});

t.test('the pages work over plain http under a host name, as on a desk network', async (t) => {
  const h = await testApp(t);
  const { page, problems } = await openAs(browser, t, h, ['supervisor'], '120102', '/board.html', 'hotline.test');
  await page.waitForSelector('#live-status[data-live="on"]', { timeout: 3000 });
  await page.waitForSelector('#board tr[data-unit="120102"]');
  // Helmet's COOP header is ignored on http, and Chromium says so; nothing else may complain.
  t.same(
    problems.filter((p) => !p.includes('Cross-Origin-Opener-Policy')),
    [],
    'no script, style or socket was upgraded to https or refused',
  );
});

t.test('the pages are served beside the API without taking its paths', async (t) => {
  const h = await testApp(t);
  for (const url of ['/', '/login.html', '/console.html', '/queue.html', '/inbox.html', '/board.html', '/app.js', '/style.css']) {
    const res = await h.app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 200, url);
    t.match(res.headers['content-security-policy'], /script-src 'self'/, `${url} keeps the CSP`);
  }
  // The built console (dist/desks/) beside them: its page and its assets, under the same CSP.
  const built = await h.app.inject({ method: 'GET', url: '/console.html' });
  t.match(built.body, /<div id="app"><\/div>/, '/console.html is the built desk');
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(built.body)?.[1];
  t.ok(asset, 'which loads its bundle');
  t.equal((await h.app.inject({ method: 'GET', url: asset! })).statusCode, 200, 'the bundle is served');
  t.equal((await h.app.inject({ method: 'GET', url: '/console.js' })).statusCode, 404, 'the hand-written console is gone');
  t.equal((await h.app.inject({ method: 'GET', url: '/assets/nope.js' })).statusCode, 404);
  for (const page of ['submit', 'track']) {
    t.equal((await h.app.inject({ method: 'GET', url: `/${page}.html` })).statusCode, 200, `/${page}.html`);
    const moved = await h.app.inject({ method: 'GET', url: `/${page}?number=12345-20261124-000001` });
    t.equal(moved.headers.location, `/${page}.html?number=12345-20261124-000001`, `/${page} is the citizens' short address`);
  }
  const missing = await h.app.inject({ method: 'GET', url: '/nope.html' });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().statusCode, 404, 'an unknown path still answers the JSON 404');
  t.equal((await h.app.inject({ method: 'GET', url: '/api/orders' })).statusCode, 401, 'the API is untouched');
  t.equal((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
});
