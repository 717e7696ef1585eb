/**
 * The per-call memory of the urgency detector (urgency.ts), kept between calls: the
 * detector runs for every complaint within a budget of a few microseconds, and fresh
 * arrays, maps and sets per call cost more than the matching itself.
 */

// What stands at a position of the text, one bit each (by start or by end of the word).
export const NOT_NEGATOR = 1; // by start
export const POST_NEGATOR = 2; // by start
export const QUESTION = 4; // by end
export const UNREAL_AFTER = 8; // by start
export const BREAK = 16; // by start
export const NEGATED = 32; // by end: a negator not part of a longer non-negating word
export const MASK = 64; // by start, its end in maskEnd
export const MARK = [128, 256, 512]; // unreal, present, doubt markers, by end, their start in markStart
export const [UNREAL, PRESENT, DOUBT] = [0, 1, 2];

/** 2 sure, 1 to confirm (with the marker that makes it doubtful), 0 does not count. */
export interface Verdict {
  level: 0 | 1 | 2;
  marker?: string;
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Scratch memory reused from call to call: detect() runs for every complaint and must
 * cost a few microseconds, so nothing proportional to the text is allocated per call.
 * Per-rule and per-combination slots are valid only when their stamp is the call's.
 */
export class Scratch {
  cap = 0;
  flags = new Uint16Array(0);
  maskEnd = new Int32Array(0);
  markStart = [new Int32Array(0), new Int32Array(0), new Int32Array(0)];
  lastMark = [new Int32Array(0), new Int32Array(0), new Int32Array(0)]; // last marker end ≤ i, or -1
  maskReach = new Int32Array(0); // furthest end of a mask starting at or before i
  clauseStart = new Int32Array(0);
  clauseEnd = new Int32Array(0);
  // Keywords, objects and states in order of end; negators by position, resolved after the scan.
  hits = 0;
  hitKind = new Int32Array(16);
  hitOf = new Int32Array(16);
  hitStart = new Int32Array(16);
  hitEnd = new Int32Array(16);
  hitWord: Verdict[] = []; // each hit's verdict on its own, once computed
  negators = 0;
  negStart = new Int32Array(16);
  negEnd = new Int32Array(16);
  masks = 0;
  aftermathStart = -1; // the first aftermath word, if any
  aftermathEnd = -1;
  marks = [0, 0, 0];
  call = 0;
  ruleExcluded: Int32Array;
  comboExcluded: Int32Array;
  comboSeen: Int32Array;
  lastObject: Int32Array;
  lastState: Int32Array;
  bestSeen: Int32Array;
  bestVerdict: Verdict[] = [];
  bestWords: string[][] = [];
  bestLiteral: boolean[] = [];
  fired: number[] = [];

  constructor(rules: number, combos: number) {
    this.ruleExcluded = new Int32Array(rules);
    this.bestSeen = new Int32Array(rules);
    this.comboExcluded = new Int32Array(combos);
    this.comboSeen = new Int32Array(combos);
    this.lastObject = new Int32Array(combos);
    this.lastState = new Int32Array(combos);
  }

  begin(n: number): void {
    if (n + 1 > this.cap) {
      const c = (this.cap = Math.max(n + 1, this.cap * 2, 64));
      this.flags = new Uint16Array(c);
      this.maskEnd = new Int32Array(c);
      this.markStart = this.markStart.map(() => new Int32Array(c));
      this.lastMark = this.lastMark.map(() => new Int32Array(c));
      this.maskReach = new Int32Array(c);
      this.clauseStart = new Int32Array(c);
      this.clauseEnd = new Int32Array(c);
    } else this.flags.fill(0, 0, n + 1);
    if (++this.call === 0x3fffffff) {
      for (const a of [this.ruleExcluded, this.comboExcluded, this.comboSeen, this.bestSeen]) a.fill(0);
      this.call = 1;
    }
    this.hits = this.negators = this.masks = 0;
    this.aftermathStart = this.aftermathEnd = -1;
    this.marks[0] = this.marks[1] = this.marks[2] = 0;
    this.fired.length = 0;
  }

  pushHit(kind: number, of: number, start: number, end: number): void {
    if (this.hits === this.hitKind.length) {
      this.hitKind = grow(this.hitKind);
      this.hitOf = grow(this.hitOf);
      this.hitStart = grow(this.hitStart);
      this.hitEnd = grow(this.hitEnd);
    }
    const i = this.hits++;
    this.hitKind[i] = kind;
    this.hitOf[i] = of;
    this.hitStart[i] = start;
    this.hitEnd[i] = end;
  }

  pushNegator(start: number, end: number): void {
    if (this.negators === this.negStart.length) {
      this.negStart = grow(this.negStart);
      this.negEnd = grow(this.negEnd);
    }
    this.negStart[this.negators] = start;
    this.negEnd[this.negators++] = end;
  }

  /** After the scan: negations resolved, and the prefix tables the context checks read in O(1). */
  finish(n: number): void {
    const { flags } = this;
    for (let g = 0; g < this.negators; g++) if (!(flags[this.negStart[g]!]! & NOT_NEGATOR)) flags[this.negEnd[g]!]! |= NEGATED;
    const { clauseStart, clauseEnd, maskReach, maskEnd } = this;
    clauseStart[0] = 0;
    for (let i = 1; i <= n; i++) clauseStart[i] = flags[i - 1]! & BREAK ? i : clauseStart[i - 1]!;
    clauseEnd[n] = n;
    for (let i = n - 1; i >= 0; i--) clauseEnd[i] = flags[i]! & BREAK ? i : clauseEnd[i + 1]!;
    if (this.masks) for (let i = 0, r = 0; i <= n; i++) maskReach[i] = r = Math.max(r, flags[i]! & MASK ? maskEnd[i]! : 0);
    for (let m = 0; m < 3; m++) {
      if (!this.marks[m]) continue;
      const last = this.lastMark[m]!;
      for (let i = 0, e = -1; i <= n; i++) last[i] = e = flags[i]! & MARK[m]! ? i : e;
    }
  }
}
