/** The live feed over WebSocket, as a browser speaks it. */
import t from 'tap';
import { buildApp } from '../server/app.ts';
import { STAGES, stageAction } from '../server/core/deadlines.ts';
import { typeOf } from '../server/plugins/live.ts';
import { dispatchedTo, signIn, testApp, type TestApp } from './support/app.ts';
import { liveSocket, type Socket } from './support/sockets.ts';

/** A client socket that keeps every message it receives (test/support/sockets.ts), closed with the app. */
const connect = (app: TestApp['app'], token: string | null) => liveSocket(null, app, token);
const subscribe = (inbox: Socket, sub: object) => inbox.subscribe(sub);

t.test('the wire type of an audit action follows the core’s ladder', async (t) => {
  t.same(
    STAGES.map((s) => typeOf(stageAction(s))),
    ['sla.warning', 'sla.warning', 'sla.overdue', 'sla.escalated', 'sla.escalated'],
    'each stage the sweeper records, by its stage',
  );
  t.equal(typeOf('create'), 'order.created');
  for (const action of ['claim', 'urge', 'sla_unknown']) t.equal(typeOf(action), 'order.updated', `${action} is an update`);
});

t.test('a supervisor sees orders arrive in the unit’s subtree, and nothing outside it', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const hedong = await signIn(h, ['supervisor'], '120102');
  const hexi = await signIn(h, ['supervisor'], '120103');
  const a = await connect(h.app, hedong.token);
  const b = await connect(h.app, hexi.token);
  t.teardown(() => (a.ws.terminate(), b.ws.terminate()));
  t.equal((await subscribe(a, { topic: 'unit', unit: '120102' })).type, 'subscribed');
  t.equal((await subscribe(b, { topic: 'unit', unit: '120102' })).type, 'error', 'another district may not watch this one');
  await subscribe(b, { topic: 'unit', unit: '120103' });
  const id = await dispatchedTo(desk, '120102001');
  const got = await a.next((m) => m.action === 'dispatch', 'the dispatch');
  t.equal(got.type, 'order.updated');
  t.equal(got.order.id, id);
  t.equal(got.order.currentUnitId, '120102001');
  t.ok(got.eventId > 0);
  t.notOk('ancestors' in got, 'no internal fields on the wire');
  // A later step for Hexi reaches b, which proves b was listening all along.
  await dispatchedTo(desk, '120103');
  await b.next((m) => m.action === 'dispatch', 'hexi dispatch');
  t.notOk(
    b.messages.some((m) => m.order?.id === id),
    'the other district never saw the Hedong order',
  );
});

t.test('a client that reconnects with its last event id gets what it missed, in order', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const sup = await signIn(h, ['supervisor'], '120102');
  const first = await connect(h.app, sup.token);
  await subscribe(first, { topic: 'unit', unit: '120102' });
  const id = await dispatchedTo(desk, '120102');
  const seen = await first.next((m) => m.action === 'dispatch', 'dispatch');
  first.ws.terminate();
  const handler = await signIn(h, ['handler'], '120102');
  await handler.post(`/api/orders/${id}/actions/claim`);
  await handler.post(`/api/orders/${id}/actions/reply`, { text: '已派维修班组到现场修复路灯，恢复照明' });
  const again = await connect(h.app, sup.token);
  t.teardown(() => again.ws.terminate());
  const ack = await subscribe(again, { topic: 'unit', unit: '120102', lastEventId: seen.eventId });
  t.equal(ack.type, 'subscribed');
  const missed = again.messages.filter((m) => m.eventId).map((m) => m.action);
  t.same(missed, ['claim', 'reply'], 'exactly the missed events, in order');
  t.equal(ack.lastEventId, again.messages.filter((m) => m.eventId).at(-1)!.eventId);
});

t.test('a change made through one instance reaches the clients of another', async (t) => {
  const h = await testApp(t);
  const other = await buildApp({ db: h.db, clock: h.clock });
  t.teardown(() => other.close());
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const sup = await signIn(h, ['supervisor'], '120102');
  const inbox = await connect(other, sup.token);
  t.teardown(() => inbox.ws.terminate());
  await subscribe(inbox, { topic: 'unit', unit: '120102' });
  const id = await dispatchedTo(desk, '120102'); // through instance A
  t.equal((await inbox.next((m) => m.action === 'dispatch', 'dispatch via B')).order.id, id);
});

t.test('the dispatcher queue, and sockets without a valid token', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['dispatcher']);
  const q = await connect(h.app, desk.token);
  t.teardown(() => q.ws.terminate());
  await subscribe(q, { topic: 'queue' });
  const created = (await desk.post('/api/orders', { channel: 'web', content: '咨询办事流程', categoryCode: 'other' })).json();
  t.equal((await q.next((m) => m.type === 'order.created', 'created')).order.id, created.id);
  const handler = await signIn(h, ['handler'], '120102');
  const hq = await connect(h.app, handler.token);
  t.teardown(() => hq.ws.terminate());
  t.equal((await subscribe(hq, { topic: 'queue' })).type, 'error');
  hq.ws.send(JSON.stringify({ type: 'subscribe', topic: 'order', orderId: 'x' }));
  await hq.next((m) => m.type === 'error' && /orderId/.test(m.message), 'a malformed subscription, named by its field');
  const bad = await connect(h.app, null);
  t.teardown(() => bad.ws.terminate()); // the in-memory stream never ends by itself
  bad.ws.send(JSON.stringify({ type: 'auth', token: 'x'.repeat(43) }));
  t.equal(await bad.closed, 4401);
});

t.test('a client that stops reading is dropped with 4008 and does not hold the others back', async (t) => {
  const h = await testApp(t, { live: { heartbeatMs: 500 } });
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const id = await dispatchedTo(desk, '120102');
  const slow = await connect(h.app, desk.token);
  const fast = await connect(h.app, desk.token);
  t.teardown(() => (slow.ws.terminate(), fast.ws.terminate()));
  await subscribe(slow, { topic: 'order', orderId: id });
  await subscribe(fast, { topic: 'order', orderId: id });
  // The slow client's process stops reading its socket, pings included.
  const slowSocket = (slow.ws as unknown as { _socket: import('node:net').Socket })._socket;
  slowSocket.pause();
  const burst = 3000;
  await h.db.sql`
    insert into order_events (order_id, at, actor, action, from_status, to_status, unit_id, reason)
    select ${id}, now(), 'supervisor', 'urge', 'dispatched', 'dispatched', '120102', '第' || n || '次催办'
    from generate_series(1, ${burst}) n`;
  let urges = 0;
  await fast.next((m) => m.action === 'urge' && ++urges === burst, 'the whole burst', 60_000);
  t.pass('the reading client got every event while the other was stuck');
  // Wait (bounded) until the server has given up on the stuck client, then let it read.
  const serverSide = [...h.app.websocketServer.clients];
  for (let i = 0; i < 100 && serverSide.every((s) => s.readyState === s.OPEN); i++) await new Promise((r) => setTimeout(r, 100));
  slowSocket.resume();
  t.equal(await slow.closed, 4008, 'the stuck client was closed as a slow consumer');
  t.equal(fast.ws.readyState, fast.ws.OPEN, 'the reading client stays connected');
});
