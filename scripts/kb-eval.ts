/**
 * `npm run kb:eval -- [--questions FILE] [--kb FILE] [--mode mixed|tokens|trigram|all]`:
 * loads a knowledge file (default data/kb/sample.jsonl, every line as published)
 * into a throwaway database on its own embedded server (.tmp/kb-eval-pg), asks
 * each question of the questions file (default test/fixtures/kb-questions.jsonl:
 * `{ "question", "title" }`, title null when no entry answers) and prints the
 * top-1 / top-3 hit rates and the misses, for each search mode asked.
 */
import path from 'node:path';
import postgres from 'postgres';
import { applyMigrations, connect } from '../db/client.ts';
import { loadDivisions } from '../db/divisions.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import fs from 'node:fs';
import { parseKbFile } from '../server/kb/transfer.ts';
import type { SearchMode } from '../server/kb/search.ts';
import { freePort, root, withDatabase } from './harness/cluster.ts';
import { kbServiceFor } from './kb-service.ts';
import { rankQuestions, readKbQuestions } from './kb-rank.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const questionsFile = path.resolve(opt('questions', path.join(root, 'test/fixtures/kb-questions.jsonl')));
const kbFile = path.resolve(opt('kb', path.join(root, 'data/kb/sample.jsonl')));
const modeArg = opt('mode', 'mixed');
const modes: SearchMode[] = modeArg === 'all' ? ['mixed', 'tokens', 'trigram'] : [modeArg as SearchMode];

const lines = parseKbFile(fs.readFileSync(kbFile, 'utf8')).map((l) => ({ ...l, status: 'published' as const }));
const questions = readKbQuestions(questionsFile);

const server = await startEmbeddedPostgres({ dataDir: path.join(root, '.tmp', 'kb-eval-pg'), port: await freePort() });
try {
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  await admin.unsafe('drop database if exists hotline_kb_eval with (force)');
  await admin.unsafe('create database hotline_kb_eval');
  await admin.end();
  const url = withDatabase(server.url, 'hotline_kb_eval');
  await applyMigrations(url);
  const db = connect(url, { max: 2 });
  try {
    if (lines.some((l) => l.areaCode)) await loadDivisions(db.sql, '12');
    // Today as the entries' dates allow: the latest effective date, so that every entry is in force.
    const today = lines.reduce((d, l) => (l.effectiveFrom && l.effectiveFrom > d ? l.effectiveFrom : d), '2026-01-01');
    const kb = kbServiceFor(db, { now: () => new Date(`${today}T04:00:00Z`) });
    await kb.importEntries(lines, { actor: 'kb:eval' });
    console.log(
      `${path.relative(root, kbFile)}: ${lines.length} entries; ${path.relative(root, questionsFile)}: ${questions.length} questions`,
    );
    for (const mode of modes) {
      const r = await rankQuestions((q) => kb.search({ q, limit: 10, mode }), questions);
      const pct = (n: number) => (r.answerable ? `${((100 * n) / r.answerable).toFixed(1)}%` : '-');
      console.log(
        `\n[${mode}] top-1 ${r.top1}/${r.answerable} (${pct(r.top1)}), top-3 ${r.top3}/${r.answerable} (${pct(r.top3)}); p50 ${r.p50Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms`,
      );
      console.log(
        `  no entry answers: ${r.absent.questions} questions, ${r.absent.empty} found nothing, best score of the others ${r.absent.maxScore}`,
      );
      for (const h of r.absent.hits) console.log(`    ? ${h.question} → ${h.got} (${h.score})`);
      for (const m of r.misses)
        console.log(`  miss: ${m.question}\n        expected ${m.expected}\n        got ${m.got.join(' | ') || '(nothing)'}`);
    }
  } finally {
    await db.close();
  }
} finally {
  await server.stop();
}
