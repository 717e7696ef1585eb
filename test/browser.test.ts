/**
 * The staff pages still hand-written (server/pages/) in a real browser (Debian's Chromium driven by playwright-core),
 * against the app listening on a real port with a real database. Time is the test
 * clock: deadlines pass by moving it and sweeping by hand, never by sleeping.
 */
import t from 'tap';
import { testApp } from './support/app.ts';
import { launch, openAs } from './support/browser.ts';

const browser = await launch(t);

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
