/**
 * What the history model reads of a text, and the JSON it is stored as. Shared by
 * the trainer (model-train.ts) and the model that answers (model.ts).
 */
export const MODEL_VERSION = 2;

/** Plain JSON: what is stored and what a model is built from. */
export interface ModelData {
  version: typeof MODEL_VERSION;
  /** Gram lengths counted. */
  orders: [number, number];
  classes: string[];
  /** Per class: the score every unit of a text's known grams adds (log of the complement's total mass). */
  perGram: number[];
  /** Divides the length-normalised scores before the softmax; fitted on held-out examples. */
  temperature: number;
  /**
   * gram → [rarity, classIndex, weight, classIndex, weight, …]: how few matters use the gram
   * (log((K + 1) / matters that saw it), its weight in a text), then only the classes whose
   * weight matters.
   */
  grams: Record<string, number[]>;
  examples: number;
}

export const ORDERS: [number, number] = [1, 3];

const LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;
const DIGIT = /\p{Nd}/u;

/** The code point a character counts as, or -1 for a boundary: letters and numbers only, any digit as 0. */
function unitOf(cp: number, ch: string): number {
  // Common cases first: the CJK block, ASCII letters and digits.
  if (cp >= 0x4e00 && cp <= 0x9fff) return cp;
  if ((cp >= 97 && cp <= 122) || (cp >= 65 && cp <= 90)) return cp;
  if (cp >= 48 && cp <= 57) return 48;
  if (cp < 128) return -1;
  // House numbers and phone numbers say nothing about the matter.
  if (!LETTER_OR_NUMBER.test(ch)) return -1;
  return DIGIT.test(ch) ? 48 : cp;
}

/** The runs of letters and numbers of a text, as code points. */
export function segments(text: string): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  for (const ch of text) {
    const u = unitOf(ch.codePointAt(0)!, ch);
    if (u >= 0) current.push(u);
    else if (current.length) {
      out.push(current);
      current = [];
    }
  }
  if (current.length) out.push(current);
  return out;
}

/** The distinct grams of a text (each counts once per document: a repeated word is not more evidence). */
export function gramsOf(text: string, [lo, hi]: [number, number] = ORDERS): Set<string> {
  const grams = new Set<string>();
  for (const seg of segments(text)) {
    for (let i = 0; i < seg.length; i++) {
      let gram = '';
      for (let n = 1; n <= hi && i + n <= seg.length; n++) {
        gram += String.fromCodePoint(seg[i + n - 1]!);
        if (n >= lo) grams.add(gram);
      }
    }
  }
  return grams;
}

/**
 * The scores of a set of grams, as the model computes them: each known gram weighs
 * its rarity, the text's weights scaled to unit length (a long text is not more
 * evidence than a short one); per class, the weighted postings plus the weights'
 * sum times the class's per-gram term. Null when no gram is known. The model
 * (model.ts) does the same from its own index, faster.
 */
export function scoresOf(data: ModelData, grams: Iterable<string>): Float64Array | null {
  const s = new Float64Array(data.classes.length);
  const hits: number[][] = [];
  let sq = 0;
  for (const g of grams) {
    const postings = data.grams[g];
    if (!postings) continue;
    hits.push(postings);
    sq += postings[0]! * postings[0]!;
  }
  if (hits.length === 0 || s.length === 0 || sq === 0) return null;
  const norm = 1 / Math.sqrt(sq);
  let mass = 0;
  for (const postings of hits) {
    const t = postings[0]! * norm;
    mass += t;
    for (let j = 1; j + 1 < postings.length; j += 2) s[postings[j]!]! += t * postings[j + 1]!;
  }
  for (let c = 0; c < s.length; c++) s[c] = s[c]! + mass * data.perGram[c]!;
  return s;
}
