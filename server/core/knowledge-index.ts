/**
 * Knowledge search in memory, pure: the published entries as postings (word → the
 * entries holding it, each with the word's rank contribution there), ranked as
 * PostgreSQL's ts_rank(weights, tokens, query, 1) ranked the stored tsvector, and
 * filtered by inForceOn, the one in-force rule.
 *
 * Why ts_rank's formula and not a BM25 of our own: its scores are what the ranking
 * fixtures, `npm run kb:eval` and the desks' reading of a score (a weak match scores
 * under ~0.04, a found answer ten times that) were measured on; reproducing it keeps
 * every figure, and the index is built from the very tsvector the service stores.
 *
 * ts_rank for a query of alternatives (calc_rank_or in PostgreSQL's tsrank.c): for each
 * distinct word of the query present in the entry, with its positions' weights w_j in
 * position order, (max w + Σ w_j/(j+1)² − max w/(jm+1)²) / (π²/6), where jm is the first
 * position of the largest weight; the sum over the words divided by the number of
 * distinct words of the query, then by log2(1 + the entry's number of positions).
 */
import { inForceOn, type KbEntry } from './knowledge.ts';

/** What search shows of an entry and what inForceOn asks of it. */
export type IndexedEntry = Pick<
  KbEntry,
  'id' | 'title' | 'body' | 'materialType' | 'issuer' | 'categoryCode' | 'areaCode' | 'version' | 'updatedAt' | 'status'
> &
  Pick<KbEntry, 'effectiveFrom' | 'expiresOn'>;

/** ts_rank's weights by a position's letter (the service's RANK_WEIGHTS, {D, C, B, A}). */
const WEIGHT_OF: Record<string, number> = { A: 1.0, B: 0.5, C: 0.2, D: 0.05 };
const ZETA2 = 1.64493406685;

/** A word of an entry's tsvector: its positions' weight letters in position order. */
export interface TsLexeme {
  word: string;
  weights: string;
}

/** PostgreSQL's text form of a tsvector ('word':1A,2,5C 'other' …) as words and weights; D is written without a letter. */
export function parseTsvector(text: string): TsLexeme[] {
  const out: TsLexeme[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "'") {
      i++;
      continue;
    }
    let word = '';
    for (i++; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\\') word += text[++i] ?? '';
      else if (c === "'" && text[i + 1] === "'") word += text[++i];
      else if (c === "'") break;
      else word += c;
    }
    i++;
    let weights = '';
    if (text[i] === ':') {
      i++;
      while (i < text.length && text[i] !== ' ') {
        // A position: digits, then an optional weight letter; a comma before the next.
        while (i < text.length && /[0-9]/.test(text[i]!)) i++;
        const letter = text[i];
        if (letter === 'A' || letter === 'B' || letter === 'C' || letter === 'D') i++;
        weights += letter === 'A' || letter === 'B' || letter === 'C' ? letter : 'D';
        if (text[i] === ',') i++;
      }
    }
    out.push({ word, weights });
  }
  return out;
}

/** One word's share of ts_rank in an entry (before the query's and the length's division). */
export function rankContribution(weights: string): number {
  const ws = weights.length > 0 ? [...weights].map((l) => WEIGHT_OF[l]!) : [WEIGHT_OF.D!];
  let sum = 0;
  let max = -1;
  let at = 0;
  ws.forEach((w, j) => {
    sum += Math.fround(w / ((j + 1) * (j + 1)));
    if (w > max) {
      max = w;
      at = j;
    }
  });
  return Math.fround((max + sum - max / ((at + 1) * (at + 1))) / ZETA2);
}

interface Slot {
  entry: IndexedEntry;
  words: string[];
  /** log2(1 + positions): ts_rank's normalisation 1. */
  norm: number;
}

interface Postings {
  /** slot × 2, + 1 when the word stands at weight A or B (title, keywords, synonyms). */
  keys: number[];
  shares: number[];
}

export interface IndexHit {
  entry: IndexedEntry;
  score: number;
}

export class KbSearchIndex {
  private slots: (Slot | null)[] = [];
  private readonly slotOf = new Map<number, number>();
  private postings = new Map<string, Postings>();
  private dead = 0;
  // Scratch of one search (search is synchronous, so one set serves every call).
  private acc = new Float64Array(0);
  private ab = new Uint8Array(0);

  get size(): number {
    return this.slotOf.size;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  get(id: number): IndexedEntry | undefined {
    const s = this.slotOf.get(id);
    return s === undefined ? undefined : this.slots[s]!.entry;
  }

  /** Put (or replace) an entry with its stored tokens; an entry not published is only removed. */
  put(entry: IndexedEntry, tokens: string): void {
    this.remove(entry.id);
    if (entry.status !== 'published') return;
    const lexemes = parseTsvector(tokens);
    const length = lexemes.reduce((n, l) => n + Math.max(1, l.weights.length), 0);
    const slot = this.slots.length;
    this.slots.push({ entry, words: lexemes.map((l) => l.word), norm: Math.log(length + 1) / Math.log(2) });
    this.slotOf.set(entry.id, slot);
    for (const l of lexemes) {
      let p = this.postings.get(l.word);
      if (!p) this.postings.set(l.word, (p = { keys: [], shares: [] }));
      p.keys.push(slot * 2 + (/[AB]/.test(l.weights) ? 1 : 0));
      p.shares.push(rankContribution(l.weights));
    }
  }

  remove(id: number): void {
    const s = this.slotOf.get(id);
    if (s === undefined) return;
    this.slotOf.delete(id);
    this.slots[s] = null;
    // Postings keep the dead slot (skipped by search) until enough have died to rebuild.
    if (++this.dead > 1000 && this.dead > this.slotOf.size) this.compact();
  }

  private compact(): void {
    const live = this.slots.filter((s): s is Slot => s !== null);
    const old = this.postings;
    const renumber = new Map<number, number>();
    this.slots.forEach((s, i) => s && renumber.set(i, renumber.size));
    this.postings = new Map();
    for (const [word, p] of old) {
      const keys: number[] = [];
      const shares: number[] = [];
      p.keys.forEach((k, i) => {
        const to = renumber.get(k >> 1);
        if (to === undefined) return;
        keys.push(to * 2 + (k & 1));
        shares.push(p.shares[i]!);
      });
      if (keys.length) this.postings.set(word, { keys, shares });
    }
    this.slots = live;
    this.slotOf.clear();
    live.forEach((s, i) => this.slotOf.set(s.entry.id, i));
    this.dead = 0;
  }

  /**
   * The best `limit` entries in force for any of `words` (distinct), as ts_rank scores
   * them; entries with a word in their title or keywords first, then those matching
   * only by body (today's order: bodies are read only when titles are too few).
   */
  search(words: readonly string[], q: { day: string; areas: readonly string[] | null; limit: number }): IndexHit[] {
    const n = this.slots.length;
    if (this.acc.length < n) {
      this.acc = new Float64Array(Math.max(n, this.acc.length * 2, 64));
      this.ab = new Uint8Array(this.acc.length);
    }
    const { acc, ab } = this;
    const touched: number[] = [];
    for (const w of new Set(words)) {
      const p = this.postings.get(w);
      if (!p) continue;
      const { keys, shares } = p;
      for (let i = 0; i < keys.length; i++) {
        const s = keys[i]! >> 1;
        if (acc[s] === 0) touched.push(s);
        acc[s] = acc[s]! + shares[i]!;
        ab[s] = ab[s]! | (keys[i]! & 1);
      }
    }
    const size = new Set(words).size;
    // The best so far, kept sorted: [slot, ab, score]; limit is small (≤ 50).
    const top: { slot: number; ab: number; score: number; id: number }[] = [];
    const better = (a: (typeof top)[number], b: (typeof top)[number]) =>
      a.ab !== b.ab ? a.ab > b.ab : a.score !== b.score ? a.score > b.score : a.id < b.id;
    for (const s of touched) {
      const slot = this.slots[s];
      const candidate = slot && { slot: s, ab: ab[s]!, score: Math.fround(acc[s]! / size / slot.norm), id: slot.entry.id };
      acc[s] = 0;
      ab[s] = 0;
      if (!slot || !candidate) continue;
      if (top.length === q.limit && !better(candidate, top[top.length - 1]!)) continue;
      if (!inForceOn(slot.entry, q.day, q.areas)) continue;
      let at = top.length;
      while (at > 0 && better(candidate, top[at - 1]!)) at--;
      top.splice(at, 0, candidate);
      if (top.length > q.limit) top.pop();
    }
    return top.map((t) => ({ entry: this.slots[t.slot]!.entry, score: t.score }));
  }
}
