/**
 * Traditional characters folded to simplified, one character for one, so a
 * complaint written in 繁體 (from Hong Kong, Taiwan, or an old input method)
 * meets the lexicon, which is written in simplified characters. The table is
 * OpenCC's (opencc-js): its variant tables first (裡 → 裏), then its
 * traditional → simplified characters (裏 → 里). Phrase-level conversion is
 * not needed for matching words, and a character map keeps positions intact.
 */
import HKVariantsRev from 'opencc-js/dict/HKVariantsRev';
import TSCharacters from 'opencc-js/dict/TSCharacters';
import TWVariantsRev from 'opencc-js/dict/TWVariantsRev';

function pairs(dict: string): [string, string][] {
  const out: [string, string][] = [];
  for (const entry of dict.split('|')) {
    const [from, to] = entry.split(' ');
    if (from && to && [...from].length === 1 && [...to].length === 1) out.push([from, to]);
  }
  return out;
}

let built: ReadonlyMap<string, string> | undefined;

/** Built once per process: about 4,000 characters. */
export function traditionalToSimplified(): ReadonlyMap<string, string> {
  if (built) return built;
  const simplified = new Map(pairs(TSCharacters));
  const map = new Map<string, string>(simplified);
  // A character simplified writing uses is never a variant to fold: Taiwan's table lists
  // 么 as a variant of 幺, but 怎么 must stay 怎么.
  const standardChars = new Set(simplified.values());
  for (const [variant, standard] of [...pairs(HKVariantsRev), ...pairs(TWVariantsRev)]) {
    const target = simplified.get(standard) ?? standard;
    if (target !== variant && !map.has(variant) && !standardChars.has(variant)) map.set(variant, target);
  }
  built = map;
  return built;
}
