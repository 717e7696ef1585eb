/**
 * 查询码: the one-time notice gives the citizen a random code; only its SHA-256 is
 * kept, it opens the tracking page and the rating, and it is nowhere else: not in
 * the order's JSON, not in its events, not in any table, not in the logs.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import t from 'tap';
import { newQueryCode, QUERY_CODE_ALPHABET } from '../server/orders/query-code.ts';
import { signIn, testApp, type TestApp } from './support/app.ts';
import { codeIn } from './support/notice.ts';

const form = {
  name: '刘女士',
  phone: '13912345678',
  content: '河东区大王庄街道诚厚里社区楼上邻居半夜跺脚，噪音太吵了',
  location: '诚厚里社区5号楼',
};
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Every row of every table as text, to look for a string anywhere in the database. */
async function everything(h: TestApp): Promise<string> {
  const tables = await h.db.sql<{ name: string }[]>`
    select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`;
  const out: string[] = [];
  for (const { name } of tables) {
    const rows = await h.db.sql.unsafe(`select t::text as row from "${name}" t`);
    out.push(...rows.map((r) => `${name}: ${r.row}`));
  }
  return out.join('\n');
}

function logged() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { lines, logger: { level: 'trace', stream } as never };
}

t.test('the web receipt gives a random code once; it opens tracking, and is stored only as its SHA-256', async (t) => {
  const log = logged();
  const h = await testApp(t, { logger: log.logger });
  const submit = (key: string, payload = form) =>
    h.app.inject({ method: 'POST', url: '/api/channels/web', payload, headers: { 'idempotency-key': key } });
  const first = await submit('code-form-0001');
  t.equal(first.statusCode, 201);
  const receipt = first.json();
  const code = codeIn(receipt.notice);
  t.ok(code, `the notice gives a code: ${receipt.notice}`);
  t.match(receipt.notice, /只告知这一次/);
  t.match(receipt.notice, /凭工单编号和查询码查询/);
  t.notMatch(receipt.notice, /后四位/, 'the phone is no longer the key');
  const [row] = await h.db.sql`select query_code_hash from orders where number = ${receipt.number}`;
  t.equal(row!.query_code_hash, sha256(code!), 'the database holds the SHA-256, not the code');

  const other = codeIn((await submit('code-form-0002', { ...form, content: `${form.content}，第二件` })).json().notice);
  t.ok(other && other !== code, 'another order, another code');

  t.equal((await h.app.inject(`/api/track/${receipt.number}?code=${code}`)).statusCode, 200, 'the code opens tracking');
  t.equal((await h.app.inject(`/api/track/${receipt.number}?code=${code!.toLowerCase()}`)).statusCode, 200, 'typed in lower case too');
  const wrongCode = await h.app.inject(`/api/track/${receipt.number}?code=${other}`);
  t.same([wrongCode.statusCode, wrongCode.json().code], [404, 'ORDER_NOT_FOUND'], "another order's code does not");
  const phone4 = await h.app.inject(`/api/track/${receipt.number}?phone4=5678`);
  t.same([phone4.statusCode, phone4.json().field], [400, 'code'], 'the phone digits open nothing: the code is asked for');
  const short = await h.app.inject(`/api/track/${receipt.number}?code=ABC234`);
  t.same([short.statusCode, short.json().field], [400, 'code']);
  const ratedPhone4 = await h.app.inject({
    method: 'POST',
    url: `/api/track/${receipt.number}/rating`,
    payload: { phone4: '5678', satisfaction: 'satisfied' },
  });
  t.equal(ratedPhone4.statusCode, 400);
  const early = await h.app.inject({
    method: 'POST',
    url: `/api/track/${receipt.number}/rating`,
    payload: { code, satisfaction: 'satisfied' },
  });
  t.equal(early.statusCode, 409, 'the code reaches the rating (which waits for a reply)');

  // The code is in the receipt, and nowhere else.
  const desk = await signIn(h, ['operator', 'supervisor']);
  const [{ id }] = (await h.db.sql`select id from orders where number = ${receipt.number}`) as unknown as [{ id: number }];
  const urged = await desk.post(`/api/orders/${id}/actions/urge`, { note: '请尽快处理' });
  t.equal(urged.statusCode, 200, 'an action answers with the order');
  const seen = [
    (await desk.get(`/api/orders/${id}?reveal=phone`)).body,
    (await desk.get(`/api/orders/${receipt.number}`)).body,
    (await desk.get('/api/orders')).body,
    (await desk.get(`/api/orders/${id}/timeline`)).body,
    urged.body,
    (await h.app.inject(`/api/track/${receipt.number}?code=${code}`)).body,
  ].join('\n');
  t.notMatch(seen, code!, 'not in the order, the list, the timeline or the tracking page');
  t.notMatch(seen, sha256(code!), 'nor its hash');
  t.notMatch(seen, /queryCode|query_code/);
  t.notMatch(await everything(h), new RegExp(`${code}|${code!.toLowerCase()}`), 'not in any table');
  const logs = log.lines.join('');
  t.match(logs, new RegExp(`"url":"/api/track/${receipt.number}"`), 'the tracking requests were logged, by their path');
  t.notMatch(logs, new RegExp(`${code}|${code!.toLowerCase()}`, 'i'), 'not in the logs');
});

t.test("the desk's creation answer carries the code in its notice; a retry cannot show it again", async (t) => {
  const h = await testApp(t);
  const op = await signIn(h, ['operator']);
  const complaint = { channel: 'phone', content: '河东区大王庄街道路灯不亮，晚上很黑', citizenPhone: '13812345678' };
  const key = { 'idempotency-key': 'desk-code-0001' };
  const made = await op.post('/api/orders', complaint, key);
  t.equal(made.statusCode, 201);
  const { notice, ...order } = made.json();
  const code = codeIn(notice);
  t.ok(code, `the notice the operator reads out gives a code: ${notice}`);
  t.notMatch(JSON.stringify(order), code!, 'the order itself does not carry it');

  const again = await op.post('/api/orders', complaint, key);
  t.equal(again.statusCode, 200);
  t.equal(again.json().number, order.number);
  t.equal(codeIn(again.json().notice), undefined, 'the retry gives no code');
  t.notMatch(again.json().notice, code!);
  t.match(again.json().notice, /查询码已在首次登记时告知/, 'and says where it was given');
  t.match(again.json().notice, new RegExp(`工单编号 ${order.number}`), 'the rest of the notice is still there');
  t.equal((await h.app.inject(`/api/track/${order.number}?code=${code}`)).statusCode, 200, 'the first code still opens it');
  const [{ n }] = (await h.db.sql`select count(distinct query_code_hash)::int as n from orders`) as unknown as [{ n: number }];
  t.equal(n, 1, 'the retry did not replace the code');
});

t.test('an order from before query codes cannot be opened by any code, and answers as a wrong code does', async (t) => {
  const h = await testApp(t);
  const receipt = (
    await h.app.inject({ method: 'POST', url: '/api/channels/web', payload: form, headers: { 'idempotency-key': 'legacy-0001' } })
  ).json();
  const code = codeIn(receipt.notice)!;
  await h.db.sql`update orders set query_code_hash = null where number = ${receipt.number}`;
  const legacy = await h.app.inject(`/api/track/${receipt.number}?code=${code}`);
  const missing = await h.app.inject(`/api/track/${receipt.number.replace(/\d{6}$/, '999999')}?code=${code}`);
  t.equal(legacy.statusCode, 404);
  t.same(legacy.json().code, missing.json().code);
  t.equal(
    legacy.json().message.replace(receipt.number, 'N'),
    missing.json().message.replace(/12345-\d{8}-\d{6}/, 'N'),
    'no oracle: the same message',
  );
  const [budget] = await h.db.sql`select failures from failure_budgets where scope = 'track' and key = ${receipt.number}`;
  t.equal(budget!.failures, 1, 'and the try counts against the budget');
});

t.test('codes are drawn from the whole unambiguous alphabet, eight at a time', async (t) => {
  const codes = Array.from({ length: 2000 }, newQueryCode);
  t.ok(
    codes.every((c) => /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/.test(c)),
    'eight characters, none of 0 O 1 I L',
  );
  t.equal(new Set(codes).size, codes.length, 'no two alike');
  t.equal(new Set(codes.join('')).size, QUERY_CODE_ALPHABET.length, 'every character of the alphabet is used');
});
