/**
 * The staff pages still hand-written (server/pages/) in a real browser (Debian's Chromium driven by playwright-core),
 * against the app listening on a real port with a real database. Time is the test
 * clock: deadlines pass by moving it and sweeping by hand, never by sleeping.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
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

t.test('the handler inbox shows a new order without reloading and claims it', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator']);
  const { page, problems, sent } = await openAs(browser, t, h, ['handler'], '120102001', '/inbox.html');
  await page.waitForSelector('#live-status[data-live="on"]');
  await page.waitForSelector('#orders .empty');

  // Settled first: the arrival must come from the live event, not a fetch already under way.
  await page.waitForSelector('html:not([data-loading])');
  const order = (await desk.post('/api/orders', { channel: 'phone', content: '河东区大王庄街道马路边有人乱扔垃圾，环境卫生很差' })).json();
  t.equal(order.currentUnitId, '120102001');
  const card = `#orders li[data-order-number="${order.number}"]`;
  await arrives(page, card);
  t.match(await page.textContent(`${card} [data-clock="claim"]`), /签收 剩余/, 'the claim clock is shown');
  await shot(page, 'inbox-new');

  await page.click(`${card} button[data-action="claim"]`);
  await page.waitForSelector(`${card}[data-status="claimed"]`, { timeout: 15_000 });
  t.equal(await page.textContent(`${card} .status`), '已签收');
  const row = await statusOf(h, order.id);
  t.equal(row.status, 'claimed');
  t.equal(row.claimed_by_unit_id, '120102001', 'claimed by the handler’s unit');

  // 退单 needs a coded reason; "other" needs words, which the page asks for before sending.
  await page.click(`${card} button[data-action="return"]`);
  await page.selectOption(`${card} form[data-form="return"] select`, 'other');
  await page.click(`${card} form[data-form="return"] button[type="submit"]`);
  await page.waitForSelector('#message[data-kind="error"]');
  t.equal((await statusOf(h, order.id)).status, 'claimed', 'nothing was sent');
  await shot(page, 'inbox-claimed');

  // The connection drops: the page reconnects by itself and resumes from the last event it saw.
  await page.waitForSelector('html:not([data-loading])');
  const [{ last }] = (await h.db.sql`select max(id)::int as last from order_events`) as unknown as [{ last: number }];
  for (const client of h.app.websocketServer.clients) client.terminate();
  await page.waitForSelector('#live-status[data-live="off"]', { timeout: 15_000 });
  const missed = (await desk.post('/api/orders', { channel: 'phone', content: '河东区大王庄街道马路上垃圾成堆，没人清运' })).json();
  t.equal(missed.currentUnitId, '120102001');
  await page.waitForSelector('#live-status[data-live="on"]', { timeout: 15_000 });
  await page.waitForSelector(`#orders li[data-order-number="${missed.number}"]`, { timeout: 15_000 });
  const resubscribe = sent.filter((m) => m.type === 'subscribe').at(-1);
  t.match(resubscribe, { topic: 'unit', unit: '120102001', lastEventId: last }, 'resubscribed from the highest event id seen');

  // A proper return, with a coded reason, in the form still open (and kept through the
  // refreshes): the order goes back up and leaves the inbox.
  await page.selectOption(`${card} form[data-form="return"] select`, 'wrong_area');
  await page.fill(`${card} form[data-form="return"] input[name="reason"]`, '地址在河西区');
  await page.click(`${card} form[data-form="return"] button[type="submit"]`);
  await page.waitForSelector(card, { state: 'detached', timeout: 15_000 });
  const [returned] = await h.db.sql`select payload, reason from order_events where order_id = ${order.id} and action = 'return'`;
  t.match(returned, { payload: { reasonCode: 'wrong_area' }, reason: '地址在河西区' });
  t.same(problems, [], 'no page errors, console errors or failed requests');
});

t.test('the dispatcher queue dispatches an order the rules could not place', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator']);
  const order = (
    await desk.post('/api/orders', { channel: 'phone', content: '东风里社区门口的垃圾箱满了好几天没人清运，周围脏得不行。' })
  ).json();
  t.equal(order.status, 'received', 'the place is ambiguous: it waits for a dispatcher');
  const { page, problems } = await openAs(browser, t, h, ['dispatcher'], 'hotline', '/queue.html');
  const row = `#queue li[data-order-number="${order.number}"]`;
  await page.click(row);
  await page.waitForSelector('#dispatch-form input[value="120112101"]');
  t.match(await page.textContent('#detail'), /津南区 › 葛沽镇/, 'the candidate places are offered');
  await shot(page, 'queue-detail');
  t.ok(await page.isChecked('#dispatch-form input[value="120112101"]'), 'the street, the owning level, is preselected');
  await page.click('#dispatch');
  await page.waitForSelector(row, { state: 'detached', timeout: 15_000 });
  const stored = await statusOf(h, order.id);
  t.equal(stored.status, 'dispatched');
  t.equal(stored.current_unit_id, '120112101');

  // A new unplaceable order arrives in the open queue by itself.
  await page.waitForSelector('#live-status[data-live="on"]');
  // Settled first: the arrival must come from the live event, not a fetch already under way.
  await page.waitForSelector('html:not([data-loading])');
  const next = (await desk.post('/api/orders', { channel: 'web', content: '楼上邻居每天晚上跺脚' })).json();
  await arrives(page, `#queue li[data-order-number="${next.number}"]`);
  await shot(page, 'queue-live');
  t.same(problems, [], 'no page errors, console errors or failed requests');
});

t.test('the pages work over plain http under a host name, as on a desk network', async (t) => {
  const h = await testApp(t);
  const { page, problems } = await openAs(browser, t, h, ['handler'], '120102:urban', '/inbox.html', 'hotline.test');
  await page.waitForSelector('#live-status[data-live="on"]', { timeout: 3000 });
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
