/**
 * 漏接回拨 end to end: the call-centre's events (as FreeSWITCH sends them, repeated
 * and out of order) open one callback task per caller and window; the operator dials
 * (the full number's reveal recorded), records each attempt, and links the order
 * logged on the callback; the figures count what happened.
 */
import t from 'tap';
import { buildApp } from '../server/app.ts';
import { signIn, testApp, type TestApp } from './support/app.ts';

const SECRET = 'cti-shared-secret';
const CALLER = '13700002222';
const MINUTE = 60_000;

type App = TestApp['app'];
const cti = (app: App, e: object) =>
  app.inject({ method: 'POST', url: '/api/channels/phone/calls', payload: e, headers: { 'x-cti-secret': SECRET } });

/** The events of a call that rang at `at` and was hung up `secondsLater` without an answer. */
function missed(callId: string, at: string, number = CALLER, secondsLater = 40) {
  const ended = new Date(new Date(at).getTime() + secondsLater * 1000).toISOString();
  return [
    { callId, event: 'CHANNEL_CREATE', at, callerNumber: number, calledNumber: '12345', startedAt: at },
    { callId, event: 'CHANNEL_HANGUP_COMPLETE', at: ended, callerNumber: number, calledNumber: '12345', endedAt: ended },
  ];
}

async function send(app: App, events: object[]) {
  for (const e of events) {
    const res = await cti(app, e);
    if (res.statusCode !== 200) throw new Error(`CTI event refused: ${res.body}`);
  }
}

async function openTasks(h: TestApp) {
  const op = await signIn(h, ['operator']);
  return (await op.get('/api/missed-calls')).json().tasks as Array<Record<string, unknown>>;
}

t.test('a missed call becomes one task: deduplicated, dialled with the reveal recorded, retried, reached with its order', async (t) => {
  const h = await testApp(t, { ctiSecret: SECRET });
  h.clock.set('2026-11-24T02:10:00Z');
  const first = missed('call-a1', '2026-11-24T02:00:00Z');
  await send(h.app, first);
  await send(h.app, [first[1]!]); // the hangup again
  await send(h.app, missed('call-a2', '2026-11-24T03:00:00Z')); // within the dedupe window
  await send(h.app, missed('call-b1', '2026-11-24T02:30:00Z', '13800003333'));

  const op = await signIn(h, ['operator']);
  const list = (await op.get('/api/missed-calls')).json().tasks;
  t.equal(list.length, 2, 'one task per caller');
  const task = list.find((x: { callerNumber: string }) => x.callerNumber.startsWith('137'));
  t.equal(task.callerNumber, '137****2222', 'the list masks the number');
  t.equal(task.missedCount, 2, 'the repeated hangup counted once, the second call joined');
  t.equal(task.firstMissedAt, '2026-11-24T02:00:40.000Z');
  t.equal(task.lastMissedAt, '2026-11-24T03:00:40.000Z');
  t.equal(task.dueAt, '2026-11-24T04:00:40.000Z', 'due within 120 minutes of the first missed call');
  t.same(
    list.map((x: { dueAt: string }) => x.dueAt),
    ['2026-11-24T04:00:40.000Z', '2026-11-24T04:30:40.000Z'],
    'the most urgent first',
  );

  const dial = await op.post(`/api/missed-calls/${task.id}/actions/dial`);
  t.equal(dial.statusCode, 200, dial.body);
  t.equal(dial.json().callerNumber, CALLER, 'the operator about to dial sees the whole number');
  t.match(dial.json().trail, [{ kind: 'dial', by: `user:${op.viewer.userId}`, at: '2026-11-24T02:10:00.000Z' }]);

  h.clock.set('2026-11-24T02:12:00Z');
  const noAnswer = await op.post(`/api/missed-calls/${task.id}/attempts`, { outcome: 'no_answer' });
  t.equal(noAnswer.statusCode, 200);
  t.match(noAnswer.json(), { state: 'open', attempts: 1, nextAt: '2026-11-24T02:42:00.000Z', firstAttemptAt: '2026-11-24T02:12:00.000Z' });
  t.equal(noAnswer.json().callerNumber, '137****2222', 'an attempt does not reveal the number again');
  const again = (await op.get('/api/missed-calls')).json().tasks;
  t.equal(again[0].callerNumber, '137****2222', 'its retry at 02:42 comes before the other caller’s deadline');

  h.clock.set('2026-11-24T02:45:00Z');
  const order = await op.post('/api/orders', {
    channel: 'phone',
    content: '回拨时市民反映大王庄街道诚厚里社区楼道堆满杂物',
    categoryCode: 'other',
    areaCode: '120102001',
    citizenPhone: CALLER,
  });
  t.equal(order.statusCode, 201);
  const reached = await op.post(`/api/missed-calls/${task.id}/attempts`, {
    outcome: 'reached',
    note: '市民反映楼道杂物，已登记工单',
    orderId: order.json().id,
  });
  t.equal(reached.statusCode, 200);
  t.match(reached.json(), { state: 'reached', attempts: 2, nextAt: null, orderId: order.json().id, closedAt: '2026-11-24T02:45:00.000Z' });
  t.match(reached.json().trail, [{ kind: 'dial' }, { kind: 'attempt', outcome: 'no_answer' }, { kind: 'attempt', outcome: 'reached' }]);
  t.equal((await op.post(`/api/missed-calls/${task.id}/attempts`, { outcome: 'no_answer' })).json().code, 'CALLBACK_CLOSED');
  t.equal((await op.post(`/api/missed-calls/${task.id}/actions/dial`)).statusCode, 409, 'a closed task reveals nothing');

  const closed = (await op.get('/api/missed-calls?state=reached')).json().tasks;
  t.same(
    closed.map((x: { id: number }) => x.id),
    [task.id],
  );
  t.equal((await openTasks(h)).length, 1, 'the other caller still waits');

  h.clock.set('2026-11-24T06:00:00Z');
  await send(h.app, missed('call-a3', '2026-11-24T05:30:00Z'));
  const later = (await op.get('/api/missed-calls')).json().tasks;
  t.equal(later.length, 2, 'a new missed call after the task closed opens a new task');
});

t.test('a caller who got through needs no callback, even when the answer arrives after the hangup', async (t) => {
  const h = await testApp(t, { ctiSecret: SECRET });
  await send(h.app, missed('call-c1', '2026-11-24T02:00:00Z'));
  const answered = '2026-11-24T02:20:05Z';
  await send(h.app, [
    { callId: 'call-c2', event: 'CHANNEL_CREATE', at: '2026-11-24T02:20:00Z', callerNumber: CALLER, startedAt: '2026-11-24T02:20:00Z' },
    { callId: 'call-c2', event: 'CHANNEL_ANSWER', at: answered, agentId: '1007', answeredAt: answered },
  ]);
  t.same(await openTasks(h), [], 'the later answered call closes the task');
  const op = await signIn(h, ['operator']);
  t.match((await op.get('/api/missed-calls?state=skipped')).json().tasks, [{ state: 'skipped', missedCount: 1 }]);

  // The hangup of a call reaches us first; its answer comes after: it was not missed.
  const hangup = { callId: 'call-d1', event: 'CHANNEL_HANGUP_COMPLETE', at: '2026-11-24T04:05:00Z', callerNumber: '13900004444' };
  await send(h.app, [hangup]);
  t.equal((await openTasks(h)).length, 1, 'a hangup alone looks missed');
  await send(h.app, [{ callId: 'call-d1', event: 'CHANNEL_ANSWER', at: '2026-11-24T04:00:10Z', agentId: '1008' }]);
  t.same(await openTasks(h), [], 'its late answer skips it');
  await send(h.app, [hangup]);
  t.same(await openTasks(h), [], 'and a repeated hangup does not bring it back');

  // A withheld number cannot be called back: no task.
  await send(h.app, missed('call-e1', '2026-11-24T05:00:00Z', '0'));
  t.same(await openTasks(h), [], 'no task for a number one cannot dial');
});

t.test('no answer up to the limit closes the task as unreached', async (t) => {
  const h = await testApp(t, { ctiSecret: SECRET });
  h.clock.set('2026-11-24T02:01:00Z');
  await send(h.app, missed('call-f1', '2026-11-24T02:00:00Z'));
  const op = await signIn(h, ['operator']);
  const [task] = await openTasks(h);
  let last;
  for (let i = 0; i < 3; i++) {
    h.clock.advance(31 * MINUTE);
    last = (await op.post(`/api/missed-calls/${task!.id}/attempts`, { outcome: 'no_answer' })).json();
  }
  t.match(last, { state: 'unreached', attempts: 3, nextAt: null });
  t.same(await openTasks(h), []);
});

t.test('bad input names its field and writes nothing; only the desk may call back', async (t) => {
  const h = await testApp(t, { ctiSecret: SECRET });
  await send(h.app, missed('call-g1', '2026-11-24T02:00:00Z'));
  const op = await signIn(h, ['operator']);
  const [task] = await openTasks(h);
  const url = `/api/missed-calls/${task!.id}/attempts`;

  const bad = await op.post(url, { outcome: 'maybe' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().field, /outcome/);
  const unknown = await op.post(url, { outcome: 'reached', orderId: 999999 });
  t.equal(unknown.statusCode, 422);
  t.equal(unknown.json().field, 'orderId');
  const mismatched = await op.post(url, { outcome: 'no_answer', orderId: 1 });
  t.equal(mismatched.statusCode, 400);
  t.equal(mismatched.json().field, 'orderId');
  t.equal((await op.post('/api/missed-calls/999999/attempts', { outcome: 'reached' })).statusCode, 404);
  const [row] = await h.db.sql`select attempts, state, trail from missed_calls where id = ${task!.id as number}`;
  t.same({ ...row }, { attempts: 0, state: 'open', trail: [] }, 'nothing written');

  const handler = await signIn(h, ['handler'], '120102:urban');
  t.equal((await handler.get('/api/missed-calls')).statusCode, 403);
  t.equal((await handler.post(`/api/missed-calls/${task!.id}/actions/dial`)).statusCode, 403);
  t.equal((await op.get('/api/missed-calls/report?from=2026-11-24&to=2026-11-23')).statusCode, 400);
});

t.test('two instances receiving the same events at once keep one task and count each call once', async (t) => {
  const h = await testApp(t, { ctiSecret: SECRET });
  const url = (h.db as unknown as { url: string }).url;
  const other = await buildApp({ databaseUrl: url, clock: h.clock, ctiSecret: SECRET });
  t.teardown(() => other.close());

  const a = missed('call-h1', '2026-11-24T02:00:00Z');
  const b = missed('call-h2', '2026-11-24T02:01:00Z');
  // Both instances get each event (the call centre retried to a second address), and
  // the two calls' hangups race each other.
  await Promise.all([send(h.app, a), send(other, a), send(h.app, b), send(other, b)]);
  const tasks = await openTasks(h);
  t.equal(tasks.length, 1, 'one task for the caller');
  t.equal(tasks[0]!.missedCount, 2, 'each call counted once');
});

t.test('the figures: missed calls, callback rate, on-time rate, time to callback', async (t) => {
  const h = await testApp(t, { ctiSecret: SECRET });
  const op = await signIn(h, ['operator']);
  await send(h.app, missed('call-k1', '2026-11-24T02:00:00Z', '13700000001'));
  await send(h.app, missed('call-k2', '2026-11-24T02:05:00Z', '13700000001'));
  await send(h.app, missed('call-k3', '2026-11-24T02:00:00Z', '13700000002'));
  await send(h.app, missed('call-k4', '2026-11-24T02:00:00Z', '13700000003'));
  await send(h.app, missed('call-k5', '2026-11-24T02:00:00Z', '13700000004'));
  await send(h.app, [
    {
      callId: 'call-k6',
      event: 'CHANNEL_ANSWER',
      at: '2026-11-24T02:30:00Z',
      callerNumber: '13700000004',
      answeredAt: '2026-11-24T02:30:00Z',
    },
  ]);
  const tasks = await openTasks(h);
  const id = (n: string) => tasks.find((x) => (x.callerNumber as string).endsWith(n.slice(-4)))!.id;

  h.clock.set('2026-11-24T02:30:40Z'); // 30 minutes after the first missed call: on time
  await op.post(`/api/missed-calls/${id('13700000001')}/attempts`, { outcome: 'reached' });
  h.clock.set('2026-11-24T05:00:40Z'); // 180 minutes: late
  await op.post(`/api/missed-calls/${id('13700000002')}/attempts`, { outcome: 'no_answer' });

  const report = await op.get('/api/missed-calls/report?from=2026-11-24&to=2026-11-24');
  t.equal(report.statusCode, 200);
  t.match(report.json(), {
    missedCalls: 5,
    tasks: 4,
    skipped: 1,
    reached: 1,
    calledBack: 2,
    open: 2,
    overdue: 1, // 13700000003, never called, past its two hours; 13700000002 was tried late and waits for its retry
    callbackRate: 0.6667, // ratios are given to four places
    onTimeRate: 1 / 2,
    reachRate: 1 / 2,
    medianMinutesToCallback: 105,
  });
  const before = (await op.get('/api/missed-calls/report?from=2026-11-23&to=2026-11-23')).json();
  t.match(before, { missedCalls: 0, tasks: 0, callbackRate: null });
});
