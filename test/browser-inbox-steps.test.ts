/**
 * 承办工作台 (the built desk, dist/desks/inbox.html) in a real browser, part 2 (a file
 * of its own to stay within the per-file time limit on a busy machine): an extension
 * asked in the workbench and approved by a supervisor; 协办 to closure.
 */
import t from 'tap';
import { signIn, testApp, type TestApp } from './support/app.ts';
import { launch, openAs, shot } from './support/browser.ts';

const browser = await launch(t);
const LIVE = { timeout: 15_000 };

const row = (number: string) => `#inbox-list tr:has(.number[data-order-number="${number}"])`;
const stateOf = async (h: TestApp, id: number) =>
  (await h.db.sql`select status, current_unit_id, claimed_by_unit_id from orders where id = ${id}`)[0]!;
const eventsOf = (h: TestApp, id: number, action: string) =>
  h.db.sql`select reason, payload, unit_id from order_events where order_id = ${id} and action = ${action} order by id`;

async function must(res: { statusCode: number; body: string; json(): unknown }, what: string) {
  if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
}

t.test('an extension asked in the workbench, approved by a supervisor, moves the deadline on the page', async (t) => {
  const h = await testApp(t);
  h.clock.set('2026-11-24T02:00:00Z');
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const supervisor = await signIn(h, ['supervisor'], '120102');
  const order = (
    await desk.post('/api/orders', {
      channel: 'phone',
      content: '十一经路路灯不亮',
      categoryCode: 'urban.street_light',
      areaCode: '120102001',
    })
  ).json();
  await must(await desk.post(`/api/orders/${order.id}/actions/accept`, {}), 'accept');
  await must(await desk.post(`/api/orders/${order.id}/actions/dispatch`, { unitId: '120102001' }), 'dispatch');
  const { page, problems } = await openAs(browser, t, h, ['handler'], '120102001', '/inbox.html');
  await page.waitForSelector('#live-status[data-live="on"]', LIVE);
  await page.click(`${row(order.number)} button[data-action="claim"]`);
  await page.waitForSelector(`${row(order.number)} .number[data-status="claimed"]`, LIVE);
  await page.click(row(order.number));
  await page.waitForSelector('#work-panel button[data-action="request_extension"]');
  await page.click('#work-panel button[data-action="request_extension"]');
  await page.fill('form[data-form="request_extension"] input[name="until"]', '2026-12-08 17:00');
  await page.fill('form[data-form="request_extension"] textarea[name="reason"]', '需协调供电公司更换电缆');
  await page.click('form[data-form="request_extension"] button[type="submit"]');
  await page.waitForSelector(`${row(order.number)} [data-flag="extension"]`, LIVE);
  const [ext] = await h.db.sql`select id, clock_kind, requested_due_at, reason, status from order_extensions where order_id = ${order.id}`;
  t.match(ext, { clock_kind: 'resolve', reason: '需协调供电公司更换电缆', status: 'pending' });
  t.equal(new Date(ext!.requested_due_at).toISOString(), '2026-12-08T09:00:00.000Z', 'Beijing time, whatever the workstation’s zone');
  await page.click('#work-panel button[data-action="request_extension"]');
  await page.waitForSelector('[data-pending-extension]');
  await shot(page, 'inbox-extension-asked');

  await must(await supervisor.post(`/api/orders/${order.id}/actions/approve_extension`, { extensionId: Number(ext!.id) }), 'approve');
  await page.waitForSelector(`${row(order.number)} [data-flag="extension"]`, { state: 'detached', ...LIVE });
  await page.waitForSelector('#drawer-clocks .countdown[data-clock="resolve"][title*="2026-12-08 17:00"]', LIVE);
  t.match(await page.textContent('#order-trail'), /时限已延期/);
  t.match(await page.textContent('#order-trail'), /延至 2026-12-08 17:00/);
  await shot(page, 'inbox-extension-approved');
  t.same(problems, [], 'no page errors, console errors or failed requests');
});

t.test(
  '协办 to closure: the lead assigns, the assistant claims and answers in its own workbench, the lead sees it and replies',
  async (t) => {
    const h = await testApp(t);
    const desk = await signIn(h, ['operator', 'dispatcher']);
    const order = (
      await desk.post('/api/orders', {
        channel: 'phone',
        content: '十一经路施工占道，路灯也不亮',
        categoryCode: 'urban.street_light',
        areaCode: '120102001',
      })
    ).json();
    await must(await desk.post(`/api/orders/${order.id}/actions/accept`, {}), 'accept');
    await must(await desk.post(`/api/orders/${order.id}/actions/dispatch`, { unitId: '120102' }), 'dispatch');
    const [{ name: streetName }] = (await h.db.sql`select name from units where id = '120102001'`) as unknown as [{ name: string }];

    const lead = await openAs(browser, t, h, ['handler'], '120102', '/inbox.html');
    await lead.page.waitForSelector('#live-status[data-live="on"]', LIVE);
    await lead.page.click(`${row(order.number)} button[data-action="claim"]`);
    await lead.page.waitForSelector(`${row(order.number)} .number[data-status="claimed"]`, LIVE);
    await lead.page.click(row(order.number));
    await lead.page.click('#work-panel button[data-action="assign_assist"]');
    await lead.page.click('form[data-form="assign_assist"] .el-select');
    await lead.page.click(`.el-select-dropdown__item:visible:has-text("${streetName}")`);
    await lead.page.keyboard.press('Escape');
    await lead.page.fill('form[data-form="assign_assist"] input[name="note"]', '请街道核实施工单位');
    await lead.page.click('form[data-form="assign_assist"] button[type="submit"]');
    await lead.page.waitForSelector('#assist-panel li[data-assist-unit="120102001"][data-assist-status="assigned"]', LIVE);
    t.match(await lead.page.textContent('#assist-answered'), /已回复 0\/1/);
    // Reply is refused while the assistant has not answered.
    await lead.page.click('#work-panel button[data-action="reply"]');
    t.match(await lead.page.textContent('form[data-form="reply"]'), /协办单位尚未全部回复/);

    const assistant = await openAs(browser, t, h, ['handler'], '120102001', '/inbox.html');
    await assistant.page.waitForSelector(`${row(order.number)} .number[data-role="assist"]`, LIVE);
    await assistant.page.click(row(order.number));
    await assistant.page.click('#assist-panel button[data-action="assist_claim"]');
    await assistant.page.waitForSelector('#assist-panel [data-my-assist][data-status="claimed"]', LIVE);
    await assistant.page.fill('form[data-form="assist_reply"] textarea[name="text"]', '已核实：施工单位为市政二公司，已要求夜间恢复照明');
    await assistant.page.click('form[data-form="assist_reply"] button[type="submit"]');
    await assistant.page.waitForSelector('#assist-panel [data-my-assist][data-status="replied"]', LIVE);
    await shot(assistant.page, 'inbox-assist-answered');

    // The lead's page follows by the feed: the answer, 1/1, then the reply to the citizen.
    await lead.page.waitForSelector('#assist-panel li[data-assist-unit="120102001"][data-assist-status="replied"]', LIVE);
    t.match(await lead.page.textContent('#assist-panel'), /市政二公司/);
    t.match(await lead.page.textContent('#assist-answered'), /已回复 1\/1/);
    await shot(lead.page, 'inbox-assist-lead');
    // 答复质检 as the lead writes: a bare 已处理 is flagged under the text and not sent without a reason.
    await lead.page.fill('form[data-form="reply"] textarea[name="text"]', '已处理');
    await lead.page.waitForSelector('#reply-findings li[data-check="too_short"]', LIVE);
    await lead.page.click('form[data-form="reply"] button[type="submit"]');
    await lead.page.waitForSelector('[data-testid="work-error"]', LIVE);
    t.match(await lead.page.textContent('[data-testid="work-error"]'), /未通过质检/);
    t.match(await stateOf(h, order.id), { status: 'claimed' }, 'not sent');
    await shot(lead.page, 'inbox-reply-findings');
    await lead.page.fill('form[data-form="reply"] textarea[name="text"]', '经协调施工单位，路灯已于当晚恢复');
    await lead.page.waitForSelector('#reply-passed', LIVE);
    await lead.page.click('form[data-form="reply"] button[type="submit"]');
    await lead.page.waitForSelector(row(order.number), { state: 'detached', ...LIVE });
    t.match(await stateOf(h, order.id), { status: 'replied' });
    await must(await desk.post(`/api/orders/${order.id}/actions/close`, { satisfaction: 'satisfied' }), 'close');
    t.match(await stateOf(h, order.id), { status: 'closed' });
    t.match(await eventsOf(h, order.id, 'assist_reply'), [{ reason: '已核实：施工单位为市政二公司，已要求夜间恢复照明' }]);
    t.same(lead.problems, [], 'no problems on the lead’s page');
    t.same(assistant.problems, [], 'no problems on the assistant’s page');
  },
);
