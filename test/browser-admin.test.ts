/**
 * 系统管理 (the built desk, dist/desks/admin.html) in a real browser: an admin creates a
 * handler with the unit picked down the tree and the role by its name, is shown the
 * password once, and the handler then signs in and their page loads; a password reset,
 * the sessions list, disabling; the state of the rules.
 */
import t from 'tap';
import { testApp } from './support/app.ts';
import { launch, openAs, RAW_CODES, shot, visibleText } from './support/browser.ts';

const browser = await launch(t);

t.test('an admin creates a handler, who then signs in; reset, sessions, disable; the rules state', async (t) => {
  const h = await testApp(t);
  const { page, base, problems } = await openAs(browser, t, h, ['admin'], 'hotline', '/admin.html');
  await page.waitForSelector('#user-table .username', { timeout: 15_000 });
  t.match(await page.textContent('#user-table'), /管理员/, 'roles by name');
  await shot(page, 'admin-users');

  await page.click('#new-user');
  await page.fill('#user-username', 'zhang.wei');
  await page.fill('#user-name', '张伟');
  // The unit down the tree: the city government, then the district's.
  await page.click('#user-form .el-select');
  const [{ name: cityName }] = (await h.db.sql`select name from units where id = '120000'`) as unknown as [{ name: string }];
  const top = page.locator('.el-tree-node__content').filter({ hasText: cityName });
  await top.locator('.el-tree-node__expand-icon').click();
  await page
    .locator('.el-tree-node__content', { hasText: /^河东区人民政府$/ })
    .locator('.el-select-dropdown__item')
    .click();
  await page.keyboard.press('Escape');
  await page.click('#user-roles [data-role="handler"]');
  await shot(page, 'admin-new-user');
  await page.click('#user-save');
  await page.waitForSelector('#handover-password');
  const password = (await page.textContent('#handover-password'))!.trim();
  t.match(password, /^[A-Za-z0-9]{14}$/, 'a new password, shown once');
  await shot(page, 'admin-password-once');
  const [row] = await h.db.sql`select unit_id, roles, display_name from users where username = 'zhang.wei'`;
  t.same([row!.unit_id, row!.roles, row!.display_name], ['120102', ['handler'], '张伟'], 'stored with the unit and role picked');
  await page.click('#handover-close');
  await page.waitForSelector('#handover-password', { state: 'detached' });
  const line = page.locator('#user-table tr', { has: page.locator('[data-username="zhang.wei"]') });
  await line.waitFor();
  t.match(await line.textContent(), /张伟.*河东区人民政府.*承办人.*正常/, 'the new account listed by names');

  // The handler signs in with it, and the handler's page loads.
  const other = await browser.newContext({ locale: 'zh-CN' });
  t.teardown(() => other.close());
  const handler = await other.newPage();
  await handler.goto(`${base}/login.html?next=${encodeURIComponent('/inbox.html')}`);
  await handler.fill('#username', 'zhang.wei');
  await handler.fill('#password', password);
  await handler.click('#login-submit');
  await handler.waitForURL(`${base}/inbox.html`);
  await handler.waitForFunction(() => /河东区/.test(document.getElementById('unit-name')?.textContent ?? ''), null, { timeout: 15_000 });
  t.pass("the handler's page loads, at their unit");
  await shot(handler, 'admin-handler-signed-in');

  // Their session is listed and can be ended.
  await line.locator('.sessions').click();
  await page.waitForSelector('#session-table .end-session');
  t.equal(await page.locator('#session-table .end-session').count(), 1, 'one open session');
  await shot(page, 'admin-sessions');
  await page.locator('#session-table .end-session').click();
  await page.waitForSelector('.el-drawer .empty:has-text("没有有效会话")');
  const [{ n }] = (await h.db.sql`select count(*)::int as n from sessions s join users u on u.id = s.user_id
    where u.username = 'zhang.wei' and s.revoked_at is null`) as unknown as [{ n: number }];
  t.equal(n, 0, 'the session ended');
  await page.keyboard.press('Escape');

  // A reset shows the new password once; the old one no longer signs in.
  await line.locator('.reset').click();
  await page.waitForSelector('#handover-password');
  const second = (await page.textContent('#handover-password'))!.trim();
  t.not(second, password);
  await page.click('#handover-close');
  const login = (pw: string) => h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zhang.wei', password: pw } });
  t.equal((await login(password)).statusCode, 401, 'the old password is refused');
  t.equal((await login(second)).statusCode, 200, 'the new one signs in');

  // Disable, confirmed.
  await line.locator('.toggle').click();
  await page.locator('.el-message-box__btns button', { hasText: '停用' }).click();
  await line.filter({ hasText: '已停用' }).waitFor();
  t.equal((await login(second)).statusCode, 401, 'a disabled account cannot sign in');

  await page.click('.el-tabs__item:has-text("规则状态")');
  await page.waitForSelector('#rules-state[data-ok="true"]');
  t.match(await page.textContent('#rules-check'), /通过/);
  t.match(await page.textContent('#rules-state'), /事项大类.*\d+/);
  await shot(page, 'admin-rules');

  t.notMatch(await visibleText(page), RAW_CODES, 'no raw code on the page');
  t.same(problems, [], 'no console error, no failed request');
});
