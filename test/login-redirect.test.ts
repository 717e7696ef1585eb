/**
 * After sign-in the login page goes back to `?next=` only when it is a path of
 * this site, as the browser resolves it: `/\evil.example` and `/<TAB>/evil.example`
 * both resolve to another host. The rule is a small module of the pages, checked
 * here directly and once in a real browser (Debian's Chromium).
 */
import t from 'tap';
import { chromium } from 'playwright-core';
import { createUser } from '../db/queries/users.ts';
import { testApp } from './support/app.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ORIGIN = 'http://hotline.test:3000';

// A browser module: imported by URL, so the type checker does not go looking for its declarations.
const { sameOriginPath } = (await import(new URL('../server/pages/next-path.js', import.meta.url).href)) as {
  sameOriginPath(next: string | null, origin: string): string | null;
};

t.test('only paths of this origin are followed', async (t) => {
  const kept: [string, string][] = [
    ['/board.html?unit=120102', '/board.html?unit=120102'],
    ['/console.html?call=demo-1#top', '/console.html?call=demo-1#top'],
    [`${ORIGIN}/inbox.html`, '/inbox.html'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ];
  for (const [next, path] of kept) t.equal(sameOriginPath(next, ORIGIN), path, `${JSON.stringify(next)} stays on the site`);
  const refused = [
    '/\\evil.example/phish',
    '/\t/evil.example/phish',
    '/\n/evil.example',
    '\\\\evil.example',
    '//evil.example/phish',
    '///evil.example',
    'https://evil.example/',
    'http://hotline.test:3001/',
    'https://hotline.test:3000/',
    'javascript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    '',
    null,
  ];
  for (const next of refused) t.equal(sameOriginPath(next, ORIGIN), null, `${JSON.stringify(next)} is refused`);
});

t.test('in a browser: a backslash or a tab in ?next= lands on the site’s home, a good path is followed', async (t) => {
  const h = await testApp(t);
  await createUser(h.db.db, {
    username: 'redirect.user',
    displayName: '跳转测试',
    unitId: 'hotline',
    roles: ['operator'],
    password: 'redirect-password',
  });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(h.app.server.address() as { port: number }).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  t.teardown(() => browser.close());
  const cases: [string, string][] = [
    ['/%5Cevil.example/phish', `${base}/`],
    ['/%09/evil.example/phish', `${base}/`],
    [encodeURIComponent('/console.html?call=demo-1'), `${base}/console.html?call=demo-1`],
  ];
  for (const [next, expected] of cases) {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Should the page leave the site, the other host answers, so where it went can be seen.
    await context.route(/^https?:\/\/evil\.example\//, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<title>phished</title>' }),
    );
    await page.goto(`${base}/login.html?next=${next}`);
    await page.fill('#username', 'redirect.user');
    await page.fill('#password', 'redirect-password');
    await page.click('#login-submit');
    await page.waitForURL((url) => !url.pathname.endsWith('/login.html'));
    t.equal(page.url(), expected, `?next=${next}`);
    await context.close();
  }
});
