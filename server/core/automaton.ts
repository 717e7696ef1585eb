/**
 * Aho–Corasick multi-pattern matcher over UTF-16 code units. Pure and
 * dependency-free: it finds category keywords and administrative place names
 * (up to ~1.5 million of them) in complaint texts, at a cost per character that
 * does not grow with the number of patterns. The caller normalises text.
 *
 * Layout, chosen so 1.5M patterns fit in tens of MB rather than GBs of objects:
 * states are numbered in breadth-first order with each state's children in
 * ascending character order. The children of a state are therefore a contiguous
 * run of state numbers, so one offset per state (`childStart`) plus the character
 * that leads into each state (`label`) is the whole goto function: no edge
 * arrays, no per-node objects. A state's depth is its BFS level, so a failure
 * link always points to a smaller state number and all links can be computed in
 * one forward pass.
 */

export interface Match {
  start: number;
  end: number;
  id: number;
} // text.slice(start, end) is the pattern

// Ids live in an Int32Array.
const MAX_ID = 0x7fffffff;
// Below this fan-out a linear scan over adjacent labels beats binary search.
const LINEAR_FANOUT = 8;
// Runs longer than this are radix-sorted, shorter ones insertion-sorted.
const RADIX_RUN = 32;

/** @internal The typed arrays that make up a built automaton. */
interface Tables {
  patternCount: number;
  label: Uint16Array; // character on the edge into each state
  childStart: Int32Array; // children of s are states [childStart[s], childStart[s + 1])
  fail: Int32Array; // longest proper suffix of s that is also a trie state
  rootNext: Int32Array; // full 64K transition row for the root, where most scans spend their time
  // Outputs hang off "records", one per state that ends a pattern, so the
  // per-state cost is a single int (out) however many ids there are.
  out: Int32Array; // record of the nearest pattern-ending state on s's failure chain (s included); 0 = none
  recNext: Int32Array; // next shorter record on the same failure chain (dictionary suffix link)
  recLen: Int32Array; // pattern length of a record, to report start positions
  recIds: Int32Array; // ids of record r are ids[recIds[r] .. recIds[r + 1])
  ids: Int32Array;
}

function findChild(label: Uint16Array, childStart: Int32Array, s: number, c: number): number {
  let lo = childStart[s]!;
  let hi = childStart[s + 1]!;
  if (hi - lo <= LINEAR_FANOUT) {
    for (; lo < hi; lo++) if (label[lo] === c) return lo;
    return -1;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = label[mid]!;
    if (x === c) return mid;
    if (x < c) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

export class AutomatonBuilder {
  // Plain arrays are only the build-time input; the automaton keeps none of them.
  private readonly patterns: string[] = [];
  private readonly ids: number[] = [];

  /** Add a pattern with a payload id (non-negative integer). The same pattern may be added with several ids; empty patterns are ignored. */
  add(pattern: string, id: number): void {
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID) {
      throw new RangeError(`pattern id must be an integer in [0, 2^31 - 1], got ${id}`);
    }
    if (pattern.length === 0) return;
    this.patterns.push(pattern);
    this.ids.push(id);
  }

  /**
   * Builds the trie one depth level at a time instead of inserting pattern by
   * pattern. The patterns still running are kept in slots ordered by the state
   * they have reached; sorting each run of equal state by the next character
   * puts equal prefixes side by side, so new states come out directly in BFS
   * order. Linear in the total pattern length, with no per-node maps, and the
   * slot arrays are walked sequentially, which is what makes 1.5M patterns fast.
   */
  build(): Automaton {
    const pats = this.patterns;
    const m = pats.length;
    // One flat copy of all characters: the level passes read each pattern once per
    // depth, and chasing 1.5M heap strings there would be cache-miss bound.
    const offs = new Int32Array(m + 1);
    for (let i = 0; i < m; i++) offs[i + 1] = offs[i]! + pats[i]!.length;
    const total = offs[m]!;
    const codes = new Uint16Array(total);
    for (let i = 0, o = 0; i < m; i++) {
      const p = pats[i]!;
      for (let k = 0; k < p.length; k++) codes[o++] = p.charCodeAt(k);
    }
    // One state per pattern character at most, plus the root; trimmed afterwards.
    const labelBuf = new Uint16Array(total + 1);
    const parent = new Int32Array(total + 1);
    const termOf = new Int32Array(m); // state where each pattern ends
    // Slot k: pattern pat[k] has reached state node[k]; its next character is codes[pos[k]].
    const pat = new Int32Array(m);
    const node = new Int32Array(m);
    const pos = new Int32Array(m);
    const ch = new Uint16Array(m);
    // Scratch for the radix sort of long runs; node is constant within a run.
    const pat2 = new Int32Array(m);
    const pos2 = new Int32Array(m);
    const ch2 = new Uint16Array(m);
    const count = new Int32Array(257);
    for (let i = 0; i < m; i++) {
      pat[i] = i;
      pos[i] = offs[i]!;
    }

    // Two stable 8-bit counting passes (via the scratch arrays and back); cheaper
    // than clearing 65,536 buckets for every run.
    const radixRun = (lo: number, hi: number): void => {
      count.fill(0);
      for (let k = lo; k < hi; k++) count[(ch[k]! & 255) + 1]!++;
      for (let b = 0; b < 256; b++) count[b + 1]! += count[b]!;
      for (let k = lo; k < hi; k++) {
        const j = count[ch[k]! & 255]!++;
        pat2[j] = pat[k]!;
        pos2[j] = pos[k]!;
        ch2[j] = ch[k]!;
      }
      count.fill(0);
      for (let k = 0; k < hi - lo; k++) count[(ch2[k]! >> 8) + 1]!++;
      for (let b = 0; b < 256; b++) count[b + 1]! += count[b]!;
      for (let k = 0; k < hi - lo; k++) {
        const j = lo + count[ch2[k]! >> 8]!++;
        pat[j] = pat2[k]!;
        pos[j] = pos2[k]!;
        ch[j] = ch2[k]!;
      }
    };
    const insertionRun = (lo: number, hi: number): void => {
      for (let k = lo + 1; k < hi; k++) {
        const p = pat[k]!;
        const q = pos[k]!;
        const c = ch[k]!;
        let j = k - 1;
        for (; j >= lo && ch[j]! > c; j--) {
          pat[j + 1] = pat[j]!;
          pos[j + 1] = pos[j]!;
          ch[j + 1] = ch[j]!;
        }
        pat[j + 1] = p;
        pos[j + 1] = q;
        ch[j + 1] = c;
      }
    };

    let activeCount = m;
    let n = 1;
    while (activeCount > 0) {
      for (let k = 0; k < activeCount; k++) ch[k] = codes[pos[k]!]!;
      for (let lo = 0, hi: number; lo < activeCount; lo = hi) {
        const state = node[lo]!;
        for (hi = lo + 1; hi < activeCount && node[hi] === state; hi++);
        if (hi - lo > RADIX_RUN) radixRun(lo, hi);
        else if (hi - lo > 1) insertionRun(lo, hi);
      }
      let prevParent = -1;
      let prevChar = -1;
      let kept = 0;
      for (let k = 0; k < activeCount; k++) {
        const p = node[k]!;
        const c = ch[k]!;
        if (p !== prevParent || c !== prevChar) {
          labelBuf[n] = c;
          parent[n] = p;
          n++;
          prevParent = p;
          prevChar = c;
        }
        const next = pos[k]! + 1;
        if (next === offs[pat[k]! + 1]) {
          termOf[pat[k]!] = n - 1;
        } else {
          // Compacting in place is safe: kept <= k, and runs stay in state order.
          pat[kept] = pat[k]!;
          pos[kept] = next;
          node[kept++] = n - 1;
        }
      }
      activeCount = kept;
    }

    const label = labelBuf.slice(0, n);
    // Parents are non-decreasing in BFS order, so one sweep finds each child run.
    const childStart = new Int32Array(n + 1);
    for (let s = 0, q = 1; s <= n; s++) {
      while (q < n && parent[q]! < s) q++;
      childStart[s] = s === n ? n : q;
    }
    const rootNext = new Int32Array(65536);
    for (let s = childStart[0]!; s < childStart[1]!; s++) rootNext[label[s]!] = s;

    const fail = new Int32Array(n);
    for (let s = childStart[1]!; s < n; s++) {
      const c = label[s]!;
      let f = fail[parent[s]!]!;
      let t = -1;
      while (f !== 0 && (t = findChild(label, childStart, f, c)) < 0) f = fail[f]!;
      fail[s] = f !== 0 ? t : rootNext[c]!;
    }

    // Number the pattern-ending states in state order (records start at 1 so
    // that 0 can mean "none"), then group ids by record in add order.
    const out = new Int32Array(n);
    for (let i = 0; i < m; i++) out[termOf[i]!] = 1;
    let recCount = 0;
    for (let s = 1; s < n; s++) if (out[s] !== 0) out[s] = ++recCount;
    const recIds = new Int32Array(recCount + 2);
    const recLen = new Int32Array(recCount + 1);
    for (let i = 0; i < m; i++) {
      const r = out[termOf[i]!]!;
      recIds[r + 1]!++;
      recLen[r] = offs[i + 1]! - offs[i]!;
    }
    for (let r = 0; r <= recCount; r++) recIds[r + 1]! += recIds[r]!;
    const fill = recIds.slice(0, recCount + 1);
    const rawIds = new Int32Array(m);
    for (let i = 0; i < m; i++) rawIds[fill[out[termOf[i]!]!]!++] = this.ids[i]!;
    // Drop exact (pattern, id) repeats so an occurrence is reported once per id.
    let w = 0;
    for (let r = 1; r <= recCount; r++) {
      const from = recIds[r]!;
      const to = recIds[r + 1]!;
      const base = (recIds[r] = w);
      const seen = to - from > 16 ? new Set<number>() : null;
      for (let k = from; k < to; k++) {
        const id = rawIds[k]!;
        let dup = false;
        if (seen) {
          dup = seen.has(id);
          seen.add(id);
        } else for (let j = base; j < w && !dup; j++) dup = rawIds[j] === id;
        if (!dup) rawIds[w++] = id;
      }
    }
    recIds[recCount + 1] = w;

    // fail[s] < s, so out[fail[s]] is final by the time s needs it.
    const recNext = new Int32Array(recCount + 1);
    for (let s = 1; s < n; s++) {
      const inherited = out[fail[s]!]!;
      if (out[s] !== 0) recNext[out[s]!] = inherited;
      else out[s] = inherited;
    }

    const ids = rawIds.slice(0, w);
    return new Automaton({ patternCount: w, label, childStart, fail, rootNext, out, recNext, recLen, recIds, ids });
  }
}

export class Automaton {
  readonly patternCount: number;
  readonly stateCount: number;
  readonly #t: Tables;

  /** @internal Use AutomatonBuilder. */
  constructor(tables: Tables) {
    this.#t = tables;
    this.patternCount = tables.patternCount;
    this.stateCount = tables.label.length;
  }

  /** Calls onMatch for every occurrence of every pattern (overlapping ones included), in order of end position, then longer patterns first. No allocation per character. */
  scan(text: string, onMatch: (id: number, start: number, end: number) => void): void {
    const { label, childStart, fail, rootNext, out, recNext, recLen, recIds, ids } = this.#t;
    let s = 0;
    for (let i = 0, len = text.length; i < len; i++) {
      const c = text.charCodeAt(i);
      for (;;) {
        if (s === 0) {
          s = rootNext[c]!;
          break;
        }
        const t = findChild(label, childStart, s, c);
        if (t >= 0) {
          s = t;
          break;
        }
        s = fail[s]!;
      }
      // Records on the chain are ever shorter suffixes, which gives the longer-first order.
      const end = i + 1;
      for (let r = out[s]!; r !== 0; r = recNext[r]!) {
        const start = end - recLen[r]!;
        for (let k = recIds[r]!, e = recIds[r + 1]!; k < e; k++) onMatch(ids[k]!, start, end);
      }
    }
  }

  /** Convenience: all matches as an array. */
  findAll(text: string): Match[] {
    const found: Match[] = [];
    this.scan(text, (id, start, end) => found.push({ start, end, id }));
    return found;
  }
}
