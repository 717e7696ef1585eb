/**
 * Finding the place a complaint is about in the official division tree.
 * Pure: built from area rows, it answers from memory with one automaton pass.
 */
import type { AliasIndex } from './aliases.ts';
import { AutomatonBuilder, type Automaton } from './automaton.ts';

export const LEVELS = ['city', 'district', 'street', 'community'] as const;
export type Level = (typeof LEVELS)[number];

export interface AreaRef {
  code: string;
  name: string;
  level: Level;
}

export interface PlaceResolution {
  /** The most specific area the text supports, or the common ancestor the text names when it is ambiguous. */
  area: (AreaRef & { path: AreaRef[] }) | null;
  /** Equally supported areas when the text does not pin one down. */
  candidates: (AreaRef & { path: AreaRef[] })[];
  ambiguous: boolean;
  /** The place names found in the text, as written. */
  matched: string[];
  /** Those of them that are aliases (小区, 大厦, …) rather than official names. */
  aliases?: string[];
}

/** Lower case and NFKC, so full-width digits and letters match their plain forms. */
export const normalize = (text: string) => text.normalize('NFKC').toLowerCase();

/** The unit that governs an area: 人民政府, 街道办事处, or the committee itself. */
export function governmentName(level: Level, name: string): string {
  if (level === 'city' || level === 'district') return `${name}人民政府`;
  if (level === 'street') return name.endsWith('街道') ? `${name}办事处` : /[镇乡]$/.test(name) ? `${name}人民政府` : name;
  return name;
}

/** How people say an official name: without 居委会 / 村民委员会, with 街 for 街道. */
export function spokenNames(level: Level, name: string): string[] {
  const names = new Set<string>([name]);
  if (level === 'city' && name.endsWith('市') && name.length > 2) names.add(name.slice(0, -1));
  if (level === 'street' && name.endsWith('街道')) names.add(name.slice(0, -1));
  if (level === 'community') {
    let m: RegExpMatchArray | null;
    if ((m = name.match(/^(.+?)(社区)?(居民委员会|居委会)$/))) names.add(`${m[1]}社区`);
    else if ((m = name.match(/^(.+?)(村民委员会|村委会)$/))) names.add(m[1]!.endsWith('村') ? m[1]! : `${m[1]}村`);
    else if ((m = name.match(/^(.+?)委员会$/))) names.add(m[1]!);
  }
  // Very short names (王村) occur inside too many other words to be evidence on their own.
  return [...names].filter((n) => level === 'city' || level === 'district' || n.length >= 3).map(normalize);
}

export class PlaceIndex {
  private codes: string[] = [];
  private names: string[] = [];
  private levels: number[] = [];
  private parents: number[] = [];
  private byCode = new Map<string, number>();
  private automaton!: Automaton;
  private builder: AutomatonBuilder | null = new AutomatonBuilder();

  /** Add areas parents first (as `divisions()` and the areas table yield them). */
  add(code: string, name: string, level: Level, parentCode: string | null): void {
    if (!this.builder) throw new Error('PlaceIndex is already built');
    const index = this.codes.length;
    this.codes.push(code);
    this.names.push(name);
    this.levels.push(LEVELS.indexOf(level));
    this.parents.push(parentCode === null ? -1 : (this.byCode.get(parentCode) ?? -1));
    this.byCode.set(code, index);
    for (const spoken of spokenNames(level, name)) this.builder.add(spoken, index);
  }

  build(): this {
    this.automaton = this.builder!.build();
    this.builder = null;
    return this;
  }

  get size(): number {
    return this.codes.length;
  }

  get(code: string): (AreaRef & { path: AreaRef[] }) | null {
    const i = this.byCode.get(code);
    return i === undefined ? null : this.describe(i);
  }

  private ref(i: number): AreaRef {
    return { code: this.codes[i]!, name: this.names[i]!, level: LEVELS[this.levels[i]!]! };
  }

  private describe(i: number): AreaRef & { path: AreaRef[] } {
    const path: AreaRef[] = [];
    for (let a = i; a >= 0; a = this.parents[a]!) path.unshift(this.ref(a));
    return { ...this.ref(i), path };
  }

  private ancestors(i: number): number[] {
    const out: number[] = [];
    for (let a = i; a >= 0; a = this.parents[a]!) out.push(a);
    return out;
  }

  /** Is `a` the area `d` or one of its ancestors? */
  isWithin(code: string, ancestorCode: string): boolean {
    const d = this.byCode.get(code);
    const a = this.byCode.get(ancestorCode);
    return d !== undefined && a !== undefined && this.ancestors(d).includes(a);
  }

  resolve(rawText: string, aliases?: AliasIndex | null): PlaceResolution {
    const text = normalize(rawText);
    // Longest mentions win: 大王庄街道 hides the 大王庄街 inside it.
    const hits: Hit[] = [];
    this.automaton.scan(text, (area, start, end) => hits.push({ start, end, area }));
    aliases?.scan(text, (codes, start, end) => {
      for (const code of codes) {
        const area = this.byCode.get(code);
        if (area !== undefined) hits.push({ start, end, area, alias: true });
      }
    });
    let kept = hits.filter((h) => !hits.some((o) => o.end - o.start > h.end - h.start && o.start <= h.start && o.end >= h.end));
    if (aliases) kept = this.agreeing(kept);
    if (kept.length === 0) return { area: null, candidates: [], ambiguous: false, matched: [] };

    // One mention per place name written; its candidates are every area of that name.
    const mentions = new Map<string, Set<number>>();
    for (const h of kept) {
      const key = `${h.start}:${h.end}`;
      if (!mentions.has(key)) mentions.set(key, new Set());
      mentions.get(key)!.add(h.area);
    }
    const mentionsOf = new Map<number, Set<string>>();
    for (const [key, areas] of mentions) {
      for (const a of areas) {
        if (!mentionsOf.has(a)) mentionsOf.set(a, new Set());
        mentionsOf.get(a)!.add(key);
      }
    }
    // An area is supported by each mention that names it or one of its ancestors.
    let best: number[] = [];
    let bestSupport = -1;
    let bestDepth = -1;
    for (const candidate of mentionsOf.keys()) {
      const support = new Set<string>();
      for (const a of this.ancestors(candidate)) for (const m of mentionsOf.get(a) ?? []) support.add(m);
      const depth = this.levels[candidate]!;
      if (support.size > bestSupport || (support.size === bestSupport && depth > bestDepth)) {
        best = [candidate];
        bestSupport = support.size;
        bestDepth = depth;
      } else if (support.size === bestSupport && depth === bestDepth) {
        best.push(candidate);
      }
    }
    const matched = [...new Set(kept.sort((a, b) => a.start - b.start).map((h) => text.slice(h.start, h.end)))];
    const aliasNames = [...new Set(kept.filter((h) => h.alias).map((h) => text.slice(h.start, h.end)))];
    const extra = aliasNames.length ? { aliases: aliasNames } : {};
    if (best.length === 1) return { area: this.describe(best[0]!), candidates: [], ambiguous: false, matched, ...extra };

    // Ambiguous: report the deepest ancestor they share, if the text itself named it.
    const common = this.ancestors(best[0]!).find((a) => best.every((b) => this.ancestors(b).includes(a)));
    const named = common !== undefined && mentionsOf.has(common) ? this.describe(common) : null;
    const candidates = best
      .sort((a, b) => (this.codes[a]! < this.codes[b]! ? -1 : 1))
      .slice(0, 20)
      .map((i) => this.describe(i));
    return { area: named, candidates, ambiguous: true, matched, ...extra };
  }

  /**
   * An alias is weaker evidence than an official name: where the text names an
   * official area above the alias's (a district, a street), the alias counts only
   * for the places inside one of them. 南开区 + an estate known only in 河东区 is
   * not sent to 河东区; it resolves as if the estate were not known.
   */
  private agreeing(hits: Hit[]): Hit[] {
    const named = new Map<number, Set<number>>();
    for (const h of hits) {
      if (h.alias) continue;
      const level = this.levels[h.area]!;
      if (!named.has(level)) named.set(level, new Set());
      named.get(level)!.add(h.area);
    }
    return hits.filter((h) => {
      if (!h.alias) return true;
      const up = this.ancestors(h.area);
      for (const [level, areas] of named) {
        if (level >= this.levels[h.area]!) continue;
        if (!up.some((a) => areas.has(a))) return false;
      }
      return true;
    });
  }
}

interface Hit {
  start: number;
  end: number;
  area: number;
  /** Found by an alias, not an official name. */
  alias?: boolean;
}
