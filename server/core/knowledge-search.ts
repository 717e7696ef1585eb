/**
 * Knowledge search, the pure half: what an entry is indexed as, what a question is
 * searched as, and the snippet shown. Words come from the segmenter
 * (server/kb/segmenter.ts); here they are weighed, widened by synonyms and written
 * as a PostgreSQL tsvector literal, which the service stores and the in-memory index
 * (knowledge-index.ts) ranks; the tsquery literal is kept to ask PostgreSQL's ts_rank
 * the same question (the index's scores are checked against it).
 *
 * Synonyms are applied to the question, never stored in the index: the synonyms file
 * can change without re-indexing, and an entry's own keywords and synonyms are indexed
 * at weight B, between its title (A) and its body (C).
 */

/** Words a caller wraps a question in: they say nothing about which entry answers it. */
const STOPWORDS = new Set(
  (
    '办理 办 去办 请问 问 问一下 问下 想问 我想 我 我们 你 你们 您 他 她 它 他们 咱 咱们 的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嗯 么 ' +
    '是 不是 有 没有 在 和 与 及 或 或者 还是 就 都 也 还 又 再 才 被 把 给 让 跟 对 从 到 向 于 为 为了 ' +
    '怎么 怎么样 怎样 如何 咋 咋办 怎么办 什么 啥 哪 哪里 哪儿 哪个 哪些 在哪 在哪里 多少 几 多久 ' +
    '能 能不能 可以 可不可以 会 要 想 需要 应该 得要 一下 一个 这个 那个 这 那 这样 那样 现在 ' +
    '一 个 些 谢谢 你好 您好 麻烦 帮 帮忙 帮我 告诉 知道 请 问题 情况 事 事情'
  ).split(/\s+/),
);

/** A word worth searching: not a filler, not punctuation; single characters only when a synonym group knows them (娃). */
export function searchable(word: string, synonyms: SynonymIndex): boolean {
  if (STOPWORDS.has(word)) return false;
  if (!/[\p{L}\p{N}]/u.test(word)) return false;
  return [...word].length > 1 || synonyms.has(word) || /^[a-z0-9]+$/.test(word);
}

/** Groups of words meaning the same (rules/kb-synonyms.yaml): each word finds its group. */
export class SynonymIndex {
  private readonly groupOf = new Map<string, readonly string[]>();

  constructor(groups: readonly (readonly string[])[] = []) {
    for (const g of groups) for (const w of g) this.groupOf.set(w, g);
  }

  has(word: string): boolean {
    return this.groupOf.has(word);
  }

  /** The word and the others of its group. */
  expand(word: string): readonly string[] {
    return this.groupOf.get(word) ?? [word];
  }

  get size(): number {
    return this.groupOf.size;
  }
}

export const WEIGHTS = ['A', 'B', 'C'] as const;
export type Weight = (typeof WEIGHTS)[number];
/** ts_rank's weights, in its order {D, C, B, A}: a title word counts five times a body word (knowledge-index.ts WEIGHT_OF). */
export const RANK_WEIGHTS = '{0.05, 0.2, 0.5, 1.0}';

// PostgreSQL keeps positions up to 16383; a long body's tail adds little.
const MAX_POSITION = 16383;

const quote = (word: string) => `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** A tsvector literal ('word':1A …): the title's words at A, keywords and synonyms at B, the body's at C. */
export function tsvectorLiteral(parts: Record<Weight, readonly string[]>): string {
  const out: string[] = [];
  let position = 0;
  for (const w of WEIGHTS) {
    for (const word of parts[w]) {
      if (position >= MAX_POSITION) break;
      out.push(`${quote(word)}:${++position}${w}`);
    }
  }
  return out.join(' ');
}

/**
 * The question as alternatives: each searchable word with its synonyms. An empty list
 * means nothing to search for (only fillers were typed).
 */
export function queryTerms(words: readonly string[], synonyms: SynonymIndex): string[][] {
  const seen = new Set<string>();
  const terms: string[][] = [];
  for (const word of words) {
    if (seen.has(word) || !searchable(word, synonyms)) continue;
    const group = [...new Set(synonyms.expand(word))];
    group.forEach((g) => seen.add(g));
    seen.add(word);
    terms.push(group.includes(word) ? group : [word, ...group]);
  }
  return terms;
}

/**
 * A tsquery literal matching any of the terms ('医保' | '医疗保险') | ('孩子' | …);
 * with `weights` ('AB'), only where a word stands at those weights (titles, keywords).
 */
export function tsqueryLiteral(terms: readonly (readonly string[])[], weights = ''): string {
  const w = weights ? `:${weights}` : '';
  return terms.map((alts) => `(${alts.map((a) => quote(a) + w).join(' | ')})`).join(' | ');
}

/** Every word of the question and its synonyms, longest first: what the snippet looks for. */
export const highlightWords = (terms: readonly (readonly string[])[]) =>
  [...new Set(terms.flat())].sort((a, b) => [...b].length - [...a].length);

/**
 * A stretch of the body around the first place a question's word appears, about
 * `size` characters, with … where it is cut; the body's start when none appears.
 */
export function snippet(body: string, words: readonly string[], size = 90): string {
  const text = body.replace(/\s+/g, ' ').trim();
  const cps = [...text];
  if (cps.length <= size) return text;
  let at = -1;
  for (const w of words) {
    const i = text.indexOf(w);
    if (i >= 0) {
      at = [...text.slice(0, i)].length;
      break;
    }
  }
  const start = at < 0 ? 0 : Math.max(0, Math.min(at - Math.floor(size / 4), cps.length - size));
  const piece = cps.slice(start, start + size).join('');
  return `${start > 0 ? '…' : ''}${piece}${start + size < cps.length ? '…' : ''}`;
}
