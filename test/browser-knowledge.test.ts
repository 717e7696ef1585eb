/**
 * 知识库管理 (the built desk, dist/desks/knowledge.html) in a real browser: a unit's
 * editor writes a draft and sees no 发布; the knowledge team edits, publishes, reads
 * the versions with who made each, finds the entry with a caller's words in 试搜,
 * and rolls back to the first version, which makes a new draft. Each step is
 * asserted as a person sees it and as the database then holds it.
 */
import t, { type Test } from 'tap';
import type { Page } from 'playwright-core';
import { testApp } from './support/app.ts';
import { launch, openAs, RAW_CODES, shot, visibleText } from './support/browser.ts';

const browser = await launch(t);
/** The knowledge base's codes, beside the orders' ones: a person reads 草稿, 办事指南, 新建. */
const KB_CODES = /\b(draft|published|expired|withdrawn|guide|policy|faq|notice|create|edit|publish|withdraw|rollback|user:\d+)\b/;
const TITLE = '新生儿参加城乡居民医保的办理流程';
const BODY = '新生儿出生后，家长可持出生医学证明和户口簿到户籍所在街道社区服务中心办理参保登记。';
const ADDED = '出生后90天内参保缴费的，自出生之日起享受待遇。';

const openSelect = (page: Page, select: string) => page.locator(`.el-select:has(${select}) .el-select__wrapper`).click();

async function addTerm(page: Page, select: string, term: string) {
  await openSelect(page, select);
  await page.locator(select).pressSequentially(term, { delay: 10 });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.el-form-item:has(${select}) .el-tag:has-text("${term}")`);
  await page.keyboard.press('Escape');
  await page.waitForSelector('.el-select-dropdown:visible', { state: 'detached' }).catch(() => undefined);
}
const clean = async (t: Test, page: Page, where: string) => {
  const text = await visibleText(page);
  t.notMatch(text, RAW_CODES, `no raw order code on screen (${where})`);
  t.notMatch(text, KB_CODES, `no raw knowledge code on screen (${where})`);
};

t.test('an editor drafts, the team edits, publishes, checks the versions, finds it in 试搜 and rolls back', async (t) => {
  const h = await testApp(t);

  // 1. A unit's editor writes a draft.
  const ed = await openAs(browser, t, h, ['kb_editor'], '120102:urban', '/knowledge.html');
  const page = ed.page;
  await page.waitForSelector('#entry-list');
  await page.click('#new-entry');
  await page.waitForSelector('#entry-form');
  await page.fill('#entry-title', TITLE);
  t.match(
    await page.textContent('.el-form-item:has(#entry-title) .el-input__count'),
    `${TITLE.length} / 128`,
    'the title counts its characters',
  );
  await page.fill('#entry-body', BODY);
  await addTerm(page, '#entry-keywords', '上医保');
  await addTerm(page, '#entry-synonyms', '刚出生的孩子');
  await openSelect(page, '#entry-matter');
  await page.locator('#entry-matter').pressSequentially('医疗保障', { delay: 10 });
  await page.click('.matter-popper .el-select-dropdown__item:has-text("医疗保障")');
  await openSelect(page, '#entry-material');
  await page.click('.el-select-dropdown__item:visible:has-text("办事指南")');
  await page.fill('#entry-issuer', '天津市医疗保障局');
  await shot(page, 'knowledge-editor-new');
  await page.click('#entry-save');
  await page.waitForSelector('#entry-head[data-status="draft"][data-version="1"]');
  t.match(await page.textContent('#entry-status'), '草稿', 'the editor sees the new entry as 草稿');
  t.equal(await page.locator('#publish').count(), 0, 'an editor has no 发布 button');
  t.equal(await page.locator('#withdraw').count(), 0, 'nor 撤回');
  t.match(await page.textContent('#review-actions'), /知识库组审核发布/, 'the editor is told who publishes');
  const [row] = await h.db
    .sql`select id, status, unit_id, keywords, synonyms, category_code, material_type from kb_entries where title = ${TITLE}`;
  t.match(row, {
    status: 'draft',
    unit_id: '120102:urban',
    keywords: ['上医保'],
    synonyms: ['刚出生的孩子'],
    category_code: 'health.medical_insurance',
    material_type: 'guide',
  });
  const id = Number(row!.id);
  await page.click('.entry-drawer .el-drawer__close-btn');
  const listed = page.locator(`#entry-list .entry-${id}`);
  await listed.waitFor();
  t.match(await listed.textContent(), /草稿/, 'the list shows it as 草稿');
  t.match(await listed.textContent(), /医疗保障/, 'with its matter by name');
  t.match(await listed.textContent(), /河东区城市管理委员会/, 'and its unit by name');
  t.match(await listed.textContent(), /办事指南/);
  await clean(t, page, 'editor list');
  await shot(page, 'knowledge-editor-list');
  t.same(ed.problems, [], 'no page errors, console errors or failed requests for the editor');

  // 2. The knowledge team opens it from the 草稿 filter, edits the body and publishes.
  const team = await openAs(browser, t, h, ['kb_admin'], 'hotline-kb', '/knowledge.html');
  const p = team.page;
  await openSelect(p, '#filter-status');
  await p.click('.el-select-dropdown__item:visible:has-text("草稿")');
  await p.locator(`#entry-list .entry-${id}`).click();
  await p.waitForSelector('#entry-head[data-version="1"]');
  await p.locator('#entry-body').press('End');
  await p.locator('#entry-body').pressSequentially(ADDED, { delay: 2 });
  t.match(await p.textContent('.kb-save'), /已改：1 项/, 'the editor counts what changed');
  await p.click('#entry-save');
  await p.waitForSelector('#entry-head[data-status="draft"][data-version="2"]');
  await p.click('#publish');
  await p.waitForSelector('.kb-confirm-publish');
  t.match(await p.textContent('.kb-confirm-publish'), TITLE, 'the confirmation names the entry');
  await p.click('.kb-confirm-publish .el-button--primary');
  await p.waitForSelector('#entry-head[data-status="published"][data-version="3"]');
  t.match(await p.textContent('#entry-status'), '已发布', 'the team sees 已发布');
  const [published] = await h.db.sql`select status, body from kb_entries where id = ${id}`;
  t.match(published, { status: 'published', body: BODY + ADDED });

  // 3. The versions: 新建 by the editor, 修改 and 发布 by the team, newest first.
  await p.waitForSelector('#versions .version-3');
  const lines = await p.$$eval('#versions .version', (els) => els.map((e) => (e.querySelector('.version-line') as HTMLElement).innerText));
  t.equal(lines.length, 3);
  t.match(lines[0], /第 3 版\s*发布\s*测试知识库审核/);
  t.match(lines[1], /第 2 版\s*修改\s*测试知识库审核/);
  t.match(lines[2], /第 1 版\s*新建\s*测试知识库编辑/);
  await clean(t, p, 'team drawer');
  await shot(p, 'knowledge-published');

  // 4. 试搜 with a caller's words, not the title's: found through the keyword and synonym.
  await p.click('.entry-drawer .el-drawer__close-btn');
  await p.locator('#trial-q').pressSequentially('刚出生的孩子在哪里上医保', { delay: 5 });
  await p.waitForSelector(`#trial-hits li[data-entry="${id}"]`, { timeout: 15_000 });
  const first = await p.getAttribute('#trial-hits li:first-child', 'data-entry');
  t.equal(Number(first), id, 'the entry is the first hit');
  t.match(await p.textContent(`#trial-hits li[data-entry="${id}"]`), /相关度 \d+\.\d{2}/, 'with its score');
  t.match(await p.textContent(`#trial-hits li[data-entry="${id}"]`), /办事指南 · 全市/);
  await shot(p, 'knowledge-trial-search');

  // 5. Version 1 beside the current one, then rolled back to: a new draft version.
  await p.click(`#trial-hits li[data-entry="${id}"] .kb-link`);
  await p.waitForSelector('#entry-head[data-version="3"]');
  await p.click('#versions .version-1 .view-version');
  await p.waitForSelector('.version-dialog tr[data-field="body"]');
  t.ok(await p.locator('.version-dialog tr.differs[data-field="body"]').count(), 'the body differs from the current one');
  t.equal(await p.locator('.version-dialog tr.differs[data-field="title"]').count(), 0, 'the title does not');
  t.match(await p.textContent('.version-dialog'), /1 项不同/);
  await clean(t, p, 'version dialog');
  await shot(p, 'knowledge-version-diff');
  await p.click('#rollback');
  await p.waitForSelector('.kb-confirm-rollback');
  t.match(await p.textContent('.kb-confirm-rollback'), TITLE);
  await p.click('.kb-confirm-rollback .el-button--primary');
  await p.waitForSelector('#entry-head[data-status="draft"][data-version="4"]');
  await p.waitForSelector('#versions .version-4[data-change="rollback"]');
  t.match(await p.textContent('#versions .version-4'), /回滚/);
  const [rolled] = await h.db.sql`select status, body, version from kb_entries where id = ${id}`;
  t.match(rolled, { status: 'draft', body: BODY, version: 4 }, 'version 1 fields, as a new draft');
  await clean(t, p, 'after rollback');
  await shot(p, 'knowledge-rolled-back');
  t.same(team.problems, [], 'no page errors, console errors or failed requests for the team');
});

t.test('a save over someone else’s change is refused with a clear message, nothing overwritten', async (t) => {
  const h = await testApp(t);
  const team = await openAs(browser, t, h, ['kb_admin'], 'hotline-kb', '/knowledge.html');
  const p = team.page;
  await p.click('#new-entry');
  await p.fill('#entry-title', '居住证办理需要的材料');
  await p.fill('#entry-body', '本人身份证、居住地址证明。');
  await p.click('#entry-save');
  await p.waitForSelector('#entry-head[data-version="1"]');
  const [row] = await h.db.sql`select id from kb_entries where title = '居住证办理需要的材料'`;
  // Meanwhile a colleague changes it through the API.
  const other = await h.app.inject({
    method: 'PATCH',
    url: `/api/kb/entries/${row!.id}`,
    headers: { authorization: `Bearer ${await p.evaluate(() => sessionStorage.getItem('hotline.token'))}` },
    payload: { issuer: '天津市公安局', version: 1 },
  });
  t.equal(other.statusCode, 200);
  await p.fill('#entry-body', '本人身份证、居住地址证明、近期照片。');
  await p.click('#entry-save');
  await p.waitForSelector('.kb-conflict');
  t.match(await p.textContent('.kb-conflict'), /已被 .*（第 2 版）\s*修改，您的修改未保存/, 'says someone saved first, and which version');
  await shot(p, 'knowledge-conflict');
  await p.click('.kb-conflict .el-button--primary');
  await p.waitForSelector('#entry-head[data-version="2"]');
  const [kept] = await h.db.sql`select body, issuer from kb_entries where id = ${row!.id}`;
  t.match(kept, { body: '本人身份证、居住地址证明。', issuer: '天津市公安局' }, 'the other change stands');
  // The browser logs the refused PATCH (409) as a failed resource: that one is expected.
  t.same(
    team.problems.filter((x) => !/409/.test(x)),
    [],
    'no other page errors',
  );
});
