/**
 * 协办 on the live feed: an assisting unit that is not above the lead unit (a district
 * department helping a street) hears the order's events on its own unit's topic, live
 * and on replay; a unit with no part in the order hears nothing of it.
 */
import t from 'tap';
import { dispatchedTo, signIn, testApp } from './support/app.ts';
import { liveSocket } from './support/sockets.ts';

const STREET = '120102001';
const URBAN = '120102:urban';

t.test('the assisting unit follows the order it assists, wherever the lead sits', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const lead = await signIn(h, ['handler'], STREET);
  const helper = await signIn(h, ['handler'], URBAN);
  const stranger = await signIn(h, ['handler'], '120102002');
  const id = await dispatchedTo(desk, STREET);
  await lead.post(`/api/orders/${id}/actions/claim`);

  const live = await liveSocket(t, h.app, helper.token);
  t.match(await live.subscribe({ topic: 'unit', unit: URBAN }), { type: 'subscribed' });
  const other = await liveSocket(t, h.app, stranger.token);
  await other.subscribe({ topic: 'unit', unit: '120102002' });

  t.equal((await lead.post(`/api/orders/${id}/actions/assign_assist`, { unitIds: [URBAN] })).statusCode, 200);
  await live.next((m) => m.action === 'assign_assist' && m.order?.id === id, 'the assignment reaches the assisting unit');
  t.equal((await helper.post(`/api/orders/${id}/actions/assist_claim`)).statusCode, 200);
  const supervisor = await signIn(h, ['supervisor'], '120102');
  await supervisor.post(`/api/orders/${id}/actions/urge`, { note: '请协办单位尽快答复' });
  const urged = await live.next((m) => m.action === 'urge' && m.order?.id === id, 'an urge of the lead reaches the assisting unit');
  t.equal(urged.board.note, '请协办单位尽快答复');

  // A unit with no part in it: the order's events never reach its topic.
  const marker = await dispatchedTo(desk, '120102002');
  await other.next((m) => m.order?.id === marker, 'its own order arrives');
  t.notOk(
    other.messages.some((m) => m.order?.id === id),
    'nothing of the assisted order',
  );

  // On replay, the assisting unit's topic holds the order's events too.
  const later = await liveSocket(t, h.app, helper.token);
  await later.subscribe({ topic: 'unit', unit: URBAN, lastEventId: 0 });
  await later.next((m) => m.action === 'urge' && m.order?.id === id, 'the replay has it');
});
