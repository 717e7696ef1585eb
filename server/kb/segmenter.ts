/**
 * The Chinese segmenter (@node-rs/jieba, prebuilt per platform, no install script):
 * one per process, its dictionary loaded once (about 0.3 s) and taught the words of
 * the synonyms file, so that 住房公积金 or 灵活就业 come out whole at indexing and at
 * search alike. Search mode: a long word also yields its shorter words (新生儿 → 新生,
 * 新生儿), which is what lets a question's word meet part of a title's.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let jieba: Jieba | undefined;
const taught = new Set<string>();

function instance(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/** Add words to the dictionary (each once per process); a high count keeps them whole. */
export function teach(words: Iterable<string>): void {
  const fresh = [...words].filter((w) => [...w].length > 1 && !/\s/.test(w) && !taught.has(w));
  if (fresh.length === 0) return;
  fresh.forEach((w) => taught.add(w));
  instance().loadDict(Buffer.from(fresh.map((w) => `${w} 100000`).join('\n')));
}

/** Full-width letters and digits as half-width, Latin in lower case: the forms people type vary. */
const normal = (text: string) => text.normalize('NFKC').toLowerCase();

/** The words of a text in search mode, blanks and punctuation dropped. */
export function words(text: string): string[] {
  return instance()
    .cutForSearch(normal(text), true)
    .map((w) => w.trim())
    .filter((w) => w && /[\p{L}\p{N}]/u.test(w));
}
