// 答复质检 through the API: the check before sending, a reply refused with its findings,
// one sent anyway with a reason (and both kept), and who may ask.
import t, { type Test } from 'tap';
import { signIn, testApp } from './support/app.ts';

const STREET = '120102001';

async function claimed(t: Test) {
  const h = await testApp(t);
  const [desk, street, other] = await Promise.all([
    signIn(h, ['operator', 'dispatcher']),
    signIn(h, ['handler'], STREET),
    signIn(h, ['handler'], '120103'),
  ]);
  const order = (
    await desk.post('/api/orders', {
      channel: 'phone',
      content: '华丰路的路灯坏了一个星期，晚上黑漆漆的',
      citizenPhone: '13912345678',
      categoryCode: 'urban.street_light',
      areaCode: '120102001001',
    })
  ).json();
  await desk.post(`/api/orders/${order.id}/actions/accept`);
  t.equal((await desk.post(`/api/orders/${order.id}/actions/dispatch`, { unitId: STREET })).statusCode, 200);
  t.equal((await street.post(`/api/orders/${order.id}/actions/claim`)).statusCode, 200);
  return { h, street, other, id: order.id as number };
}

t.test('the check before sending names each finding; a good reply has none', async (t) => {
  const { street, id } = await claimed(t);
  const bad = await street.post(`/api/orders/${id}/reply-check`, { text: '已收悉，谢谢' });
  t.equal(bad.statusCode, 200);
  const checks = bad.json().findings.map((f: { check: string }) => f.check);
  t.ok(checks.includes('too_short') && checks.includes('no_action'), `found: ${checks}`);
  t.match(bad.json().findings[0], { label: String, message: String });
  const good = await street.post(`/api/orders/${id}/reply-check`, { text: '经现场核实，华丰路路灯线路老化，已更换线路，路灯已恢复照明。' });
  t.same(good.json().findings, []);
  t.equal((await street.post(`/api/orders/${id}/reply-check`, {})).json().field, 'text', 'bad input names the field');
});

t.test('a failing reply is refused with its findings and writes nothing; with a reason it is sent and both are kept', async (t) => {
  const { h, street, id } = await claimed(t);
  const refused = await street.post(`/api/orders/${id}/actions/reply`, { text: '已处理' });
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().code, 'REPLY_CHECK_FAILED');
  t.equal(refused.json().field, 'text');
  t.match(refused.json().message, /答复只有 3 个字/);
  const [still] = await h.db.sql`select status, reply_text from orders where id = ${id}`;
  t.same(still, { status: 'claimed', reply_text: null }, 'nothing written');

  const sent = await street.post(`/api/orders/${id}/actions/reply`, { text: '已处理', qualityReason: '市民来电要求简短答复' });
  t.equal(sent.statusCode, 200);
  t.same(sent.json().event.payload.quality, { findings: ['too_short', 'off_matter'], reason: '市民来电要求简短答复' });
});

t.test('a reply that passes records that it passed', async (t) => {
  const { street, id } = await claimed(t);
  const sent = await street.post(`/api/orders/${id}/actions/reply`, {
    text: '经现场核实，华丰路路灯线路老化，已更换线路，路灯已恢复照明。',
  });
  t.equal(sent.statusCode, 200);
  t.same(sent.json().event.payload.quality, { findings: [], reason: null });
});

t.test('only the one who may send the reply may check it', async (t) => {
  const { other, id } = await claimed(t);
  t.equal((await other.post(`/api/orders/${id}/reply-check`, { text: '已更换华丰路路灯线路' })).statusCode, 404, 'out of sight');
});
