/**
 * What an entry is indexed as and how a question is searched: the segmenter's words,
 * the synonyms file, and the queries of db/queries/kb.ts. The words of a question
 * are searched in the weighted tsvector; when none of them is indexed (a typo, a word
 * no entry has), the titles' trigrams are tried instead.
 */
import type { Sql } from '../../db/client.ts';
import { searchKbEntries, searchKbEntriesByTrigram, type KbHit } from '../../db/queries/kb.ts';
import { areaChain, beijingDay, type KbFields } from '../core/knowledge.ts';
import { highlightWords, queryTerms, snippet, tsqueryLiteral, tsvectorLiteral, type SynonymIndex } from '../core/knowledge-search.ts';
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

export interface SearchHit extends Omit<KbHit, 'body'> {
  snippet: string;
}

/** The tsvector literal of an entry: title words at A, keywords and synonyms (whole and segmented) at B, body at C. */
export function indexTokens(f: Pick<KbFields, 'title' | 'body' | 'keywords' | 'synonyms'>): string {
  const own = [...f.keywords, ...f.synonyms].map((w) => w.normalize('NFKC').toLowerCase());
  return tsvectorLiteral({
    A: words(f.title),
    B: [...own, ...own.flatMap((w) => words(w))],
    C: words(f.body),
  });
}

// Measured (kb:eval --mode all, README "Knowledge base"): a title's trigram similarity to a
// Chinese question is near zero for paraphrases, and adding it to ts_rank lost a top-1 on the
// ranking fixture; so words alone rank, and trigrams only answer when no word matched.
const TRIGRAM_WEIGHT = 0;

export async function searchEntries(sql: Sql, synonyms: SynonymIndex, input: SearchInput, now: Date): Promise<SearchHit[]> {
  const text = input.q.trim();
  const limit = input.limit ?? 10;
  const mode = input.mode ?? 'mixed';
  const terms = queryTerms(words(text), synonyms);
  const base = {
    text,
    day: beijingDay(now),
    areas: input.areaCode ? areaChain(input.areaCode) : null,
    limit,
    trigramWeight: TRIGRAM_WEIGHT,
  };
  let hits: KbHit[] = [];
  if (mode !== 'trigram' && terms.length > 0) {
    // Ranking every entry sharing a common body word with the question costs its detoasting
    // at 10,000 entries: first those whose title or keywords match, then, only when those
    // are too few, the bodies too.
    hits = await searchKbEntries(sql, { ...base, query: tsqueryLiteral(terms), match: tsqueryLiteral(terms, 'AB') });
    if (hits.length < limit) {
      const more = await searchKbEntries(sql, {
        ...base,
        query: tsqueryLiteral(terms),
        match: null,
        except: hits.map((h) => Number(h.id)),
      });
      hits = [...hits, ...more].slice(0, limit);
    }
  }
  if (hits.length === 0 && mode !== 'tokens' && [...text].length >= 2) hits = await searchKbEntriesByTrigram(sql, { ...base, query: null });
  const marks = highlightWords(terms);
  return hits.map(({ body, ...h }) => ({
    ...h,
    id: Number(h.id),
    score: Math.round(h.score * 10_000) / 10_000,
    snippet: snippet(body, marks),
  }));
}
