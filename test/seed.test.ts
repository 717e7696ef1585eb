import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { testDatabase } from './support/app.ts';
import { root } from '../scripts/harness/cluster.ts';

t.test('npm run seed:demo makes users of every role and orders in every state, once', async (t) => {
  const db = await testDatabase(t);
  const run = () =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed-demo.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: db.url },
      encoding: 'utf8',
    });
  const first = run();
  t.equal(first.status, 0, first.stderr);
  t.match(first.stdout, /demo\.operator\s+\S{12}/, 'passwords are printed');
  const statuses = (await db.sql`select distinct status from orders order by status`).map((r) => r.status);
  t.same(
    statuses,
    ['accepted', 'claimed', 'closed', 'dispatched', 'merged', 'received', 'reopened', 'replied', 'returned', 'transferred_out'].sort(),
  );
  const roles = (await db.sql`select distinct unnest(roles) as role from users order by 1`).map((r) => r.role);
  t.same(roles, ['admin', 'dispatcher', 'handler', 'kb_admin', 'kb_editor', 'operator', 'supervisor']);
  const second = run();
  t.equal(second.status, 0);
  t.match(second.stdout, /already exist/);
  const [{ n }] = (await db.sql`select count(*)::int as n from users where username like 'demo.%'`) as unknown as [{ n: number }];
  t.equal(n, 11, 'a second run adds nobody');
  // The sample knowledge base, every line of its file, published and marked sample; once.
  const lines = readFileSync(new URL('../data/kb/sample.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n').length;
  const [kb] =
    await db.sql`select count(*)::int as n, bool_and(sample) as sample, count(*) filter (where status = 'published')::int as published from kb_entries`;
  t.match(kb, { n: lines, sample: true }, 'the sample knowledge base, marked sample');
  t.ok(kb!.published >= lines - 3, 'published but for those expired (marked by the import as they are)');
});
