/**
 * How well search answers questions: for each `{ question, title }` (title null when
 * no entry answers), where the expected entry ranks. Shared by `npm run kb:eval`
 * and the ranking test.
 */
import fs from 'node:fs';

export interface KbQuestion {
  question: string;
  /** Title of the entry that answers it; null: none does. */
  title: string | null;
}

export interface RankReport {
  answerable: number;
  top1: number;
  top3: number;
  /** Answerable questions whose entry was not in the top three: what came instead. */
  misses: { question: string; expected: string; got: string[] }[];
  /** Questions no entry answers: how many found nothing, and the best score any found. */
  absent: { questions: number; empty: number; maxScore: number; hits: { question: string; got: string; score: number }[] };
  p50Ms: number;
  maxMs: number;
}

export function readKbQuestions(file: string): KbQuestion[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const v = JSON.parse(l) as KbQuestion;
      if (typeof v.question !== 'string' || (v.title !== null && typeof v.title !== 'string'))
        throw new Error(`${file}:${i + 1}: needs "question" (string) and "title" (string or null)`);
      return v;
    });
}

export async function rankQuestions(
  search: (q: string) => Promise<{ title: string; score: number }[]>,
  questions: KbQuestion[],
): Promise<RankReport> {
  const r: RankReport = {
    answerable: 0,
    top1: 0,
    top3: 0,
    misses: [],
    absent: { questions: 0, empty: 0, maxScore: 0, hits: [] },
    p50Ms: 0,
    maxMs: 0,
  };
  const times: number[] = [];
  for (const q of questions) {
    const started = performance.now();
    const hits = await search(q.question);
    times.push(performance.now() - started);
    if (q.title === null) {
      r.absent.questions++;
      if (hits.length === 0) r.absent.empty++;
      else {
        r.absent.maxScore = Math.max(r.absent.maxScore, hits[0]!.score);
        r.absent.hits.push({ question: q.question, got: hits[0]!.title, score: hits[0]!.score });
      }
      continue;
    }
    r.answerable++;
    const rank = hits.findIndex((h) => h.title === q.title);
    if (rank === 0) r.top1++;
    if (rank >= 0 && rank < 3) r.top3++;
    else r.misses.push({ question: q.question, expected: q.title, got: hits.slice(0, 3).map((h) => h.title) });
  }
  times.sort((a, b) => a - b);
  r.p50Ms = times[Math.floor(times.length / 2)] ?? 0;
  r.maxMs = times.at(-1) ?? 0;
  return r;
}
