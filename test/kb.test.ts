/**
 * The knowledge base through its API: entries, versions and rollback, the
 * lifecycle and who may take each step, bad input refused with nothing written,
 * expiry dropping an entry out of search, the in-force filter by area and date,
 * freshness of a second instance's search (kb_changed), and the append-only versions.
 */
import t from 'tap';
import { buildApp } from '../server/app.ts';
import { signIn, testApp, TestClock } from './support/app.ts';

const entry = (over: Record<string, unknown> = {}) => ({
  title: '新生儿参加城乡居民医疗保险怎么办理',
  body: '新生儿出生后可在户籍所在地社区服务中心办理城乡居民医保参保登记，也可在线办理。',
  keywords: ['新生儿参保'],
  synonyms: ['宝宝医保'],
  materialType: 'guide',
  ...over,
});

const patch = (h: Awaited<ReturnType<typeof testApp>>, c: { headers: object }, url: string, payload: object) =>
  h.app.inject({ method: 'PATCH', url, payload, headers: c.headers as Record<string, string> });

t.test(
  'an entry is created as a draft, edited, published, and every change is a version; rollback makes a new version of the old fields',
  async (t) => {
    const h = await testApp(t);
    const team = await signIn(h, ['kb_admin'], 'hotline-kb');
    const created = await team.post('/api/kb/entries', entry());
    t.equal(created.statusCode, 201, created.body);
    const e = created.json();
    t.match(e, { status: 'draft', version: 1, unitId: 'hotline-kb', title: entry().title });
    t.equal(created.headers.location, `/api/kb/entries/${e.id}`);

    const edited = await patch(h, team, `/api/kb/entries/${e.id}`, { body: '改过的答复内容。', version: 1 });
    t.equal(edited.statusCode, 200, edited.body);
    t.match(edited.json(), { version: 2, status: 'draft', body: '改过的答复内容。' });
    const stale = await patch(h, team, `/api/kb/entries/${e.id}`, { body: '第三个说法。', version: 1 });
    t.equal(stale.statusCode, 409);
    t.equal(stale.json().code, 'KB_VERSION_CONFLICT');

    t.match((await team.post(`/api/kb/entries/${e.id}/actions/publish`, {})).json(), { status: 'published', version: 3 });
    // An edit of a published entry returns it to draft for review.
    t.match((await patch(h, team, `/api/kb/entries/${e.id}`, { title: '新生儿医保参保登记' })).json(), { status: 'draft', version: 4 });
    const back = await team.post(`/api/kb/entries/${e.id}/actions/rollback`, { version: 1 });
    t.equal(back.statusCode, 200, back.body);
    t.match(back.json(), { version: 5, status: 'draft', title: entry().title, body: entry().body });
    const none = await team.post(`/api/kb/entries/${e.id}/actions/rollback`, { version: 99 });
    t.equal(none.statusCode, 422);
    t.equal(none.json().field, 'version');

    const versions = (await team.get(`/api/kb/entries/${e.id}/versions`)).json().versions;
    t.same(
      versions.map((v: any) => [v.version, v.change, v.snapshot.status]),
      [
        [1, 'create', 'draft'],
        [2, 'edit', 'draft'],
        [3, 'publish', 'published'],
        [4, 'edit', 'draft'],
        [5, 'rollback', 'draft'],
      ],
    );
    t.equal(versions[1].snapshot.body, '改过的答复内容。');
    t.equal(versions[3].snapshot.title, '新生儿医保参保登记');
    t.ok(versions.every((v: any) => v.actor === `user:${team.viewer.userId}`));
    // Publishing twice, withdrawing a withdrawn entry: refused by the lifecycle.
    await team.post(`/api/kb/entries/${e.id}/actions/publish`, {});
    const again = await team.post(`/api/kb/entries/${e.id}/actions/publish`, {});
    t.equal(again.statusCode, 409);
    t.equal(again.json().code, 'KB_ILLEGAL_CHANGE');
  },
);

t.test(
  'who may do what: editors write their own unit’s drafts; the knowledge team publishes; an admin without a knowledge role may not',
  async (t) => {
    const h = await testApp(t);
    const team = await signIn(h, ['kb_admin'], 'hotline-kb');
    const editor = await signIn(h, ['kb_editor'], 'hotline');
    const otherEditor = await signIn(h, ['kb_editor'], 'hotline-kb');
    const admin = await signIn(h, ['admin']);
    const operator = await signIn(h, ['operator']);

    const mine = await editor.post('/api/kb/entries', entry());
    t.equal(mine.statusCode, 201, mine.body);
    const id = mine.json().id;
    t.equal(mine.json().unitId, 'hotline');
    t.equal((await editor.post('/api/kb/entries', entry({ title: '别的单位的', unitId: 'hotline-kb' }))).statusCode, 403);
    t.equal((await patch(h, editor, `/api/kb/entries/${id}`, { body: '本单位编辑修改草稿。' })).statusCode, 200);
    t.equal(
      (await patch(h, otherEditor, `/api/kb/entries/${id}`, { body: '别的单位的编辑。' })).statusCode,
      404,
      'another unit’s draft is out of sight',
    );
    const publish = await editor.post(`/api/kb/entries/${id}/actions/publish`, {});
    t.equal(publish.statusCode, 403, 'an editor cannot publish');
    t.equal(
      (await admin.post(`/api/kb/entries/${id}/actions/publish`, {})).statusCode,
      404,
      'admin without a kb role: a draft is out of sight',
    );
    t.equal((await admin.post('/api/kb/entries', entry({ title: '管理员' }))).statusCode, 403);
    t.equal((await operator.get(`/api/kb/entries/${id}`)).statusCode, 404, 'a draft is not shown to the desks');

    t.equal((await team.post(`/api/kb/entries/${id}/actions/publish`, {})).statusCode, 200);
    t.equal((await operator.get(`/api/kb/entries/${id}`)).statusCode, 200, 'published: the desks read it');
    t.equal((await patch(h, editor, `/api/kb/entries/${id}`, { body: '编辑改已发布的。' })).statusCode, 403, 'an editor edits drafts only');
    t.equal((await patch(h, team, `/api/kb/entries/${id}`, { body: '知识库组改已发布的。' })).statusCode, 200, 'the team edits any');
    t.equal((await editor.post(`/api/kb/entries/${id}/actions/withdraw`, {})).statusCode, 403);
    await team.post(`/api/kb/entries/${id}/actions/publish`, {});
    // The knowledge base is out of an admin's sight, like an order out of a handler's.
    t.equal((await admin.post(`/api/kb/entries/${id}/actions/withdraw`, {})).statusCode, 404, 'admin without a kb role cannot withdraw');
    t.equal((await admin.post(`/api/kb/entries/${id}/actions/rollback`, { version: 1 })).statusCode, 404);
    t.equal((await editor.post(`/api/kb/entries/${id}/actions/rollback`, { version: 1 })).statusCode, 403);
    t.equal((await admin.get('/api/kb/search?q=医保')).statusCode, 403, 'admin alone may not search');
    t.equal((await operator.get('/api/kb/entries')).statusCode, 403, 'the list is the knowledge roles’');
    const list = (await editor.get('/api/kb/entries?unitId=hotline-kb')).json().entries;
    t.ok(
      list.every((e: any) => e.unitId === 'hotline'),
      'an editor’s list is their unit’s whatever they ask',
    );
  },
);

t.test('bad input is refused naming the field, and nothing is written', async (t) => {
  const h = await testApp(t);
  const team = await signIn(h, ['kb_admin'], 'hotline-kb');
  const count = async () => Number((await h.db.sql`select count(*)::int as n from kb_entries`)[0]!.n);
  const versions = async () => Number((await h.db.sql`select count(*)::int as n from kb_entry_versions`)[0]!.n);
  const cases: [Record<string, unknown>, number, string][] = [
    [{ body: '没有标题' }, 400, 'title'],
    [entry({ title: '' }), 400, 'title'],
    [entry({ title: '长'.repeat(129) }), 400, 'title'],
    [entry({ body: '' }), 400, 'body'],
    [entry({ body: '   ' }), 400, 'body'],
    [entry({ materialType: 'poem' }), 400, 'materialType'],
    [entry({ effectiveFrom: '2026-02-30' }), 400, 'effectiveFrom'],
    [entry({ effectiveFrom: '2026-06-01', expiresOn: '2026-05-01' }), 400, 'expiresOn'],
    [entry({ categoryCode: 'no.such.matter' }), 422, 'categoryCode'],
    [entry({ areaCode: '999999' }), 422, 'areaCode'],
    [entry({ colour: 'red' }), 400, 'colour'],
  ];
  for (const [body, status, field] of cases) {
    const res = await team.post('/api/kb/entries', body);
    t.equal(res.statusCode, status, `${JSON.stringify(body).slice(0, 60)} → ${res.body}`);
    t.equal(res.json().field, field);
  }
  t.equal(await count(), 0);
  t.equal((await team.post('/api/kb/entries', entry())).statusCode, 201);
  const dup = await team.post('/api/kb/entries', entry({ title: `  ${entry().title} ` }));
  t.equal(dup.statusCode, 409);
  t.match(dup.json(), { code: 'KB_TITLE_TAKEN', field: 'title' });
  t.equal(await count(), 1);
  t.equal(await versions(), 1);
});

t.test('an entry drops out of search on its expiry day, and is listed as expiring for its unit within 30 days', async (t) => {
  // Sign-ins last past the clock's moves.
  const h = await testApp(t, { sessionTtlMs: 60 * 86_400_000 });
  h.clock.set('2026-11-24T02:00:00Z');
  const team = await signIn(h, ['kb_admin'], 'hotline-kb');
  const editor = await signIn(h, ['kb_editor'], 'hotline');
  const other = await signIn(h, ['kb_editor'], 'hotline-kb');
  const operator = await signIn(h, ['operator']);
  const id = (await editor.post('/api/kb/entries', entry({ expiresOn: '2026-12-10' }))).json().id;
  await team.post(`/api/kb/entries/${id}/actions/publish`, {});
  const found = async () => {
    const res = await operator.get(`/api/kb/search?q=${encodeURIComponent('宝宝出生了怎么上医保')}`);
    t.equal(res.statusCode, 200, res.body);
    return res.json().entries.map((e: any) => e.id);
  };
  t.same(await found(), [id]);
  t.same(
    (await editor.get('/api/kb/expiring')).json().entries.map((e: any) => e.id),
    [id],
  );
  t.same((await other.get('/api/kb/expiring')).json().entries, [], 'another unit’s editor does not see it');
  t.same(
    (await team.get('/api/kb/expiring')).json().entries.map((e: any) => e.id),
    [id],
  );
  h.clock.set('2026-12-09T15:59:00Z'); // 23:59 on the 9th in Beijing
  t.same(await found(), [id]);
  h.clock.set('2026-12-09T16:00:00Z'); // midnight: the 10th has begun
  t.same(await found(), [], 'gone on its expiry day');
  t.equal(await h.app.kb.expireDue(), 1);
  t.equal((await team.get(`/api/kb/entries/${id}`)).json().status, 'expired');
  const publish = await team.post(`/api/kb/entries/${id}/actions/publish`, {});
  t.equal(publish.statusCode, 409, 'an expired entry is edited (to a draft) before it is published again');
});

t.test('search only returns entries in force for the caller’s area; usableEntries names those that are not', async (t) => {
  const h = await testApp(t);
  const team = await signIn(h, ['kb_admin'], 'hotline-kb');
  const operator = await signIn(h, ['operator']);
  const make = async (over: Record<string, unknown>) => {
    const id = (await team.post('/api/kb/entries', entry(over))).json().id;
    await team.post(`/api/kb/entries/${id}/actions/publish`, {});
    return id as number;
  };
  const city = await make({ title: '全市的医保参保' });
  const hedong = await make({ title: '河东区的医保参保', areaCode: '120102' });
  const heping = await make({ title: '和平区的医保参保', areaCode: '120101' });
  const later = await make({ title: '明年起的医保参保', effectiveFrom: '2027-01-01' });
  const draft = (await team.post('/api/kb/entries', entry({ title: '草稿的医保参保' }))).json().id;
  const search = async (area?: string) =>
    (await operator.get(`/api/kb/search?q=${encodeURIComponent('医保参保')}${area ? `&areaCode=${area}` : ''}`))
      .json()
      .entries.map((e: any) => e.id)
      .sort();
  t.same(await search('120102001'), [city, hedong].sort(), 'a street of 河东区 sees the city’s and 河东区’s');
  t.same(await search(), [city, hedong, heping].sort(), 'no area: every area’s');
  t.same(await h.app.kb.usableEntries([city, hedong, heping, later, draft, 999999], h.clock.now(), '120102001'), [
    heping,
    later,
    draft,
    999999,
  ]);
  t.same(await h.app.kb.usableEntries([city], h.clock.now(), null), []);
});

t.test('kb_entry_versions refuses UPDATE and DELETE', async (t) => {
  const h = await testApp(t);
  const team = await signIn(h, ['kb_admin'], 'hotline-kb');
  await team.post('/api/kb/entries', entry());
  await t.rejects(h.db.sql`update kb_entry_versions set actor = 'someone else'`, /append-only/);
  await t.rejects(h.db.sql`delete from kb_entry_versions`, /append-only/);
});

t.test('a knowledge-gap answer becomes a draft of the team, also when its title is taken', async (t) => {
  const h = await testApp(t);
  const team = await signIn(h, ['kb_admin'], 'hotline-kb');
  await team.post('/api/kb/entries', entry());
  const draft = await h.app.kb.createDraftFromAnswer(null, {
    title: entry().title,
    body: '答复内容',
    sourceOrderId: null as unknown as number,
    actor: 'user:1',
  });
  t.match(draft, { status: 'draft', unitId: 'hotline-kb', version: 1 });
  t.not(draft.title, entry().title);
});

t.test('search filters by day (Beijing): not before the effective date, not from the expiry date on', async (t) => {
  const h = await testApp(t);
  const team = await signIn(h, ['kb_admin'], 'hotline-kb');
  const created = (await team.post('/api/kb/entries', entry({ effectiveFrom: '2026-12-01', expiresOn: '2027-01-01' }))).json();
  t.equal((await team.post(`/api/kb/entries/${created.id}/actions/publish`, {})).statusCode, 200);
  const found = async (at: string, areaCode?: string) =>
    (await h.app.kb.search({ q: '新生儿医保', areaCode }, { on: new Date(at) })).map((e) => e.id).includes(created.id);
  // 2026-11-30T16:00Z is already 1 December in Beijing; 16:00Z on 31 December is 1 January.
  t.notOk(await found('2026-11-30T15:59:59Z'), 'not yet in force on 30 November');
  t.ok(await found('2026-11-30T16:00:00Z'), 'in force from 1 December, Beijing time');
  t.ok(await found('2026-12-31T15:59:59Z'), 'still on 31 December');
  t.notOk(await found('2026-12-31T16:00:00Z'), 'gone on its expiry day');
  // An entry for the whole city answers a community's caller as well.
  t.ok(await found('2026-12-15T04:00:00Z', '120102001001'));
});

t.test('an entry for an area answers callers of that area and the areas below it only', async (t) => {
  const h = await testApp(t);
  const team = await signIn(h, ['kb_admin'], 'hotline-kb');
  const id = (await team.post('/api/kb/entries', entry({ areaCode: '120102001' }))).json().id;
  await team.post(`/api/kb/entries/${id}/actions/publish`, {});
  const found = async (areaCode?: string) => (await h.app.kb.search({ q: '新生儿医保', areaCode })).some((e) => e.id === id);
  t.ok(await found('120102001'), 'its own street');
  t.ok(await found('120102001001'), 'a community of the street');
  t.notOk(await found('120102'), 'not the district above it');
  t.notOk(await found('120102002'), 'not another street of the district');
  t.notOk(await found('120101001001'), 'not another district’s community');
  t.ok(await found(), 'a caller with no area sees it');
});

t.test('publish, withdraw and expiry on one instance show in the search of another on the same database', async (t) => {
  const a = await testApp(t);
  // The second instance keeps its own clock, still before the expiry day: it can only learn
  // of the expiry from the notice, not from its date.
  const clockB = new TestClock(a.clock.now());
  const b = await buildApp({ databaseUrl: (a.db as unknown as { url: string }).url, clock: clockB });
  t.teardown(() => b.close());
  const team = await signIn(a, ['kb_admin'], 'hotline-kb');
  const inB = async () => (await b.kb.search({ q: '娃刚出生怎么上医保' })).map((e) => e.title);

  const id = (await team.post('/api/kb/entries', entry({ expiresOn: '2026-12-10' }))).json().id as number;
  t.same(await inB(), [], 'a draft is not found');
  // B has read the entry at the version A's step made (the notice's reload), then B searches.
  const step = async (url: string) => {
    const res = await team.post(`/api/kb/entries/${id}/actions/${url}`, {});
    t.equal(res.statusCode, 200, res.body);
    await b.kb.index.whenIndexed(id, res.json().version);
  };
  await step('publish');
  t.same(await inB(), [entry().title], 'published on A: found on B');
  await step('withdraw');
  t.same(await inB(), [], 'withdrawn on A: gone on B');

  const revived = await a.app.kb.update(id, { body: '新生儿出生后在社区服务中心办理医保参保登记。' }, { viewer: team.viewer as never });
  t.equal(revived.status, 'draft');
  await step('publish');
  t.same(await inB(), [entry().title], 'published again');
  t.match((await b.kb.search({ q: '新生儿医保' }))[0], { snippet: /社区服务中心/ }, 'B shows the new text');

  a.clock.set('2026-12-10T01:00:00Z');
  t.equal(await a.app.kb.expireDue(), 1);
  const expired = (await a.db.sql`select version from kb_entries where id = ${id}`)[0]!.version as number;
  await b.kb.index.whenIndexed(id, expired);
  t.same(await inB(), [], 'expired by A’s sweep: gone on B, whose day is still before the expiry');
  t.same(await a.app.kb.search({ q: '娃刚出生怎么上医保' }), [], 'and on A at once');
});
