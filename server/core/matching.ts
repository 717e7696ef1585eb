/** Matching rule words against normalised text: shared by the classifier's parts. */
import { AutomatonBuilder, type Automaton } from './automaton.ts';
import { normalize } from './places.ts';

/**
 * The text as the rules match it: NFKC and lower case (see places.ts), and each
 * traditional character folded to its simplified form by `fold` (built by the
 * rules loader), one character for one so that positions stay put.
 */
export function foldText(text: string, fold: ReadonlyMap<string, string>): string {
  const plain = normalize(text);
  let out = '';
  let changed = false;
  for (const ch of plain) {
    const to = ch.charCodeAt(0) >= 0x3400 ? fold.get(ch) : undefined;
    if (to) changed = true;
    out += to ?? ch;
  }
  return changed ? out : plain;
}

/** The text with each occurrence of the given words replaced by spaces, so that positions stay put. */
export function blankOut(text: string, words: readonly string[]): string {
  let out = text;
  for (const w of words) if (w && out.includes(w)) out = out.split(w).join(' '.repeat(w.length));
  return out;
}

/** Negations that, right before a word, say the thing is not there (没有漏水, 不漏了, 无异味, 未见). */
const NEGATIONS = ['没有', '没', '不', '无', '未', '并非', '不是'];

/** Questions that contain a negation but do not deny (有没有临时救助, 是不是漏电, 能不能办): the thing is asked about. */
const QUESTIONS = ['有没有', '是不是', '能不能', '要不要', '会不会', '可不可以', '是否'];

export function isNegated(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 4), start);
  if (QUESTIONS.some((q) => before.endsWith(q))) return false;
  return NEGATIONS.some((n) => before.endsWith(n));
}

/** Why a decision was made: the rule and the words of the text that made it. */
export interface Explanation {
  rule: string;
  matched: string[];
}

export function collect<T>(automaton: Automaton, text: string, items: T[]): Map<T, Set<string>> {
  const found = new Map<T, Set<string>>();
  automaton.scan(text, (id, start, end) => {
    const item = items[id]!;
    if (!found.has(item)) found.set(item, new Set());
    found.get(item)!.add(text.slice(start, end));
  });
  return found;
}

/** One automaton over many rules' words: word → rule index (and whether it is an exclusion). */
export function automatonOf<T>(rules: T[], words: (rule: T) => string[]): Automaton {
  const builder = new AutomatonBuilder();
  rules.forEach((rule, i) => words(rule).forEach((w) => builder.add(normalize(w), i)));
  return builder.build();
}
