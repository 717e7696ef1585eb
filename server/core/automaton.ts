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
}

// Ids live in an Int32Array.
const MAX_ID = 0x7fffffff;
// Below this fan-out a linear scan over adjacent labels beats binary search.
const LINEAR_FANOUT = 8;
// Below this many patterns at a level, a comparison sort is cheaper than two
// counting sorts, one of which walks 65,536 buckets (matters for long patterns).
const SMALL_LEVEL = 2048;

/** @internal The typed arrays that make up a built automaton. */
interface Tables {
  patternCount: number;
  label: Uint16Array; // character on the edge into each state
  childStart: Int32Array; // children of s are states [childStart[s], childStart[s + 1])
  fail: Int32Array; // longest proper suffix of s that is also a trie state
  out: Int32Array; // nearest state on s's failure chain (s included) that ends a pattern; 0 = none
  rootNext: Int32Array; // full 64K transition row for the root, where most scans spend their time
  idStart: Int32Array; // payload ids of state s are idList[idStart[s] .. idStart[s + 1])
  idList: Int32Array;
  lenList: Int32Array; // pattern length per idList entry, to report start positions
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
   * pattern: at each level the patterns still running are ordered by (parent
   * state, next character) with two stable counting sorts, so equal prefixes
   * are adjacent and new states come out directly in BFS order. This is linear
   * in the total pattern length and needs no per-node maps.
   */
  build(): Automaton {
    const pats = this.patterns;
    const m = pats.length;
    let total = 0;
    for (let i = 0; i < m; i++) total += pats[i]!.length;
    // One state per pattern character at most, plus the root; trimmed afterwards.
    const labelBuf = new Uint16Array(total + 1);
    const parent = new Int32Array(total + 1);
    const node = new Int32Array(m); // state each pattern has reached so far
    const termOf = new Int32Array(m); // state where each pattern ends
    const ch = new Uint16Array(m); // each pattern's character at the current depth
    const active = new Int32Array(m); // patterns longer than the current depth, in state order
    const spare = new Int32Array(m);
    const charCount = new Int32Array(65537);
    let parentCount = new Int32Array(0);
    for (let i = 0; i < m; i++) active[i] = i;
    let activeCount = m;
    let n = 1;
    let levelStart = 0; // states of the current depth are [levelStart, levelEnd)
    let levelEnd = 1;

    for (let d = 0; activeCount > 0; d++) {
      for (let k = 0; k < activeCount; k++) {
        const i = active[k]!;
        ch[i] = pats[i]!.charCodeAt(d);
      }
      if (activeCount < SMALL_LEVEL) {
        // Order among equal prefixes does not matter: ids are regrouped in add order below.
        active.subarray(0, activeCount).sort((a, b) => node[a]! - node[b]! || ch[a]! - ch[b]!);
      } else {
        // LSD radix: by character, then stably by parent, giving (parent, character) order.
        charCount.fill(0);
        for (let k = 0; k < activeCount; k++) charCount[ch[active[k]!]! + 1]!++;
        for (let c = 0; c < 65536; c++) charCount[c + 1]! += charCount[c]!;
        for (let k = 0; k < activeCount; k++) {
          const i = active[k]!;
          spare[charCount[ch[i]!]!++] = i;
        }
        const width = levelEnd - levelStart;
        if (parentCount.length < width + 1) parentCount = new Int32Array(width + 1);
        else parentCount.fill(0, 0, width + 1);
        for (let k = 0; k < activeCount; k++) parentCount[node[spare[k]!]! - levelStart + 1]!++;
        for (let p = 0; p < width; p++) parentCount[p + 1]! += parentCount[p]!;
        for (let k = 0; k < activeCount; k++) {
          const i = spare[k]!;
          active[parentCount[node[i]! - levelStart]!++] = i;
        }
      }
      const nextStart = n;
      let prevParent = -1;
      let prevChar = -1;
      let kept = 0;
      for (let k = 0; k < activeCount; k++) {
        const i = active[k]!;
        const p = node[i]!;
        const c = ch[i]!;
        if (p !== prevParent || c !== prevChar) {
          labelBuf[n] = c;
          parent[n] = p;
          n++;
          prevParent = p;
          prevChar = c;
        }
        node[i] = n - 1;
        if (pats[i]!.length === d + 1) termOf[i] = n - 1;
        else active[kept++] = i; // compacting in place is safe: kept <= k
      }
      activeCount = kept;
      levelStart = nextStart;
      levelEnd = n;
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

    // Ids grouped by end state (counting sort keeps add order within a state),
    // then exact (pattern, id) repeats dropped so each occurrence is reported once per id.
    const idStart = new Int32Array(n + 1);
    for (let i = 0; i < m; i++) idStart[termOf[i]! + 1]!++;
    for (let s = 0; s < n; s++) idStart[s + 1]! += idStart[s]!;
    const fill = idStart.slice(0, n);
    const rawIds = new Int32Array(m);
    for (let i = 0; i < m; i++) rawIds[fill[termOf[i]!]!++] = this.ids[i]!;
    const lenOf = new Int32Array(n); // depth, known only for end states
    for (let i = 0; i < m; i++) lenOf[termOf[i]!] = pats[i]!.length;
    const rawLens = new Int32Array(m);
    let w = 0;
    for (let s = 0; s < n; s++) {
      const from = idStart[s]!;
      const to = idStart[s + 1]!;
      idStart[s] = w;
      const base = w;
      const seen = to - from > 16 ? new Set<number>() : null;
      for (let k = from; k < to; k++) {
        const id = rawIds[k]!;
        if (seen) {
          if (seen.has(id)) continue;
          seen.add(id);
        } else {
          let dup = false;
          for (let j = base; j < w && !dup; j++) dup = rawIds[j] === id;
          if (dup) continue;
        }
        rawLens[w] = lenOf[s]!;
        rawIds[w++] = id;
      }
    }
    idStart[n] = w;
    const idList = rawIds.slice(0, w);
    const lenList = rawLens.slice(0, w);

    // fail[s] < s, so the nearest pattern-ending suffix is already known for it.
    const out = new Int32Array(n);
    for (let s = 1; s < n; s++) out[s] = idStart[s + 1]! > idStart[s]! ? s : out[fail[s]!]!;

    return new Automaton({ patternCount: w, label, childStart, fail, out, rootNext, idStart, idList, lenList });
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
    const { label, childStart, fail, out, rootNext, idStart, idList, lenList } = this.#t;
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
      // The out chain visits ever shorter suffixes, which gives the longer-first order.
      const end = i + 1;
      for (let o = out[s]!; o !== 0; o = out[fail[o]!]!) {
        for (let k = idStart[o]!, e = idStart[o + 1]!; k < e; k++) onMatch(idList[k]!, end - lenList[k]!, end);
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
