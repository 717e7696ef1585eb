/**
 * 紧急: whether a complaint is a danger to life or property (15 minutes) or an
 * outage of water, power, gas or heat (30 minutes), and whether it is the
 * police's (110). Pure: built once from rules/urgency.yaml.
 *
 * One automaton holds every word the rules use — keywords, the objects and states
 * of combinations, exclusions and the language markers (negators, 万一, 好像…) —
 * and one pass over the text collects them with their positions. Everything after
 * is linear in the text and the matches: the cost does not grow with the rules.
 *
 * A missed danger can cost a life, a false alarm costs the operator a minute: when
 * the wording leaves doubt, the danger is flagged with `confirm` for a person.
 */
import { AutomatonBuilder, type Automaton } from './automaton.ts';
import type { Explanation } from './matching.ts';
import type { UrgentClass } from './deadlines.ts';
import { normalize } from './places.ts';
import { DEFAULT_URGENCY_WINDOW, type UrgencyLanguage, type UrgencyRule } from './rules.ts';

export interface UrgencyFinding {
  urgencyClass: UrgentClass | null;
  police: boolean;
  /** True when the class rests only on triggers a person must confirm (the caller was unsure, or asked). */
  confirm: boolean;
  /** Why it is to be confirmed, for the operator (Chinese); null when sure or nothing fired. */
  reason: string | null;
  /** Ids of the rules that fired. */
  fired: string[];
  /** The rules that fired, with the words that made them fire. */
  explanation: Explanation[];
}

// What a word of the automaton is: its kind and, for rule words, which rule or combination.
const enum K {
  Keyword,
  Exclusion,
  Object,
  State,
  ComboExclusion,
  Negator,
  NotNegator,
  PostNegator,
  Question,
  Unreal,
  UnrealAfter,
  Present,
  Doubt,
  Mask,
  Break,
}
const MARKERS = [K.Unreal, K.Present, K.Doubt] as const;

interface Combo {
  rule: number;
  window: number;
}

/** A word found, as the pairing and the context checks see it. */
interface Hit {
  kind: K;
  of: number; // rule (keywords) or combination (objects, states)
  start: number;
  end: number;
}

/** 2 sure, 1 to confirm (with the marker that makes it doubtful), 0 does not count. */
interface Verdict {
  level: 0 | 1 | 2;
  marker?: string;
}
const NO: Verdict = { level: 0 };
const SURE: Verdict = { level: 2 };

export class UrgencyDetector {
  private readonly automaton: Automaton;
  private readonly roles: { kind: K; of: number }[] = [];
  private readonly combos: Combo[] = [];
  private readonly gap: number;

  constructor(
    private readonly rules: UrgencyRule[],
    language: UrgencyLanguage,
  ) {
    const builder = new AutomatonBuilder();
    const add = (words: Iterable<string>, kind: K, of = -1) => {
      const id = this.roles.push({ kind, of }) - 1;
      for (const w of words) builder.add(normalize(w), id);
    };
    rules.forEach((rule, r) => {
      add(rule.keywords, K.Keyword, r);
      add(rule.exclusions ?? [], K.Exclusion, r);
      for (const c of rule.combinations ?? []) {
        const ci = this.combos.push({ rule: r, window: c.window ?? DEFAULT_URGENCY_WINDOW }) - 1;
        add(c.objects, K.Object, ci);
        add(c.states, K.State, ci);
        add(c.exclusions ?? [], K.ComboExclusion, ci);
      }
    });
    add(language.negators, K.Negator);
    add(language.notNegators, K.NotNegator);
    add(language.postNegators, K.PostNegator);
    add(language.questions, K.Question);
    add(language.unreal, K.Unreal);
    add(language.unrealAfter, K.UnrealAfter);
    add(language.present, K.Present);
    add(language.doubt, K.Doubt);
    add(language.masks, K.Mask);
    add([...language.clauseBreaks], K.Break);
    this.automaton = builder.build();
    this.gap = language.negationGap;
  }

  /** `text` is already normalised (see places.ts `normalize`). */
  detect(text: string): UrgencyFinding {
    const n = text.length;
    const hits: Hit[] = []; // keywords, objects and states, in order of end
    const excludedRules = new Set<number>();
    const excludedCombos = new Set<number>();
    const negators: Hit[] = [];
    const notNegatorStarts = new Set<number>();
    const postNegatorAt = new Uint8Array(n + 1); // by start
    const questionAt = new Uint8Array(n + 1); // by end
    const unrealAfterAt = new Uint8Array(n + 1); // by start
    const isBreak = new Uint8Array(n + 1);
    const maskReach = new Int32Array(n + 1); // furthest end of a mask starting at i
    // Counts of markers by end position, made cumulative below: "is there one in (a, b]" in O(1).
    const markerCount = MARKERS.map(() => new Int32Array(n + 1));
    const markerWords = MARKERS.map(() => new Map<number, string>()); // end → the word, for the reason

    this.automaton.scan(text, (id, start, end) => {
      const { kind, of } = this.roles[id]!;
      switch (kind) {
        case K.Keyword:
        case K.Object:
        case K.State:
          hits.push({ kind, of, start, end });
          break;
        case K.Exclusion:
          excludedRules.add(of);
          break;
        case K.ComboExclusion:
          excludedCombos.add(of);
          break;
        case K.Negator:
          negators.push({ kind, of, start, end });
          break;
        case K.NotNegator:
          notNegatorStarts.add(start);
          break;
        case K.PostNegator:
          postNegatorAt[start] = 1;
          break;
        case K.Question:
          questionAt[end] = 1;
          break;
        case K.UnrealAfter:
          unrealAfterAt[start] = 1;
          break;
        case K.Mask:
          maskReach[start] = Math.max(maskReach[start]!, end);
          break;
        case K.Break:
          isBreak[start] = 1;
          break;
        default: {
          const m = MARKERS.indexOf(kind as (typeof MARKERS)[number]);
          markerCount[m]![end]!++;
          markerWords[m]!.set(end, text.slice(start, end));
        }
      }
    });

    const negatedAt = new Uint8Array(n + 1); // by end, negators not part of a longer non-negating word
    for (const g of negators) if (!notNegatorStarts.has(g.start)) negatedAt[g.end] = 1;
    for (let i = 1; i <= n; i++) maskReach[i] = Math.max(maskReach[i]!, maskReach[i - 1]!);
    for (const c of markerCount) for (let i = 1; i <= n; i++) c[i]! += c[i - 1]!;
    // clauseStart[i]: where the clause holding position i starts; clauseEnd[i]: where it ends.
    const clauseStart = new Int32Array(n + 1);
    for (let i = 1; i <= n; i++) clauseStart[i] = isBreak[i - 1] ? i : clauseStart[i - 1]!;
    const clauseEnd = new Int32Array(n + 1).fill(n);
    for (let i = n - 1; i >= 0; i--) clauseEnd[i] = isBreak[i] ? i : clauseEnd[i + 1]!;

    const marker = (m: number, from: number, to: number): string | undefined => {
      if (to <= from || markerCount[m]![to]! - markerCount[m]![from]! === 0) return undefined;
      for (let e = to; e > from; e--) if (markerWords[m]!.has(e)) return markerWords[m]!.get(e);
      return undefined;
    };
    const within = (flags: Uint8Array, from: number, to: number) => {
      for (let i = Math.max(0, from); i <= Math.min(n, to); i++) if (flags[i]) return true;
      return false;
    };

    /** One word on its own: masked or negated words do not count; a question makes it doubtful. */
    const word = (h: Hit): Verdict => {
      // maskReach is a prefix maximum: some mask starting at or before the word reaches past it.
      if (maskReach[h.start]! >= h.end) return NO;
      const asked = within(questionAt, h.start - this.gap, h.start);
      if (asked) return { level: 1, marker: text.slice(Math.max(0, h.start - 3), h.start) };
      if (within(negatedAt, h.start - this.gap, h.start)) return NO;
      if (within(postNegatorAt, h.end, h.end + this.gap)) return NO;
      return SURE;
    };

    /**
     * The clause of the word that says what is happening (a keyword, or a combination's
     * state): hypothetical, future or past there means not now, unless the same clause
     * says it is now (已经, 正在…), and then a person confirms; doubt means confirm.
     */
    const context = (h: Hit): Verdict => {
      const cs = clauseStart[h.start]!;
      const unreal = marker(0, cs, h.start) ?? (within(unrealAfterAt, h.end, h.end + this.gap) ? '以后' : undefined);
      if (unreal) {
        const present = marker(1, cs, clauseEnd[h.end]!);
        return present ? { level: 1, marker: `${unreal}…${present}` } : NO;
      }
      const doubt = marker(2, cs, h.start);
      return doubt ? { level: 1, marker: doubt } : SURE;
    };

    // Per rule, its strongest verdict and the words behind it; a literal keyword says it
    // best, so combination words are listed only when no keyword fired as strongly.
    const best = new Map<number, { verdict: Verdict; words: Set<string>; literal: boolean }>();
    const fire = (rule: number, verdict: Verdict, words: string[], literal: boolean) => {
      if (verdict.level === 0 || excludedRules.has(rule)) return;
      const had = best.get(rule);
      if (!had || verdict.level > had.verdict.level || (verdict.level === had.verdict.level && literal && !had.literal)) {
        best.set(rule, { verdict, words: new Set(words), literal });
      } else if (verdict.level === had.verdict.level && literal === had.literal) for (const w of words) had.words.add(w);
    };
    const worse = (a: Verdict, b: Verdict): Verdict => (a.level <= b.level ? a : b);

    // Pairing: matches arrive in order of end, so the last object (state) seen before a
    // state (object) is its nearest counterpart; one comparison per match.
    const lastOf = new Map<number, { object?: Hit; state?: Hit }>();
    for (const h of hits) {
      const alone = word(h);
      if (alone.level === 0) continue;
      if (h.kind === K.Keyword) {
        fire(h.of, worse(alone, context(h)), [text.slice(h.start, h.end)], true);
        continue;
      }
      if (excludedCombos.has(h.of)) continue;
      const last = lastOf.get(h.of) ?? {};
      lastOf.set(h.of, last);
      const other = h.kind === K.Object ? last.state : last.object;
      if (h.kind === K.Object) last.object = h;
      else last.state = h;
      if (!other || (other.start === h.start && other.end === h.end)) continue;
      const combo = this.combos[h.of]!;
      if (h.start - other.end > combo.window) continue;
      const verdict = worse(worse(alone, word(other)), context(h.kind === K.State ? h : other));
      fire(combo.rule, verdict, [text.slice(other.start, other.end), text.slice(h.start, h.end)], false);
    }
    return this.finding(best);
  }

  private finding(best: Map<number, { verdict: Verdict; words: Set<string>; literal: boolean }>): UrgencyFinding {
    const fired = [...best].map(([r, v]) => ({ rule: this.rules[r]!, ...v }));
    const of = (cls: UrgentClass) => fired.filter((f) => f.rule.class === cls);
    const deciding = of('danger').length ? of('danger') : of('outage');
    const urgencyClass = deciding.length ? deciding[0]!.rule.class : null;
    const confirm = deciding.length > 0 && deciding.every((f) => f.verdict.level === 1);
    const explanation: Explanation[] = [];
    for (const f of fired) {
      explanation.push({ rule: `urgency:${f.rule.id}`, matched: [...f.words] });
      if (f.verdict.level === 1) explanation.push({ rule: `urgency-confirm:${f.rule.id}`, matched: [f.verdict.marker ?? ''] });
    }
    const doubtful = deciding.find((f) => f.verdict.level === 1);
    return {
      urgencyClass,
      police: fired.some((f) => f.rule.police),
      confirm,
      reason: confirm && doubtful ? `措辞不确定（${doubtful.verdict.marker}），请与来电人确认是否正在发生` : null,
      fired: fired.map((f) => f.rule.id),
      explanation,
    };
  }
}
