/**
 * A text model learned from the centre's own history (issue 14): complement naive
 * Bayes over character 1–3-grams (with Rennie's length normalisation and a weight
 * for how few matters use a gram), since Chinese has no spaces and the centre's
 * matters are far from equally common. Pure. Trained by model-train.ts into plain
 * JSON (classifier_models.model); `NaiveBayesModel` answers from that JSON.
 *
 * Complement NB scores a class by how unlike the *other* classes the text is. Its
 * weight for a gram splits into a part shared by every class and a part only the
 * classes that saw the gram have, so the model keeps, per gram, only those classes
 * (its postings): a prediction costs the text's length times the classes that saw
 * its grams, not times every class.
 */
import type { ModelPrediction, TextModel } from './classify.ts';
import { MODEL_VERSION, segments, type ModelData } from './model-features.ts';

export { train, Trainer, type TrainOptions } from './model-train.ts';
export { gramsOf, MODEL_VERSION, type ModelData } from './model-features.ts';

/** A stored model, or null when it was trained by another version of the model (it is ignored until retrained). */
export function loadModel(data: unknown): NaiveBayesModel | null {
  const version = (data as { version?: unknown } | null)?.version;
  return version === MODEL_VERSION ? new NaiveBayesModel(data as ModelData) : null;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Answers from a trained model's JSON. The grams form a trie whose edges (parent
 * node, code point) live in one open-addressing table of typed arrays, and whose
 * nodes' postings lie in two flat arrays: the hot loop touches no objects and makes
 * no substrings.
 */
/** How many matters a prediction ranks, and the posterior below which a matter is not worth ranking. */
const RANKED = 5;
const RANKED_FLOOR = 0.01;

export class NaiveBayesModel implements TextModel {
  private readonly classes: string[];
  private readonly perGram: Float64Array;
  private readonly temperature: number;
  private readonly hi: number;
  private readonly lo: number;
  // Edges: slot → parent node, code point, child node (parent −1: an empty slot).
  private readonly mask: number;
  private readonly edgeParent: Int32Array;
  private readonly edgePoint: Int32Array;
  private readonly edgeChild: Int32Array;
  // Nodes (0 is the root): postings [start, end) into cls/w, empty for a mere prefix.
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly grams: string[];
  private readonly cls: Uint16Array;
  private readonly w: Float32Array;
  /** Per node: the gram's rarity, its weight in a text. */
  private readonly rarity: Float64Array;
  // Per call: which nodes this text has hit (a stamp, so that a gram counts once), and the scores.
  private readonly seen: Int32Array;
  private stamp = 0;
  private readonly scores: Float64Array;

  constructor(data: ModelData) {
    if (data.version !== MODEL_VERSION) throw new Error(`model version ${data.version} is not ${MODEL_VERSION}`);
    this.classes = data.classes;
    this.perGram = Float64Array.from(data.perGram);
    this.temperature = data.temperature;
    [this.lo, this.hi] = data.orders;
    this.scores = new Float64Array(data.classes.length);

    // Every prefix of every gram is a node; count them to size the tables.
    const entries = Object.entries(data.grams);
    const nodes = new Map<string, number>([['', 0]]);
    for (const [gram] of entries) {
      let prefix = '';
      for (const ch of gram) if (!nodes.has((prefix += ch))) nodes.set(prefix, nodes.size);
    }
    const n = nodes.size;
    let size = 1;
    while (size < n * 2) size *= 2;
    this.mask = size - 1;
    this.edgeParent = new Int32Array(size).fill(-1);
    this.edgePoint = new Int32Array(size);
    this.edgeChild = new Int32Array(size);
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.seen = new Int32Array(n);
    this.rarity = new Float64Array(n);
    this.grams = [...nodes.keys()];
    for (const [prefix, id] of nodes) {
      if (id === 0) continue;
      const chars = [...prefix];
      const parent = nodes.get(chars.slice(0, -1).join(''))!;
      const cp = chars[chars.length - 1]!.codePointAt(0)!;
      let slot = hash(parent, cp) & this.mask;
      while (this.edgeParent[slot] !== -1) slot = (slot + 1) & this.mask;
      this.edgeParent[slot] = parent;
      this.edgePoint[slot] = cp;
      this.edgeChild[slot] = id;
    }
    const cls: number[] = [];
    const w: number[] = [];
    for (const [gram, postings] of entries) {
      const id = nodes.get(gram)!;
      this.rarity[id] = postings[0] ?? 0;
      this.start[id] = cls.length;
      for (let i = 1; i + 1 < postings.length; i += 2) {
        cls.push(postings[i]!);
        w.push(postings[i + 1]!);
      }
      this.end[id] = cls.length;
    }
    this.cls = Uint16Array.from(cls);
    this.w = Float32Array.from(w);
  }

  /** How many matters the model knows. */
  get size(): number {
    return this.classes.length;
  }

  predict(normalizedText: string): ModelPrediction | null {
    const hit: number[] = [];
    const s = this.score(segments(normalizedText), hit);
    if (!s) return null;
    let best = 0;
    let second = -1;
    for (let c = 1; c < s.length; c++) {
      if (s[c]! > s[best]!) {
        second = best;
        best = c;
      } else if (second < 0 || s[c]! > s[second]!) second = c;
    }
    // The posterior of the best matter: how far it is ahead of the others, on the held-out scale.
    let z = 0;
    const top = s[best]!;
    for (let c = 0; c < s.length; c++) z += Math.exp((s[c]! - top) / this.temperature);
    // The few likeliest matters with their posteriors, for the classifier to weigh against the rules' words.
    const ranked: { code: string; p: number }[] = [];
    for (let c = 0; c < s.length; c++) {
      const p = Math.exp((s[c]! - top) / this.temperature) / z;
      if (p < RANKED_FLOOR) continue;
      ranked.push({ code: this.classes[c]!, p: round(p) });
    }
    ranked.sort((a, b) => b.p - a.p);
    if (ranked.length > RANKED) ranked.length = RANKED;
    return { code: this.classes[best]!, confidence: round(1 / z), evidence: this.evidence(hit, best, second), ranked };
  }

  private child(parent: number, cp: number): number {
    let slot = hash(parent, cp) & this.mask;
    for (;;) {
      const p = this.edgeParent[slot]!;
      if (p === -1) return -1;
      if (p === parent && this.edgePoint[slot] === cp) return this.edgeChild[slot]!;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Walk each position down the trie up to the longest gram; every gram counts once. */
  private score(segs: number[][], hit: number[]): Float64Array | null {
    const stamp = ++this.stamp;
    for (const seg of segs) {
      for (let i = 0; i < seg.length; i++) {
        let node = 0;
        for (let n = 1; n <= this.hi && i + n <= seg.length; n++) {
          node = this.child(node, seg[i + n - 1]!);
          if (node < 0) break;
          if (n >= this.lo && this.end[node]! > this.start[node]! && this.seen[node] !== stamp) {
            this.seen[node] = stamp;
            hit.push(node);
          }
        }
      }
    }
    const L = hit.length;
    if (L === 0 || this.classes.length === 0) return null;
    const s = this.scores;
    s.fill(0);
    const { cls, w, start, end, rarity } = this;
    // As scoresOf (model-features.ts) computes them, which calibrated the temperature:
    // the text's gram weights scaled to unit length.
    let sq = 0;
    for (let k = 0; k < L; k++) sq += rarity[hit[k]!]! ** 2;
    if (sq === 0) return null;
    const norm = 1 / Math.sqrt(sq);
    let mass = 0;
    for (let k = 0; k < L; k++) {
      const node = hit[k]!;
      const t = rarity[node]! * norm;
      mass += t;
      for (let j = start[node]!, e = end[node]!; j < e; j++) s[cls[j]!]! += t * w[j]!;
    }
    for (let c = 0; c < s.length; c++) s[c] = s[c]! + mass * this.perGram[c]!;
    return s;
  }

  /** The grams that put the best class ahead of the runner-up most, the longer of two overlapping ones. */
  private evidence(hit: number[], best: number, second: number, count = 5): string[] {
    // The strongest few by one pass and an insertion into a short list: sorting every hit would cost more than scoring.
    const top: { node: number; lift: number }[] = [];
    const room = count * 3;
    for (const node of hit) {
      let lift = 0;
      for (let j = this.start[node]!; j < this.end[node]!; j++) {
        if (this.cls[j] === best) lift += this.w[j]!;
        else if (this.cls[j] === second) lift -= this.w[j]!;
      }
      lift *= this.rarity[node]!;
      if (lift <= 0 || (top.length === room && lift <= top[room - 1]!.lift)) continue;
      let k = top.length;
      while (k > 0 && top[k - 1]!.lift < lift) k--;
      top.splice(k, 0, { node, lift });
      if (top.length > room) top.pop();
    }
    const out: string[] = [];
    for (const { node } of top) {
      if (out.length >= count) break;
      const gram = this.grams[node]!;
      if (out.some((g) => g.includes(gram))) continue;
      const inside = out.findIndex((g) => gram.includes(g));
      if (inside >= 0) out[inside] = gram;
      else out.push(gram);
    }
    return out;
  }
}

/** Mixes a node and a code point into a slot (two multiplicative hashes). */
const hash = (parent: number, cp: number) => (Math.imul(parent, 0x9e3779b1) ^ Math.imul(cp, 0x85ebca6b)) >>> 0;
