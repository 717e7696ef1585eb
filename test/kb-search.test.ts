/**
 * Search on paraphrased questions (test/fixtures/kb-ranking*.jsonl: 20 entries, 31
 * questions worded unlike the titles, 3 that no entry answers), and the import:
 * twice the same file changes nothing; a changed line makes one new version.
 */
import fs from 'node:fs';
import t from 'tap';
import { parseKbFile } from '../server/kb/transfer.ts';
import { rankQuestions, readKbQuestions } from '../scripts/kb-rank.ts';
import { tsRankOfKbEntries } from '../db/queries/kb.ts';
import { queryTerms, SynonymIndex, tsqueryLiteral } from '../server/core/knowledge-search.ts';
import { parseTsvector, rankContribution } from '../server/core/knowledge-index.ts';
import { words } from '../server/kb/segmenter.ts';
import { loadKbSynonyms } from '../server/rules/kb-synonyms.ts';
import { signIn, testApp } from './support/app.ts';

const entriesFile = 'test/fixtures/kb-ranking.jsonl';
const questions = readKbQuestions('test/fixtures/kb-ranking-questions.jsonl');

t.test('paraphrased questions find their entry in the top three; questions no entry answers find nothing', async (t) => {
  const h = await testApp(t);
  await h.app.kb.importEntries(parseKbFile(fs.readFileSync(entriesFile, 'utf8')), { actor: 'test' });
  const operator = await signIn(h, ['operator']);
  const r = await rankQuestions(async (q) => {
    const res = await operator.get(`/api/kb/search?q=${encodeURIComponent(q)}&limit=5`);
    if (res.statusCode !== 200) throw new Error(res.body);
    return res.json().entries;
  }, questions);
  t.equal(r.answerable, 31);
  // The share asked of search: 90% in the top three, 75% first.
  t.ok(r.top3 / r.answerable >= 0.9, `top-3 ${r.top3}/${r.answerable}; misses: ${JSON.stringify(r.misses)}`);
  t.ok(r.top1 / r.answerable >= 0.75, `top-1 ${r.top1}/${r.answerable}`);
  t.equal(r.absent.empty, r.absent.questions, `nothing for the unanswerable: ${JSON.stringify(r.absent.hits)}`);

  const hit = (await operator.get(`/api/kb/search?q=${encodeURIComponent('娃刚生下来怎么上医保')}`)).json().entries[0];
  t.match(hit, { title: '新生儿参加城乡居民医疗保险怎么办理', materialType: 'guide', snippet: /新生儿/ });
  t.ok(hit.score > 0);
  // Only fillers: nothing to search for.
  t.same((await operator.get(`/api/kb/search?q=${encodeURIComponent('请问一下怎么办')}`)).json().entries, []);
});

t.test('a title match outranks the same words in a body', async (t) => {
  const h = await testApp(t);
  await h.app.kb.importEntries(
    parseKbFile(
      [
        { title: '燃气费缴纳方式', body: '可在营业厅或线上缴纳。', sample: true },
        { title: '物业服务投诉渠道', body: '物业服务问题可向街道反映；燃气费缴纳另见燃气公司。', sample: true },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    ),
    { actor: 'test' },
  );
  const hits = await h.app.kb.search({ q: '燃气费怎么缴纳' });
  t.same(
    hits.map((x) => x.title),
    ['燃气费缴纳方式', '物业服务投诉渠道'],
  );
});

t.test(
  'importing the same file twice changes nothing; a changed line makes one new version; the export imports back unchanged',
  async (t) => {
    const h = await testApp(t);
    const text = fs.readFileSync(entriesFile, 'utf8');
    const count = async (table: string) => Number((await h.db.sql.unsafe(`select count(*)::int as n from ${table}`))[0]!.n);
    t.same(await h.app.kb.importEntries(parseKbFile(text), { actor: 'test' }), { created: 20, changed: 0, unchanged: 0 });
    t.same(await h.app.kb.importEntries(parseKbFile(text), { actor: 'test' }), { created: 0, changed: 0, unchanged: 20 });
    t.equal(await count('kb_entry_versions'), 20);
    const lines = text.trim().split('\n');
    const changed = { ...JSON.parse(lines[3]!), body: '本市集中供热期为每年11月15日至次年3月15日。' };
    lines[3] = JSON.stringify(changed);
    t.same(await h.app.kb.importEntries(parseKbFile(lines.join('\n')), { actor: 'test' }), { created: 0, changed: 1, unchanged: 19 });
    t.equal(await count('kb_entry_versions'), 21);
    const exported = await h.app.kb.exportEntries();
    t.equal(exported.length, 20);
    t.same(await h.app.kb.importEntries(parseKbFile(exported.map((l) => JSON.stringify(l)).join('\n')), { actor: 'test' }), {
      created: 0,
      changed: 0,
      unchanged: 20,
    });
    // Lines without status: sample ones published, the centre's own as drafts.
    t.same(
      parseKbFile('{"title":"甲","body":"乙"}\n{"title":"丙","body":"丁","sample":true}').map((l) => l.status),
      ['draft', 'published'],
    );
    // A bad line anywhere: nothing written, its number named.
    t.throws(() => parseKbFile(`${lines[0]}\n{"title":"","body":"x"}`), /第 2 行/);
    const bad = [
      JSON.stringify({ title: '新的一条', body: '内容', sample: true }),
      JSON.stringify({ title: '坏的一条', body: '内容', categoryCode: 'no.such' }),
    ];
    await t.rejects(h.app.kb.importEntries(parseKbFile(bad.join('\n')), { actor: 'test' }), /no\.such/);
    t.equal(await count('kb_entries'), 20, 'the good line before the bad one was not kept');
  },
);

t.test('the in-memory index scores every hit as PostgreSQL’s ts_rank scores the stored tokens', async (t) => {
  const h = await testApp(t);
  await h.app.kb.importEntries(parseKbFile(fs.readFileSync(entriesFile, 'utf8')), { actor: 'test' });
  const synonyms = new SynonymIndex(loadKbSynonyms());
  let compared = 0;
  for (const { question } of questions) {
    const terms = queryTerms(words(question), synonyms);
    const hits = await h.app.kb.search({ q: question, limit: 50, mode: 'tokens' });
    if (!terms.length || !hits.length) continue;
    const ranks = await tsRankOfKbEntries(
      h.db.sql,
      tsqueryLiteral(terms),
      hits.map((x) => x.id),
    );
    for (const x of hits) {
      t.ok(
        Math.abs(x.score - Math.round(ranks.get(x.id)! * 10_000) / 10_000) <= 0.0001,
        `${question} → ${x.title}: ${x.score} vs ${ranks.get(x.id)}`,
      );
      compared++;
    }
  }
  t.ok(compared > 50, `${compared} scores compared`);
});

t.test('the tsvector text form is read back with its weights in position order', async (t) => {
  t.same(parseTsvector(`'医保':1A,7,9C 'it''s':2B 'a\\\\b' '孩子':3C`), [
    { word: '医保', weights: 'ADC' },
    { word: "it's", weights: 'B' },
    { word: 'a\\b', weights: '' },
    { word: '孩子', weights: 'C' },
  ]);
  // One title position: its full weight over π²/6; a body word found twice adds a quarter of its weight.
  t.ok(Math.abs(rankContribution('A') - 1 / 1.64493406685) < 1e-6);
  t.ok(Math.abs(rankContribution('CC') - (0.2 + 0.2 / 4) / 1.64493406685) < 1e-6);
  t.equal(rankContribution(''), rankContribution('D'), 'no position counts as one at weight D');
});
