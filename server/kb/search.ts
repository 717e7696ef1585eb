/**
 * What an entry is indexed as and how a question is searched: the segmenter's words,
 * the synonyms file, and this instance's in-memory index (server/kb/index.ts). The
 * words of a question are ranked in the index as ts_rank ranked the stored tsvector;
 * when none of them is indexed (a typo, a word no entry has), the titles' trigrams
 * are tried instead, in the database, and filtered by the index.
 */
import type { Sql } from '../../db/client.ts';
import { kbTitlesByTrigram } from '../../db/queries/kb.ts';
import { areasOf, beijingDay, inForceOn, type KbFields } from '../core/knowledge.ts';
import type { IndexedEntry, IndexHit, KbSearchIndex } from '../core/knowledge-index.ts';
import { highlightWords, queryTerms, snippet, tsvectorLiteral, type SynonymIndex } from '../core/knowledge-search.ts';
import { words } from './segmenter.ts';

/** How search ranks; 'mixed' is the service's, the others are kept to be measured against it (kb:eval --mode). */
export type SearchMode = 'mixed' | 'tokens' | 'trigram';

export interface SearchInput {
  q: string;
  limit?: number;
  /** The caller's area: entries for it or an area above it, and those for everywhere. */
  areaCode?: string | null;
  mode?: SearchMode;
}

export type SearchHit = Omit<IndexedEntry, 'body' | 'status' | 'effectiveFrom' | 'expiresOn'> & { score: number; snippet: string };

/** The tsvector literal of an entry: title words at A, keywords and synonyms (whole and segmented) at B, body at C. */
export function indexTokens(f: Pick<KbFields, 'title' | 'body' | 'keywords' | 'synonyms'>): string {
  const own = [...f.keywords, ...f.synonyms].map((w) => w.normalize('NFKC').toLowerCase());
  return tsvectorLiteral({
    A: words(f.title),
    B: [...own, ...own.flatMap((w) => words(w))],
    C: words(f.body),
  });
}

// The trigram fallback's candidates are read before the in-force filter: enough that a
// few out-of-force titles do not empty a page.
const TRIGRAM_CANDIDATES = 100;

export async function searchEntries(
  sql: Sql,
  index: KbSearchIndex,
  synonyms: SynonymIndex,
  input: SearchInput,
  now: Date,
): Promise<SearchHit[]> {
  const text = input.q.trim();
  const limit = input.limit ?? 10;
  const mode = input.mode ?? 'mixed';
  const terms = queryTerms(words(text), synonyms);
  const day = beijingDay(now);
  const areas = areasOf(input.areaCode);
  let hits: IndexHit[] = [];
  if (mode !== 'trigram' && terms.length > 0) hits = index.search(terms.flat(), { day, areas, limit });
  // Measured (README "Knowledge base"): a title's trigram similarity to a Chinese question is
  // near zero for paraphrases, so trigrams only answer when no word matched.
  if (hits.length === 0 && mode !== 'tokens' && [...text].length >= 2) {
    for (const c of await kbTitlesByTrigram(sql, text, TRIGRAM_CANDIDATES)) {
      const entry = index.get(c.id);
      if (entry && inForceOn(entry, day, areas)) hits.push({ entry, score: c.score });
      if (hits.length === limit) break;
    }
  }
  const marks = highlightWords(terms);
  return hits.map(({ entry: { body, status: _s, effectiveFrom: _f, expiresOn: _e, ...e }, score }) => ({
    ...e,
    score: Math.round(score * 10_000) / 10_000,
    snippet: snippet(body, marks),
  }));
}
