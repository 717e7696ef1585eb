import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { root } from '../scripts/harness/cluster.ts';
import { buildApp } from '../server/app.ts';
import { AliasIndex, parseAliasCsv, recognizePlaceNames } from '../server/core/aliases.ts';
import { signIn, testApp, type Client, type TestApp } from './support/app.ts';
import { tianjinClassifier } from './support/classifier.ts';

const run = promisify(execFile);

// Real communities of the Tianjin tree.
const CHENGHOULI = '120102001001'; // 河东区 大王庄街道 诚厚里社区
const HUAYUANLU = '120101001001'; // 和平区 劝业场街道 花园路社区
const NOISE = '楼上邻居半夜跺脚，太吵了'; // env.neighbour_noise, owned by the community

t.test('the recogniser finds estate, building, landmark and address names', async (t) => {
  const cases: [string, string[]][] = [
    ['我住在阳光小区3号楼，楼道灯坏了', ['阳光小区']],
    ['河东区阳光小区门口有人占道', ['阳光小区']],
    ['住在诚厚里，垃圾没人收', ['诚厚里']],
    ['地址：南京路１２０号的海河大厦', ['南京路120号', '海河大厦']],
    ['万科城市花园三期停水', ['万科城市花园']],
    ['天塔湖苑和金泰公寓之间', ['天塔湖苑', '金泰公寓']],
    ['海河广场广场舞太吵', ['海河广场']],
  ];
  for (const [text, names] of cases) t.same(recognizePlaceNames(text), names, text);
});

t.test('the recogniser ignores ordinary words and descriptions', async (t) => {
  for (const text of [
    '昨天夜里楼上吵',
    '这里的路灯不亮',
    '我家里漏水，屋里都是水',
    '那里和哪里都一样，心里着急',
    '离这3公里有个工地',
    '我们小区停水',
    '这个小区物业不管',
    '老旧小区改造',
    '诚厚里社区的居民反映', // the official name: already known to the tree
    '我知道120号',
  ]) {
    t.same(recognizePlaceNames(text), [], text);
  }
});

t.test('the civil-affairs list: header by name, refused lines with their reason', async (t) => {
  const { rows, refused } = parseAliasCsv('\uFEFF区划代码,名称\r\n120102001001,翠湖雅苑\r\n120102001001,X\r\nabc,金泰大厦\r\n\r\n');
  t.same(rows, [{ line: 2, name: '翠湖雅苑', areaCode: CHENGHOULI }]);
  t.same(
    refused.map((r) => r.line),
    [3, 4],
  );
  t.match(refused[0]!.reason, /名称长度/);
  t.match(refused[1]!.reason, /区划代码格式/);
  t.throws(() => parseAliasCsv('name,code\n'), /名称/);
});

t.test('an alias resolves like an official name of its community', async (t) => {
  const base = await tianjinClassifier();
  t.equal(base.classify(`翠湖雅苑${NOISE}`).area, null, 'unknown without the alias');
  const c = base.with({
    aliases: new AliasIndex([
      { name: '翠湖雅苑', areaCode: CHENGHOULI },
      { name: '海棠花园', areaCode: CHENGHOULI },
      { name: '海棠花园', areaCode: HUAYUANLU },
    ]),
  });
  const r = c.classify(`翠湖雅苑${NOISE}`);
  t.equal(r.area?.code, CHENGHOULI);
  t.equal(r.unit?.id, CHENGHOULI);
  t.equal(r.autoDispatch, true, 'the community owns the matter and the place is certain');
  t.same(
    r.explanation.find((e) => e.rule === 'area:alias'),
    { rule: 'area:alias', matched: ['翠湖雅苑'] },
  );
  t.equal(c.classify(`河东区翠湖雅苑${NOISE}`).area?.code, CHENGHOULI, 'the district agrees');
  const against = c.classify(`南开区翠湖雅苑${NOISE}`);
  t.equal(against.area?.code, '120104', 'a district that disagrees wins over the alias');
  t.equal(against.autoDispatch, false);

  const two = c.classify(`海棠花园${NOISE}`);
  t.equal(two.area, null);
  t.same(
    two.candidates.map((x) => x.code),
    [HUAYUANLU, CHENGHOULI],
  );
  t.equal(two.autoDispatch, false, 'an alias of two places is never dispatched by itself');
  t.ok(two.explanation.some((e) => e.rule === 'area:ambiguous'));
  t.equal(c.classify(`和平区海棠花园${NOISE}`).area?.code, HUAYUANLU, 'the district picks one of the two');
});

/** An order the rules cannot place (or placed by hand), accepted and sent to `unitId` by a dispatcher; its id. */
async function sendTo(d: Client, content: string, unitId: string, areaCode?: string): Promise<number> {
  // An area chosen at the desk keeps the rules from dispatching it themselves.
  const order = (await d.post('/api/orders', { channel: 'phone', content, ...(areaCode ? { areaCode } : {}) })).json();
  if (order.status !== 'received') throw new Error(`expected a received order, got ${order.status}`);
  await d.post(`/api/orders/${order.id}/actions/accept`);
  const sent = await d.post(`/api/orders/${order.id}/actions/dispatch`, { unitId });
  if (sent.statusCode !== 200) throw new Error(`dispatch failed: ${sent.body}`);
  return order.id as number;
}

const votes = (h: TestApp, name: string) =>
  h.db.sql<{ order_id: string; area_code: string }[]>`
    select order_id, area_code from place_alias_votes where name = ${name} order by order_id`;
const aliasRows = (h: TestApp, name: string) =>
  h.db.sql<{ area_code: string; source: string }[]>`
    select area_code, source from place_aliases where name = ${name} order by area_code`;

t.test('an alias is learned after aliasVotes agreeing dispatches, then dispatches by itself', async (t) => {
  const h = await testApp(t);
  const d = await signIn(h, ['operator', 'dispatcher']);
  t.equal(h.app.classifier.rules.aliasVotes, 3, 'the rules say three');
  for (let i = 1; i <= 3; i++) {
    await sendTo(d, `翠湖雅苑${i}号楼${NOISE}`, CHENGHOULI);
    await h.app.understanding.refresh();
    const r = h.app.classifier.classify(`翠湖雅苑${NOISE}`);
    if (i < 3) t.equal(r.area, null, `not yet after ${i}`);
    else t.equal(r.area?.code, CHENGHOULI, 'learned after three');
  }
  t.same(await aliasRows(h, '翠湖雅苑'), [{ area_code: CHENGHOULI, source: 'learned' }]);

  const order = (await d.post('/api/orders', { channel: 'web', content: `翠湖雅苑${NOISE}` })).json();
  t.equal(order.status, 'dispatched', 'a new order dispatches itself');
  t.equal(order.currentUnitId, CHENGHOULI);
  const [stored] = await h.db.sql<{ classification: { explanation: { rule: string; matched: string[] }[] } }[]>`
    select classification from orders where id = ${order.id}`;
  t.same(
    stored!.classification.explanation.find((e) => e.rule === 'area:alias'),
    { rule: 'area:alias', matched: ['翠湖雅苑'] },
  );
});

t.test('a contested name: its learned alias goes, and it resolves only to candidates', async (t) => {
  const h = await testApp(t);
  const d = await signIn(h, ['operator', 'dispatcher']);
  for (let i = 0; i < 3; i++) await sendTo(d, `翠湖雅苑${NOISE}`, CHENGHOULI);
  t.same(await aliasRows(h, '翠湖雅苑'), [{ area_code: CHENGHOULI, source: 'learned' }], 'learned');
  await sendTo(d, `翠湖雅苑${NOISE}`, HUAYUANLU, HUAYUANLU);
  t.same(await aliasRows(h, '翠湖雅苑'), [], 'the learned row is gone');
  await h.app.understanding.refresh();
  const r = h.app.classifier.classify(`翠湖雅苑${NOISE}`);
  t.equal(r.area, null);
  t.same(
    r.candidates.map((c) => c.code),
    [HUAYUANLU, CHENGHOULI],
  );
  t.equal(r.autoDispatch, false);
  const order = (await d.post('/api/orders', { channel: 'web', content: `翠湖雅苑${NOISE}` })).json();
  t.equal(order.status, 'received', 'left to the dispatcher');
});

t.test('a re-dispatch replaces its order vote: a correction, never a second vote', async (t) => {
  const h = await testApp(t);
  const d = await signIn(h, ['operator', 'dispatcher']);
  const id = await sendTo(d, `金泰大厦${NOISE}`, HUAYUANLU);
  t.same(await votes(h, '金泰大厦'), [{ order_id: String(id), area_code: HUAYUANLU }]);
  const again = await d.post(`/api/orders/${id}/actions/redispatch`, { unitId: CHENGHOULI });
  t.equal(again.statusCode, 200, 'redispatched');
  t.same(await votes(h, '金泰大厦'), [{ order_id: String(id), area_code: CHENGHOULI }], 'moved, not added');
  // Two more orders agree with the corrected vote: three in all, none elsewhere.
  await sendTo(d, `金泰大厦${NOISE}`, CHENGHOULI);
  await sendTo(d, `金泰大厦${NOISE}`, CHENGHOULI);
  t.same(await aliasRows(h, '金泰大厦'), [{ area_code: CHENGHOULI, source: 'learned' }]);
  // Sent to a street instead: the order says nothing of a community any more.
  const street = await d.post(`/api/orders/${id}/actions/redispatch`, { unitId: '120102001' });
  t.equal(street.statusCode, 200, 'redispatched to the street');
  t.equal((await votes(h, '金泰大厦')).length, 2);
  t.same(await aliasRows(h, '金泰大厦'), [], 'two votes are below the threshold again');
});

const script = path.join(root, 'scripts/import-aliases.ts');
const importFile = (url: string, file: string) =>
  run(process.execPath, ['--import', 'tsx', script, file], { cwd: root, env: { ...process.env, DATABASE_URL: url } });

t.test('import: counts, idempotent, refused lines; every instance refreshes', async (t) => {
  const h = await testApp(t);
  const url = (h.db as unknown as { url: string }).url;
  const other = await buildApp({ databaseUrl: url, clock: h.clock });
  t.teardown(() => other.close());
  const fixture = path.join(root, 'test/fixtures/aliases.csv');

  const refreshed = Promise.all([h.app.understanding.whenRefreshed(), other.understanding.whenRefreshed()]);
  const first = await importFile(url, fixture);
  t.match(first.stdout, /新增 4 条，已存在 1 条，拒绝 3 条/);
  t.match(first.stdout, /第 7 行：区划代码不存在：120999999999/);
  t.match(first.stdout, /第 8 行：名称长度/);
  t.match(first.stdout, /第 9 行：区划代码格式不对/);
  await refreshed;
  for (const app of [h.app, other]) {
    const sure = app.classifier.classify(`翠湖雅苑${NOISE}`);
    t.equal(sure.area?.code, CHENGHOULI);
    t.equal(sure.autoDispatch, true);
    const two = app.classifier.classify(`海棠花园${NOISE}`);
    t.same(
      two.candidates.map((c) => c.code),
      [HUAYUANLU, CHENGHOULI],
      'an imported alias of two communities gives candidates',
    );
    t.equal(two.autoDispatch, false);
  }

  const second = await importFile(url, fixture);
  t.match(second.stdout, /新增 0 条，已存在 5 条，拒绝 3 条/);
  t.same(await aliasRows(h, '海棠花园'), [
    { area_code: HUAYUANLU, source: 'imported' },
    { area_code: CHENGHOULI, source: 'imported' },
  ]);

  const missing = await importFile(url, path.join(root, 'test/fixtures/no-such-aliases.csv')).catch(
    (err: { code: number; stderr: string }) => err,
  );
  t.not((missing as { code: number }).code, 0, 'exits non-zero');
  t.match((missing as { stderr: string }).stderr, /^无法读取文件 .*no-such-aliases\.csv：ENOENT\n$/);
});

t.test('an imported alias contested by dispatches becomes ambiguous, and the other instance hears of it', async (t) => {
  const h = await testApp(t);
  const url = (h.db as unknown as { url: string }).url;
  const other = await buildApp({ databaseUrl: url, clock: h.clock });
  t.teardown(() => other.close());
  const d = await signIn(h, ['operator', 'dispatcher']);
  await h.db.sql`insert into place_aliases (name, area_code, source) values ('金泰大厦', ${CHENGHOULI}, 'imported')`;
  await other.understanding.refresh();
  t.equal(other.classifier.classify(`金泰大厦${NOISE}`).area?.code, CHENGHOULI);

  // One dispatcher agrees with the list, another sends such an order elsewhere: contested.
  await sendTo(d, `金泰大厦${NOISE}`, CHENGHOULI, CHENGHOULI);
  await sendTo(d, `金泰大厦${NOISE}`, HUAYUANLU, HUAYUANLU);
  // Wait on the other instance's refreshes (set off by the notices), not on a timer.
  while (other.classifier.classify(`金泰大厦${NOISE}`).area) await other.understanding.whenRefreshed();
  const r = other.classifier.classify(`金泰大厦${NOISE}`);
  t.equal(r.area, null, 'no longer one place');
  t.same(
    r.candidates.map((c) => c.code),
    [HUAYUANLU, CHENGHOULI],
  );
  t.equal(r.autoDispatch, false);
  t.same(await aliasRows(h, '金泰大厦'), [{ area_code: CHENGHOULI, source: 'imported' }], 'the imported row stays');
});
