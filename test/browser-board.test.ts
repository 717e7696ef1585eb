/**
 * The 督办看板 (server/desks/board/) in a real browser: its total, tree, lists and live
 * strip follow the live feed's events without a reload or a re-fetch (the page's totals
 * are checked against the server's own aggregate, GET /api/sla/board); 催办 with a note,
 * one 督办 per window, an extension approved. Time is the test clock: the sweeper fires
 * 黄灯 and 红灯 when the clock is moved and swept by hand, never by sleeping.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { sweepDueClocks } from '../server/jobs/sweeper.ts';
import { signIn, testApp, type Client, type TestApp } from './support/app.ts';
import { launch, openAs, shot } from './support/browser.ts';

const browser = await launch(t);
// Only the live feed can bring these (the page is not reloaded); the limit only keeps a broken feed from hanging the run.
const arrives = (page: Page, selector: string) => page.waitForSelector(selector, { timeout: 15_000 });

/** The server's own count of the subtree's clocks, by standing: what the page's total must come to. */
async function serverTotals(sup: Client, unit: string) {
  const board = (await sup.get(`/api/sla/board?unit=${unit}`)).json() as { rows: { totals: Record<string, number> }[] };
  const sum = { onTime: 0, atRisk: 0, overdue: 0 };
  for (const r of board.rows) for (const k of ['onTime', 'atRisk', 'overdue'] as const) sum[k] += r.totals[k]!;
  return sum;
}

/** Waits until the page's three totals read `want`. */
async function totalsBecome(page: Page, want: Record<string, number>) {
  await page.waitForFunction(
    (w) => Object.entries(w).every(([k, v]) => document.querySelector(`[data-total="${k}"]`)?.textContent?.trim() === String(v)),
    want,
    { timeout: 15_000 },
  );
}

async function sweepAt(h: TestApp, ms: number) {
  h.clock.advance(ms);
  return sweepDueClocks(h.db.sql, h.clock.now());
}

t.test("a board's total, lists and live strip follow events: an order created, then 黄灯 and 红灯 from the sweeper", async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Beijing
  const desk = await signIn(h, ['operator']);
  const sup = await signIn(h, ['supervisor'], '120102');
  const { page, problems } = await openAs(browser, t, h, ['supervisor'], '120102', '/board.html');
  await page.waitForSelector('#live-status[data-live="on"]');
  await page.waitForSelector('#board-total');
  await totalsBecome(page, await serverTotals(sup, '120102'));
  const fetches: string[] = [];
  page.on('request', (r) => r.url().includes('/api/sla/') && fetches.push(r.url()));

  const created = await desk.post('/api/orders', { channel: 'phone', content: '河东区大王庄街道井盖丢了，很危险' });
  t.equal(created.statusCode, 201);
  const order = created.json();
  t.equal(order.currentUnitId, '120102:urban', 'the rules dispatched it into 河东区 by themselves');
  t.equal(order.urgency, 'urgent', 'a danger: 15 minutes to claim');
  const after = await serverTotals(sup, '120102');
  t.ok(after.onTime > 0, 'its clocks run on time');
  await totalsBecome(page, after);
  await page.click('#unit-tree .el-table__expand-icon').catch(() => undefined);
  await arrives(page, '#unit-tree [data-unit="120102:urban"]');
  await shot(page, 'board-created');

  // Past half of the 15-minute claim time: the sweeper's 黄灯.
  const warned = await sweepAt(h, 8 * 60_000);
  t.ok(warned.events > 0, 'the sweep fired a warning');
  await totalsBecome(page, await serverTotals(sup, '120102'));
  await arrives(page, `#at-risk-list li[data-order-number="${order.number}"]`);
  await arrives(page, `#live-strip li[data-kind="warning"][data-order-number="${order.number}"]`);

  // Past the deadline: 红灯, the line with its text, holder and time over.
  const red = await sweepAt(h, 12 * 60_000);
  t.ok(red.events > 0, 'the sweep fired the overdue step');
  await totalsBecome(page, await serverTotals(sup, '120102'));
  const line = `#overdue-list li[data-order-number="${order.number}"]`;
  await arrives(page, line);
  await arrives(page, `#live-strip li[data-kind="overdue"][data-order-number="${order.number}"]`);
  const text = await page.textContent(line);
  t.match(text, /井盖丢了/, 'the complaint text');
  t.match(text, /河东区城市管理委员会/, 'the holder');
  t.match(text, /签收\s*超期 \d+分/, 'the clock and the time over');
  t.equal(await page.$(`#at-risk-list li[data-order-number="${order.number}"]`), null, 'no longer listed as at risk');
  t.same(fetches, [], 'the board moved on the events alone: no re-fetch');
  await shot(page, 'board-overdue');
  t.same(problems, [], 'no page errors, console errors or failed requests');
});

t.test('urge with a note, one 督办 per window, an extension asked by the handler approved on the board', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const desk = await signIn(h, ['operator']);
  const order = (await desk.post('/api/orders', { channel: 'phone', content: '河东区大王庄街道井盖丢了，很危险' })).json();
  await sweepAt(h, 20 * 60_000);
  const { page, problems } = await openAs(browser, t, h, ['supervisor'], '120102', '/board.html');
  await page.waitForSelector('#live-status[data-live="on"]');
  const line = `#overdue-list li[data-order-number="${order.number}"]`;
  await page.waitForSelector(line);

  await page.click(`${line} button[data-action="urge"]`);
  await page.fill('.note-dialog:visible textarea', '请半小时内到现场');
  await page.click('.note-dialog:visible button.confirm');
  await arrives(page, `${line} [data-urged="1"]`);
  await arrives(page, `#live-strip li[data-kind="urge"][data-order-number="${order.number}"]`);
  t.match(await page.textContent(`#live-strip li[data-kind="urge"]`), /请半小时内到现场/, 'the note in the strip');
  const urge = await h.db.sql`select reason from order_events where order_id = ${order.id} and action = 'urge'`;
  t.same(
    urge.map((r) => r.reason),
    ['请半小时内到现场'],
    'recorded with its note',
  );

  await page.click(`${line} button[data-action="supervise"]`);
  await page.click('.note-dialog:visible button.confirm');
  await arrives(page, `${line} [data-supervised]`);
  await page.click(`${line} button[data-action="supervise"]`);
  await page.click('.note-dialog:visible button.confirm');
  await page.waitForSelector('.note-dialog:visible .dialog-error');
  t.match(
    await page.textContent('.note-dialog:visible .dialog-error'),
    /已于 .+ 督办，.+ 前不能再次督办/,
    'the second 督办 refused, saying until when',
  );
  await shot(page, 'board-supervise-refused');
  await page.click('.note-dialog:visible .el-dialog__footer button:not(.confirm)');
  const sup = await h.db.sql`select count(*)::int as n from order_events where order_id = ${order.id} and action = 'supervise'`;
  t.equal(sup[0]!.n, 1, 'one 督办 recorded');

  const handler = await signIn(h, ['handler'], '120102:urban');
  const due = (await h.db.sql`select due_at from order_clocks where order_id = ${order.id} and kind = 'claim'`)[0]!.due_at as Date;
  const asked = await handler.post(`/api/orders/${order.id}/actions/request_extension`, {
    clock: 'claim',
    dueAt: new Date(new Date(due).getTime() + 2 * 3_600_000).toISOString(),
    reason: '井盖需定制，厂家下午送到',
  });
  t.equal(asked.statusCode, 200, 'the handler asked for 2 more hours');
  const ext = `#extensions li[data-order-number="${order.number}"]`;
  await arrives(page, ext);
  await arrives(page, `#live-strip li[data-kind="extension"][data-order-number="${order.number}"]`);
  t.match(await page.textContent(ext), /井盖需定制/);
  await page.click(`${ext} button[data-action="approve"]`);
  await page.fill('.note-dialog:visible textarea', '同意，务必今日完成');
  await page.click('.note-dialog:visible button.confirm');
  await page.waitForSelector(ext, { state: 'detached', timeout: 15_000 });
  const row = await h.db.sql`select status, decision_note from order_extensions where order_id = ${order.id}`;
  t.same(
    row.map((r) => [r.status, r.decision_note]),
    [['approved', '同意，务必今日完成']],
  );
  await shot(page, 'board-extension-approved');
  // The refused 督办 answered 409 on purpose (the browser logs every error answer).
  t.same(
    problems.filter((p) => !p.includes('status of 409')),
    [],
    'no page errors, console errors or other failed requests',
  );
});
