/**
 * 漏接回拨 at the console (the built desk) in a real browser: the missed caller
 * waits masked beside the form; 回拨 shows the whole number and records it; no
 * answer is retried; reached with an order logged on the call links the two.
 */
import t from 'tap';
import { testApp } from './support/app.ts';
import { launch, openAs, shot } from './support/browser.ts';

const CTI_SECRET = 'cti-test-secret';
const browser = await launch(t);

t.test('a missed caller is called back from the console: no answer, then reached with an order', async (t) => {
  const h = await testApp(t, { ctiSecret: CTI_SECRET });
  h.clock.set('2026-11-24T02:10:00Z');
  for (const payload of [
    {
      callId: 'fs-miss-1',
      event: 'CHANNEL_CREATE',
      at: '2026-11-24T02:00:00Z',
      callerNumber: '13612345678',
      startedAt: '2026-11-24T02:00:00Z',
    },
    { callId: 'fs-miss-1', event: 'CHANNEL_HANGUP_COMPLETE', at: '2026-11-24T02:00:50Z', endedAt: '2026-11-24T02:00:50Z' },
  ]) {
    const res = await h.app.inject({ method: 'POST', url: '/api/channels/phone/calls', headers: { 'x-cti-secret': CTI_SECRET }, payload });
    if (res.statusCode !== 200) throw new Error(res.body);
  }
  const { page, problems } = await openAs(browser, t, h, ['operator'], 'hotline', '/console.html');
  const row = page.locator('#missed-calls li[data-task]');
  await row.first().waitFor({ timeout: 15_000 });
  t.match(await row.first().textContent(), /136\*\*\*\*5678/, 'the list shows the number masked');
  t.match(await page.textContent('#waiting-calls'), /暂无/, 'a call nobody answered is not waiting to be logged');
  t.match(await row.first().textContent(), /10:00 挂断/, 'in Beijing time, whatever the workstation’s zone');
  t.match(
    await row.first().textContent(),
    /回拨时限 剩余 1小时\d+分/,
    'the two hours counting down (from the service’s time, not the workstation’s)',
  );

  await row.first().locator('button.dial').click();
  await page.waitForSelector('#missed-calls [data-dialling] .number:has-text("13612345678")', { timeout: 15_000 });
  t.pass('回拨 shows the whole number');
  await shot(page, 'console-missed-call-dialling');
  await page.click('#missed-calls [data-outcome="no_answer"]');
  await page.waitForSelector('#missed-calls li[data-task]:has-text("已拨 1/3 次")', { timeout: 15_000 });
  t.pass('no answer: retried later, the attempt counted');

  h.clock.set('2026-11-24T02:45:00Z');
  await row.first().locator('button.dial').click();
  await page.click('#missed-calls [data-outcome="log"]');
  await page.waitForFunction(() => (document.getElementById('phone') as HTMLInputElement).value === '13612345678');
  t.match(await page.textContent('#call-info'), /回拨漏接来电 13612345678/, 'the form starts for the caller called back');
  await page.fill('#content', '刚才打不进来，想反映河东区大王庄街道诚厚里社区楼道堆满杂物');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('#result[data-order-number]', { timeout: 15_000 });
  await page.waitForSelector('#missed-calls[data-count="0"]', { timeout: 15_000 });
  t.pass('the task leaves the list once reached');

  const [order] = await h.db.sql`select id, citizen_phone from orders`;
  t.equal(order!.citizen_phone, '13612345678');
  const [task] = await h.db.sql`select state, attempts, order_id, trail from missed_calls`;
  t.match(
    { ...task, order_id: Number(task!.order_id) },
    { state: 'reached', attempts: 2, order_id: Number(order!.id) },
    'the callback is linked to the order it logged',
  );
  t.same(
    (task!.trail as { kind: string }[]).map((s) => s.kind),
    ['dial', 'attempt', 'dial', 'attempt'],
    'each reveal of the number is in the trail',
  );
  await shot(page, 'console-missed-call-reached');
  t.same(problems, [], 'no page errors');
});
