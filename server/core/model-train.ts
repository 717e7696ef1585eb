/**
 * Training the history model: complement naive Bayes (Rennie et al., 2003) over
 * character grams, turned into the sparse weights model.ts answers from. As Rennie
 * advises for real text: a document's grams are scaled to unit length (1/√grams:
 * a long message is one document, not many), a gram weighs by how few matters use
 * it (an inverse class frequency: place names and 麻烦你们 are everywhere, 电梯 is
 * not), and each matter is scored by the complement's standard CNB weight. Counting streams (a centre's history may be millions of lines); the model
 * is bounded by keeping only the grams that tell matters apart.
 */
import { gramsOf, MODEL_VERSION, ORDERS, scoresOf, type ModelData } from './model-features.ts';

export interface TrainOptions {
  /** Additive smoothing, in units of length-normalised, rarity-weighted gram mass. */
  alpha?: number;
  /** A gram seen in fewer documents is dropped (1 below 10,000 examples, else 2, unless given): on a small history a gram of one message still generalises. */
  minDocs?: number;
  /** The most grams kept, the most common first: bounds the stored model. */
  maxGrams?: number;
  /** A class's weight for a gram below this is stored as none: it would barely move a score. */
  minWeight?: number;
  /** A gram whose classes tell less than this (nats, over its occurrences) is dropped: it is an everyday one. */
  minInformation?: number;
  /** How many examples the trainer will see, so that it holds out a fair sample to calibrate on. */
  expected?: number;
}

const DEFAULT_TEMPERATURE = 1;
const HELD_OUT_MAX = 2000;
/** Fewer held-out examples than this fit a temperature to noise: the default stays. */
const HELD_OUT_MIN = 30;
/** Held-out answers count as this sure, not certain: a sample all right must not make the model claim certainty. */
const SMOOTHING = 0.05;

interface GramCount {
  docs: number;
  cls: number[];
  /** Documents of the class with the gram (selection), and their length-normalised mass (weights). */
  cnt: number[];
  mass: number[];
}

/** Counts as examples stream in (grouped by class is fastest, any order works). */
export class Trainer {
  private readonly classIndex = new Map<string, number>();
  private readonly counts = new Map<string, GramCount>();
  private readonly heldOut: { grams: Set<string>; cls: number }[] = [];
  private readonly holdEvery: number;
  private seen = 0;

  constructor(private readonly opts: TrainOptions = {}) {
    this.holdEvery = Math.max(10, Math.ceil((opts.expected ?? 0) / HELD_OUT_MAX));
  }

  add(text: string, code: string): void {
    let cls = this.classIndex.get(code);
    if (cls === undefined) this.classIndex.set(code, (cls = this.classIndex.size));
    const grams = gramsOf(text);
    if (grams.size === 0) return;
    this.seen++;
    if (this.seen % this.holdEvery === 0 && this.heldOut.length < HELD_OUT_MAX) this.heldOut.push({ grams, cls });
    else this.count(grams, cls);
  }

  private count(grams: Set<string>, cls: number): void {
    const unit = 1 / Math.sqrt(grams.size);
    for (const g of grams) {
      let c = this.counts.get(g);
      if (!c) this.counts.set(g, (c = { docs: 0, cls: [], cnt: [], mass: [] }));
      c.docs++;
      // Examples come grouped by class, so the class is nearly always the last one.
      let k = c.cls.length - 1;
      while (k >= 0 && c.cls[k] !== cls) k--;
      if (k >= 0) {
        c.cnt[k]!++;
        c.mass[k]! += unit;
      } else {
        c.cls.push(cls);
        c.cnt.push(1);
        c.mass.push(unit);
      }
    }
  }

  /** The model of everything seen, its temperature fitted on the held-out sample first. */
  finish(): ModelData {
    const classes = [...this.classIndex.keys()];
    const total = this.seen;
    let temperature = DEFAULT_TEMPERATURE;
    if (this.heldOut.length >= HELD_OUT_MIN) {
      const trial = this.build(classes, DEFAULT_TEMPERATURE, total - this.heldOut.length);
      temperature = fitTemperature(trial, this.heldOut);
    }
    for (const h of this.heldOut.splice(0)) this.count(h.grams, h.cls);
    return this.build(classes, temperature, total);
  }

  private build(classes: string[], temperature: number, examples: number): ModelData {
    const alpha = this.opts.alpha ?? 5;
    const minDocs = this.opts.minDocs ?? (examples < 10_000 ? 1 : 2);
    const minWeight = this.opts.minWeight ?? 0.01;
    const minInformation = this.opts.minInformation ?? 1;
    // A gram is worth keeping by how far its classes differ from the classes' shares overall
    // (its occurrences times the KL divergence): everyday characters go, telling words stay.
    const classDocs = new Float64Array(classes.length);
    for (const c of this.counts.values()) if (c.docs >= minDocs) c.cls.forEach((k, j) => (classDocs[k]! += c.cnt[j]!));
    const mass = classDocs.reduce((a, b) => a + b, 0);
    const kept: [string, GramCount, number][] = [];
    for (const [g, c] of this.counts) {
      if (c.docs < minDocs) continue;
      let info = 0;
      c.cls.forEach((k, j) => (info += c.cnt[j]! * Math.log((c.cnt[j]! / c.docs) * (mass / classDocs[k]!))));
      // By chance alone a gram spread over k classes scores about (k − 1) / 2 (G-test): only the excess counts.
      info -= c.cls.length - 1;
      if (info > minInformation) kept.push([g, c, info]);
    }
    kept.sort((a, b) => b[2] - a[2] || (a[0] < b[0] ? -1 : 1));
    kept.length = Math.min(kept.length, this.opts.maxGrams ?? 60_000);
    const vocab = kept.length;
    // Weighted counts: each gram's mass per class times its rarity, log((K + 1) / classes that saw it).
    const known = classes.length + 1;
    const perClass = new Float64Array(classes.length);
    const rarity = kept.map(([, c]) => Math.log(known / c.cls.length));
    kept.forEach(([, c], i) => c.cls.forEach((k, j) => (perClass[k]! += c.mass[j]! * rarity[i]!)));
    const all = perClass.reduce((a, b) => a + b, 0);
    // CNB: score_c = Σ_grams t_g · −log θ̃_cg, θ̃_cg = (N_g − N_cg + α) / (N − N_c + αV). Split into
    // log(N − N_c + αV) per unit of t (perGram), a part every class shares (dropped: it cancels),
    // and log(N_g + α) − log(N_g − N_cg + α) ≥ 0, only for the classes that saw the gram (postings).
    const perGram = [...perClass].map((n) => round(Math.log(all - n + alpha * vocab)));
    const grams: Record<string, number[]> = {};
    kept.forEach(([g, c], i) => {
      const r = rarity[i]!;
      if (r <= 0) return;
      const postings: number[] = [round(r)];
      let total = 0;
      for (const m of c.mass) total += m * r;
      const whole = Math.log(total + alpha);
      c.cls.forEach((k, j) => {
        const w = whole - Math.log(total - c.mass[j]! * r + alpha);
        if (w >= minWeight) postings.push(k, round(w));
      });
      if (postings.length > 1) grams[g] = postings;
    });
    return { version: MODEL_VERSION, orders: ORDERS, classes, perGram, temperature, grams, examples };
  }
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Train on a whole list at once. */
export function train(examples: Iterable<{ text: string; code: string }>, opts: TrainOptions = {}): ModelData {
  const list = [...examples];
  const t = new Trainer({ expected: list.length, ...opts });
  for (const e of [...list].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))) t.add(e.text, e.code);
  return t.finish();
}

/** The temperature that makes the held-out answers' probabilities most likely (golden-section on log T). */
function fitTemperature(model: ModelData, heldOut: { grams: Set<string>; cls: number }[]): number {
  const cases = heldOut.map((h) => ({ s: scoresOf(model, h.grams), cls: h.cls }));
  const usable = cases.filter((c) => c.s && c.cls < c.s.length) as { s: Float64Array; cls: number }[];
  if (usable.length < HELD_OUT_MIN) return DEFAULT_TEMPERATURE;
  const nll = (logT: number) => {
    const t = Math.exp(logT);
    let sum = 0;
    for (const { s, cls } of usable) {
      let max = -Infinity;
      for (const v of s) max = Math.max(max, v / t);
      let z = 0;
      for (const v of s) z += Math.exp(v / t - max);
      // Cross-entropy against (1 − ε) on the right matter and ε spread over the others.
      const logZ = Math.log(z) + max;
      let others = 0;
      for (let c = 0; c < s.length; c++) if (c !== cls) others += logZ - s[c]! / t;
      sum += (1 - SMOOTHING) * (logZ - s[cls]! / t) + (s.length > 1 ? (SMOOTHING * others) / (s.length - 1) : 0);
    }
    return sum;
  };
  let [a, b] = [Math.log(0.01), Math.log(100)];
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const c = b - phi * (b - a);
    const d = a + phi * (b - a);
    if (nll(c) < nll(d)) b = d;
    else a = c;
  }
  return round(Math.exp((a + b) / 2));
}
