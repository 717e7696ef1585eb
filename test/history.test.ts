import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { connect } from '../db/client.ts';
import { TRAINING_LOCK } from '../db/queries/training.ts';
import { importHistory } from '../scripts/import-history.ts';
import { root } from '../scripts/harness/cluster.ts';
import { buildApp } from '../server/app.ts';
import { trainModelIfDue } from '../server/jobs/trainer.ts';
import { loadRules } from '../server/rules/load.ts';
import { dispatchedTo, signIn, TestClock, testApp, testDatabase } from './support/app.ts';

const categories = new Set(loadRules().categories.map((c) => c.code));
const fixture = (name: string) => path.join(root, 'test/fixtures', name);
/** node-cron needs a schedule; this one (1 January, midnight) never comes while a test runs: the tests run the step by hand. */
const NEVER = '0 0 1 1 *';

/** Resolves at the app's next refresh of what it has learned. */
const nextRefresh = (app: FastifyInstance) =>
  new Promise<void>((resolve) => {
    const off = app.understanding.onRefresh(() => {
      off();
      resolve();
    });
  });

t.test('import: counts, a second import adds nothing, bad lines named by line and field', async (t) => {
  const db = await testDatabase(t);
  const first = await importHistory(db.sql, fixture('history.jsonl'), { categories, batch: 32 });
  t.same(first, { lines: 80, inserted: 80, duplicates: 0, refused: [] });
  const again = await importHistory(db.sql, fixture('history.jsonl'), { categories });
  t.same(again, { lines: 80, inserted: 0, duplicates: 80, refused: [] }, 'the keys are the lines’ content');

  const bad = await importHistory(db.sql, fixture('history-bad.jsonl'), { categories });
  t.equal(bad.lines, 7);
  t.equal(bad.inserted, 1, 'the good line');
  t.equal(bad.duplicates, 1, 'the same line with its keys in another order');
  t.same(
    bad.refused.map((r) => [r.line, r.field]),
    [
      [2, 'json'],
      [3, 'text'],
      [4, 'categoryCode'],
      [6, 'areaCode'],
    ],
  );
  t.match(bad.refused[2]!.reason, /lost\.cat/);
  const [counts] =
    await db.sql`select count(*)::int as n, count(*) filter (where source = 'import')::int as imported from training_examples`;
  t.same(counts, { n: 81, imported: 81 });
});

t.test('the command: imports, reports the refused lines, trains and stores a model', async (t) => {
  const db = await testDatabase(t);
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/import-history.ts', fixture('history-bad.jsonl')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url },
  });
  const failed = await run.then(
    () => null,
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
  t.ok(failed, 'refused lines make the exit code non-zero');
  t.equal(failed!.code, 1);
  t.match(failed!.stderr, /history-bad\.jsonl:4: categoryCode: unknown category "lost\.cat"/);
  t.match(failed!.stdout, /7 lines: 1 examples imported, 1 already there, 4 refused/);
  t.match(failed!.stdout, /model \d+ trained on 1 examples/);
  const models = await db.sql`select example_count from classifier_models`;
  t.same(
    models.map((m) => m.example_count),
    [1],
  );
});

t.test('two instances on one database: one trains, both serve the new model', async (t) => {
  const db = await testDatabase(t);
  const clock = new TestClock();
  const a = await buildApp({ db, clock, trainSchedule: NEVER });
  t.teardown(() => a.close());
  const otherPool = connect(db.url, { max: 4 });
  t.teardown(() => otherPool.close());
  const b = await buildApp({ db: otherPool, clock, trainSchedule: NEVER });
  t.teardown(() => b.close());
  t.equal(a.classifier.extras.model, null, 'no model before any history');

  await importHistory(db.sql, fixture('history.jsonl'), { categories });
  const refreshed = Promise.all([nextRefresh(a), nextRefresh(b)]);
  const [ra, rb] = await Promise.all([a.trainer.run(), b.trainer.run()]);
  t.same([ra!.trained, rb!.trained].sort(), [false, true], 'exactly one of the two trained');
  const [models] = await db.sql`select count(*)::int as n, max(example_count) as examples from classifier_models`;
  t.same(models, { n: 1, examples: 80 });
  await refreshed;
  for (const app of [a, b]) {
    const p = app.classifier.extras.model!.predict('我家暖气一点也不热');
    t.equal(p?.code, 'utility.heating', 'each instance predicts with the new model');
  }
  t.same(await a.trainer.run(), { trained: false, reason: 'up_to_date' }, 'nothing new: nothing trained');

  // While another instance holds the training lock, a step leaves at once.
  await db.sql`insert into training_examples (key, source, text, category_code) values ('t:1', 'import', '路灯坏了', 'urban.street_light')`;
  await otherPool.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${TRAINING_LOCK})`;
    t.same(await trainModelIfDue(db.sql, clock.now()), { trained: false, reason: 'busy' });
  });
  const trained = await trainModelIfDue(db.sql, clock.now());
  t.ok(trained.trained, 'once the lock is free');
});

t.test('old models: the last three are kept', async (t) => {
  const db = await testDatabase(t);
  const at = new Date('2026-11-24T02:00:00Z');
  for (let i = 0; i < 5; i++) {
    await db.sql`insert into training_examples (key, source, text, category_code) values (${`t:${i}`}, 'import', ${`暖气不热${i}`}, 'utility.heating')`;
    t.ok((await trainModelIfDue(db.sql, at)).trained);
  }
  const rows = await db.sql`select example_count from classifier_models order by id`;
  t.same(
    rows.map((r) => r.example_count),
    [3, 4, 5],
  );
});

t.test('改分类: a dispatcher corrects the category, and the model learns it', async (t) => {
  const h = await testApp(t, { trainSchedule: NEVER });
  await importHistory(h.db.sql, fixture('history.jsonl'), { categories });
  let refreshed = nextRefresh(h.app);
  await h.app.trainer.run();
  await refreshed;
  const text = '共享单车乱停在小区门口，把路都堵住了';
  const before = h.app.classifier.extras.model!.predict('小区门口的共享单车乱停乱放');
  t.not(before?.code, 'urban.shared_bike', `before: ${before?.code} (the history has no shared bikes)`);

  const desk = await signIn(h, ['dispatcher']);
  const order = (await desk.post('/api/orders', { channel: 'phone', content: text, categoryCode: 'traffic.parking' })).json();
  const unknown = await desk.post(`/api/orders/${order.id}/actions/reclassify`, { categoryCode: 'no.such' });
  t.equal(unknown.statusCode, 422);
  t.same([unknown.json().code, unknown.json().field], ['UNKNOWN_CATEGORY', 'categoryCode']);
  const same = await desk.post(`/api/orders/${order.id}/actions/reclassify`, { categoryCode: 'traffic.parking' });
  t.same([same.statusCode, same.json().code], [422, 'CATEGORY_UNCHANGED']);
  const handler = await signIn(h, ['handler'], '120102');
  t.equal((await handler.post(`/api/orders/${order.id}/actions/reclassify`, { categoryCode: 'urban.shared_bike' })).statusCode, 404);

  const res = await desk.post(`/api/orders/${order.id}/actions/reclassify`, { categoryCode: 'urban.shared_bike', note: '应为共享单车' });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().order.categoryCode, 'urban.shared_bike');
  t.same(res.json().event.payload, { fromCategoryCode: 'traffic.parking', categoryCode: 'urban.shared_bike' });
  t.equal(res.json().event.toStatus, res.json().event.fromStatus, 'the status stays');
  const [example] = await h.db.sql`select key, source, category_code, order_id from training_examples where source = 'correction'`;
  t.same(example, {
    key: `correction:${res.json().event.id}`,
    source: 'correction',
    category_code: 'urban.shared_bike',
    order_id: order.id,
  });

  refreshed = nextRefresh(h.app);
  t.ok((await h.app.trainer.run())?.trained, 'the job trains on the correction');
  await refreshed;
  const after = h.app.classifier.extras.model!.predict('小区门口的共享单车乱停乱放');
  t.equal(after?.code, 'urban.shared_bike', 'a similar text now gets the corrected category');
  t.ok(
    after!.evidence.some((g) => g.includes('单车')),
    `evidence: ${after!.evidence.join(' ')}`,
  );
});

t.test('退单 as not ours, then dispatched elsewhere: an example of the last unit', async (t) => {
  const h = await testApp(t);
  const desk = await signIn(h, ['operator', 'dispatcher']);
  const district = await signIn(h, ['handler'], '120102');
  const examples = () => h.db.sql`select source, key, unit_id, area_code, category_code from training_examples order by id`;

  const id = await dispatchedTo(desk, '120102');
  t.equal((await district.post(`/api/orders/${id}/actions/return`, { reasonCode: 'not_our_jurisdiction' })).statusCode, 200);
  const sent = await desk.post(`/api/orders/${id}/actions/dispatch`, { unitId: '120103' });
  t.equal(sent.statusCode, 200, sent.body);
  const rows = await examples();
  t.same(rows, [
    { source: 'redispatch', key: `redispatch:${sent.json().event.id}`, unit_id: '120103', area_code: '120103', category_code: 'other' },
  ]);

  // Returned for another reason, sent on again: no example.
  const other = await dispatchedTo(desk, '120102');
  await district.post(`/api/orders/${other}/actions/return`, { reasonCode: 'insufficient_information' });
  await desk.post(`/api/orders/${other}/actions/dispatch`, { unitId: '120103' });
  t.equal((await examples()).length, 1);
});
