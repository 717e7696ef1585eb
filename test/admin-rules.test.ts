/**
 * The admin page's reads: the state of the rules the running service loaded (with the
 * rules:check result) and the unit tree one level at a time. Admins only.
 */
import t from 'tap';
import { loadKbSynonyms } from '../server/rules/kb-synonyms.ts';
import { loadRules } from '../server/rules/load.ts';
import { signIn, testApp } from './support/app.ts';

t.test('GET /api/admin/rules: the counts of what was loaded and the examples check', async (t) => {
  const h = await testApp(t);
  const admin = await signIn(h, ['admin']);
  const res = await admin.get('/api/admin/rules');
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  // Counted here from the files, independently of the route's own reading of the running classifier.
  const rules = loadRules();
  t.match(body, {
    families: rules.families.length,
    matters: rules.categories.length,
    words: rules.categories.reduce((n, c) => n + c.keywords.length, 0),
    urgencyRules: rules.urgency.length,
    negativeListRules: rules.negativeList.length,
    synonymGroups: loadKbSynonyms().length,
  });
  t.ok(body.matters > 10 && body.words > body.matters, 'a real taxonomy, not an empty one');
  t.equal(
    body.check.examples,
    rules.categories.reduce((n, c) => n + c.examples.length, 0),
    'every example checked',
  );
  t.same([body.check.ok, body.check.missed], [true, []], 'the rules as committed pass rules:check');
  for (const roles of [['operator'], ['supervisor'], ['kb_admin']] as const) {
    t.equal((await (await signIn(h, [...roles])).get('/api/admin/rules')).statusCode, 403, `${roles[0]} may not`);
  }
});

t.test('GET /api/admin/units: the tree a level at a time, names and whether a unit has children', async (t) => {
  const h = await testApp(t);
  const admin = await signIn(h, ['admin']);
  const top = (await admin.get('/api/admin/units')).json().units as { id: string; name: string; leaf: boolean }[];
  t.ok(
    top.some((u) => u.id === 'hotline'),
    'the hotline centre at the top',
  );
  const city = top.find((u) => u.id === '120000');
  t.match(city, { leaf: false });
  const districts = (await admin.get('/api/admin/units?parent=120000')).json().units as { id: string; name: string }[];
  t.match(
    districts.find((u) => u.id === '120102'),
    { name: /河东区/ },
  );
  t.equal((await (await signIn(h, ['dispatcher'])).get('/api/admin/units')).statusCode, 403);
});
