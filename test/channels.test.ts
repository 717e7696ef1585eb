/** The web form, the tracking page and call events, driven as their real peers drive them. */
import t from 'tap';
import { signIn, testApp } from './support/app.ts';
import { codeIn } from './support/notice.ts';

const form = {
  name: '刘女士',
  phone: '13912345678',
  content: '河东区大王庄街道诚厚里社区楼上邻居半夜跺脚，噪音太吵了',
  location: '诚厚里社区5号楼',
};

t.test('a double-clicked web form makes one order and one notice', async (t) => {
  const { app, db } = await testApp(t);
  const submit = () =>
    app.inject({
      method: 'POST',
      url: '/api/channels/web',
      payload: form,
      headers: { 'idempotency-key': 'form-7d1e44a0' },
      remoteAddress: '10.1.1.1',
    });
  const [a, b] = await Promise.all([submit(), submit()]);
  t.same([a.statusCode, b.statusCode].sort(), [200, 201]);
  t.equal(a.json().number, b.json().number);
  t.match(a.json().notice, new RegExp(`工单编号 ${a.json().number}`));
  t.match(a.json().notice, /5个工作日内、即2026年12月1日前答复您/, 'the notice names the day, from the working-day calendar');
  t.match(b.json().notice, new RegExp(`工单编号 ${a.json().number}`));
  const codes = [a, b].map((r) => codeIn(r.json().notice));
  t.equal(codes.filter(Boolean).length, 1, 'the query code is given once, by the answer that created the order');
  t.equal(codeIn((a.statusCode === 201 ? a : b).json().notice), codes.find(Boolean));
  const [{ n }] = (await db.sql`select count(*)::int as n from orders`) as unknown as [{ n: number }];
  t.equal(n, 1);
  const [event] = await db.sql`select payload from order_events where action = 'create'`;
  t.same(event!.payload.inbound.body, form, 'the raw submission is in the audit trail');
  t.equal(event!.payload.channel, 'web');
  const missingKey = await app.inject({ method: 'POST', url: '/api/channels/web', payload: form });
  t.equal(missingKey.statusCode, 400);
  t.equal(missingKey.json().field, 'idempotency-key');
});

t.test('a flood from one address is refused with 429 and Retry-After; others still get through', async (t) => {
  const { app, db } = await testApp(t, { publicLimits: { webPerMinute: 3 } });
  const send = (i: number, ip: string) =>
    app.inject({
      method: 'POST',
      url: '/api/channels/web',
      payload: { ...form, content: `${form.content}（第${i}次）` },
      headers: { 'idempotency-key': `flood-${ip}-${i}` },
      remoteAddress: ip,
    });
  const results = [];
  for (let i = 0; i < 6; i++) results.push(await send(i, '10.9.9.9'));
  t.same(
    results.map((r) => r.statusCode),
    [201, 201, 201, 429, 429, 429],
  );
  t.ok(Number(results[3]!.headers['retry-after']) > 0);
  t.equal(results[3]!.json().code, 'RATE_LIMITED');
  t.equal((await send(0, '10.2.2.2')).statusCode, 201, 'another address is not affected');
  const [{ n }] = (await db.sql`select count(*)::int as n from orders`) as unknown as [{ n: number }];
  t.equal(n, 4, 'the refused ones wrote nothing');
});

t.test('oversized and malformed web submissions are refused, naming the field', async (t) => {
  const { app } = await testApp(t);
  const post = (payload: object) =>
    app.inject({ method: 'POST', url: '/api/channels/web', payload, headers: { 'idempotency-key': `k-${Math.random()}` } });
  t.equal((await post({ ...form, content: '长'.repeat(2001) })).json().field, 'content');
  t.equal((await post({ ...form, phone: '12345' })).json().field, 'phone');
  t.equal((await post({ ...form, admin: true })).json().field, 'admin');
  t.equal((await post({ ...form, name: 'x'.repeat(31) })).json().field, 'name');
});

t.test('tracking shows progress without personal data, and takes the rating', async (t) => {
  const h = await testApp(t);
  const receipt = (
    await h.app.inject({ method: 'POST', url: '/api/channels/web', payload: form, headers: { 'idempotency-key': 'track-0001' } })
  ).json();
  const code = codeIn(receipt.notice);
  t.ok(code, 'the receipt gives the query code');
  // The receipt's link opens the tracking page with the number filled in, which is served.
  t.equal(receipt.trackUrl, `/track.html?number=${receipt.number}`);
  t.equal((await h.app.inject(receipt.trackUrl)).statusCode, 200, 'the link leads to a page, not a 400');
  const url = `/api/track/${receipt.number}?code=${code}`;
  const view = await h.app.inject(url);
  t.equal(view.statusCode, 200);
  t.notMatch(view.body, /13912345678|刘女士|诚厚里社区5号楼/, 'no name, phone or address');
  t.equal(view.json().statusLabel, '已派单');
  t.same(
    view.json().history.map((s: { step: string }) => s.step),
    ['已登记', '受理', '派单'],
  );
  t.equal(
    (await h.app.inject(`/api/track/${receipt.number}?code=${code === 'ABCDEFGH' ? 'HGFEDCBA' : 'ABCDEFGH'}`)).statusCode,
    404,
    'a wrong code: not found',
  );
  const early = await h.app.inject({
    method: 'POST',
    url: `/api/track/${receipt.number}/rating`,
    payload: { code, satisfaction: 'satisfied' },
  });
  t.equal(early.statusCode, 409, 'no rating before a reply');
  t.equal(early.json().code, 'RATING_CLOSED');

  const handler = await signIn(h, ['handler'], '120102001001');
  const id = (await h.db.sql`select id from orders where number = ${receipt.number}`)[0]!.id;
  await handler.post(`/api/orders/${id}/actions/claim`);
  await handler.post(`/api/orders/${id}/actions/reply`, { text: '已上门协调，楼上住户承诺夜间注意' });
  const replied = (await h.app.inject(url)).json();
  t.equal(replied.reply, '已上门协调，楼上住户承诺夜间注意');
  t.equal(replied.canRate, true);
  const rated = await h.app.inject({
    method: 'POST',
    url: `/api/track/${receipt.number}/rating`,
    payload: { code, satisfaction: 'unsatisfied', comment: '晚上还是很吵' },
  });
  t.same(rated.json(), { status: 'reopened', statusLabel: '重办' });
  const [ev] = await h.db.sql`select actor, reason from order_events where order_id = ${id} and action = 'reopen'`;
  t.same({ ...ev }, { actor: 'citizen:track', reason: '晚上还是很吵' });
});

t.test('call events: repeated and out of order, merged into one call the operator turns into one order', async (t) => {
  const h = await testApp(t, { ctiSecret: 'cti-shared-secret' });
  const event = (e: object, secret = 'cti-shared-secret') =>
    h.app.inject({ method: 'POST', url: '/api/channels/phone/calls', payload: e, headers: { 'x-cti-secret': secret } });
  const callId = 'a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b';
  const hangup = {
    callId,
    event: 'CHANNEL_HANGUP_COMPLETE',
    at: '2026-11-24T02:05:00Z',
    callerNumber: '13700001111',
    calledNumber: '12345',
  };
  t.equal((await event(hangup)).statusCode, 200, 'the hangup arrives first');
  await event({ callId, event: 'CHANNEL_ANSWER', at: '2026-11-24T02:00:10Z', agentId: '1007' });
  await event({ callId, event: 'CHANNEL_CREATE', at: '2026-11-24T02:00:00Z' });
  await event(hangup); // repeated
  const last = await event({
    callId,
    event: 'TRANSCRIPT',
    at: '2026-11-24T02:05:30Z',
    transcript: '我要反映大王庄街道诚厚里社区楼道堆满杂物的问题',
  });
  const call = last.json();
  t.equal(call.callerNumber, '13700001111');
  t.equal(call.agentId, '1007');
  t.equal(call.startedAt, '2026-11-24T02:00:00.000Z');
  t.equal(call.answeredAt, '2026-11-24T02:00:10.000Z');
  t.equal(call.endedAt, '2026-11-24T02:05:00.000Z');
  t.equal(call.events.length, 4, 'the repeated hangup is kept once');
  t.equal((await event(hangup, 'wrong')).statusCode, 401);
  t.equal((await event({ ...hangup, callId: '../../etc' })).statusCode, 400);

  const op = await signIn(h, ['operator']);
  t.equal((await op.get(`/api/channels/phone/calls/${callId}`)).json().transcript, call.transcript, 'the console prefill');
  const waiting = await op.get('/api/channels/phone/calls');
  t.same(
    waiting.json().calls.map((c: { callId: string }) => c.callId),
    [callId],
    'the console lists the call waiting to be logged',
  );
  t.equal((await op.get('/api/channels/phone/calls?agent=1007')).json().calls.length, 1, 'the agent who took it sees it');
  t.same((await op.get('/api/channels/phone/calls?agent=1008')).json().calls, [], 'another agent does not');
  t.equal((await op.get('/api/channels/phone/calls?limit=0')).statusCode, 400);
  const make = () => op.post('/api/orders', { channel: 'phone', callId, content: call.transcript });
  const [first, again] = [await make(), await make()];
  t.equal(first.statusCode, 201);
  t.equal(again.statusCode, 200, 'one call, one order');
  t.equal(first.json().channelMessageId, callId);
  const full = await op.get(`/api/orders/${first.json().id}?reveal=phone`);
  t.equal(full.json().citizenPhone, '13700001111', 'the caller number fills the phone');
  t.equal((await op.get(`/api/channels/phone/calls/${callId}`)).json().orderId, first.json().id);
  t.same((await op.get('/api/channels/phone/calls')).json().calls, [], 'a logged call leaves the list');
  const noCti = await testApp(t);
  t.equal(
    (await noCti.app.inject({ method: 'POST', url: '/api/channels/phone/calls', payload: hangup, headers: { 'x-cti-secret': 'x' } }))
      .statusCode,
    503,
  );
});
