/**
 * 紧急: whether a complaint is a danger to life or property (15 minutes) or an
 * outage of water, power, gas or heat (30 minutes), and whether it is the
 * police's (110). Pure: built once from rules/urgency.yaml.
 *
 * One automaton holds every word the rules use — keywords, the objects and states
 * of combinations, exclusions and the language markers (negators, 万一, 好像…) —
 * and one pass over the text collects them with their positions. Everything after
 * is linear in the text and the matches: the cost does not grow with the rules, and
 * nothing in proportion to the text is allocated per call (see Scratch).
 *
 * A missed danger can cost a life, a false alarm costs the operator a minute: when
 * the wording leaves doubt, the danger is flagged with `confirm` for a person.
 */
import { AutomatonBuilder, type Automaton } from './automaton.ts';
import type { Explanation } from './matching.ts';
import type { UrgentClass } from './deadlines.ts';
import { normalize } from './places.ts';
import {
  BREAK,
  DOUBT,
  MARK,
  MASK,
  NEGATED,
  NOT_NEGATOR,
  POST_NEGATOR,
  PRESENT,
  QUESTION,
  Scratch,
  UNREAL,
  UNREAL_AFTER,
  type Verdict,
} from './urgency-scratch.ts';
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
  Aftermath,
  Break,
}

const NO: Verdict = { level: 0 };
const SURE: Verdict = { level: 2 };
const worse = (a: Verdict, b: Verdict): Verdict => (a.level <= b.level ? a : b);

export class UrgencyDetector {
  private readonly automaton: Automaton;
  private readonly roleKind: K[] = [];
  private readonly roleOf: number[] = [];
  private readonly comboRule: number[] = [];
  private readonly comboWindow: number[] = [];
  private readonly gap: number;
  private readonly s: Scratch;
  private readonly onMatch: (id: number, start: number, end: number) => void;

  constructor(
    private readonly rules: UrgencyRule[],
    language: UrgencyLanguage,
  ) {
    const builder = new AutomatonBuilder();
    const add = (words: Iterable<string>, kind: K, of = -1) => {
      const id = this.roleKind.push(kind) - 1;
      this.roleOf.push(of);
      for (const w of words) builder.add(normalize(w), id);
    };
    rules.forEach((rule, r) => {
      add(rule.keywords, K.Keyword, r);
      add(rule.exclusions ?? [], K.Exclusion, r);
      for (const c of rule.combinations ?? []) {
        const ci = this.comboRule.push(r) - 1;
        this.comboWindow.push(c.window ?? DEFAULT_URGENCY_WINDOW);
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
    add(language.aftermath ?? [], K.Aftermath);
    add([...language.clauseBreaks], K.Break);
    this.automaton = builder.build();
    this.gap = language.negationGap;
    const s = (this.s = new Scratch(rules.length, this.comboRule.length));
    this.onMatch = (id, start, end) => this.record(s, this.roleKind[id]!, this.roleOf[id]!, start, end);
  }

  private record(s: Scratch, kind: K, of: number, start: number, end: number): void {
    switch (kind) {
      case K.Keyword:
      case K.Object:
      case K.State:
        return s.pushHit(kind, of, start, end);
      case K.Exclusion:
        s.ruleExcluded[of] = s.call;
        return;
      case K.ComboExclusion:
        s.comboExcluded[of] = s.call;
        return;
      case K.Negator:
        return s.pushNegator(start, end);
      case K.NotNegator:
        s.flags[start]! |= NOT_NEGATOR;
        return;
      case K.PostNegator:
        s.flags[start]! |= POST_NEGATOR;
        return;
      case K.Question:
        s.flags[end]! |= QUESTION;
        return;
      case K.UnrealAfter:
        s.flags[start]! |= UNREAL_AFTER;
        return;
      case K.Break:
        s.flags[start]! |= BREAK;
        return;
      case K.Aftermath:
        if (s.aftermathEnd < 0) [s.aftermathStart, s.aftermathEnd] = [start, end];
        return;
      case K.Mask:
        s.maskEnd[start] = s.flags[start]! & MASK ? Math.max(s.maskEnd[start]!, end) : end;
        s.flags[start]! |= MASK;
        s.masks++;
        return;
      default: {
        const m = kind === K.Unreal ? UNREAL : kind === K.Present ? PRESENT : DOUBT;
        s.flags[end]! |= MARK[m]!;
        s.markStart[m]![end] = start; // the shortest of those ending here, as reported last
        s.marks[m]!++;
      }
    }
  }

  /** `text` is already normalised (see places.ts `normalize`). */
  detect(text: string): UrgencyFinding {
    const n = text.length;
    const s = this.s;
    const gap = this.gap;
    s.begin(n);
    this.automaton.scan(text, this.onMatch);
    if (s.hits === 0) return this.finding();
    s.finish(n);
    const { flags, hitKind, hitOf, hitStart, hitEnd, hitWord, call } = s;

    const within = (bit: number, from: number, to: number) => {
      for (let i = Math.max(0, from), e = Math.min(n, to); i <= e; i++) if (flags[i]! & bit) return true;
      return false;
    };
    /** The marker of kind m ending in (from, to] nearest to `to`, if any. */
    const marker = (m: number, from: number, to: number): string | undefined => {
      if (to <= from || !s.marks[m]) return undefined;
      const e = s.lastMark[m]![to]!;
      return e > from ? text.slice(s.markStart[m]![e], e) : undefined;
    };
    /** One word on its own: masked or negated words do not count; a question makes it doubtful. */
    const word = (h: number): Verdict => {
      const start = hitStart[h]!;
      const end = hitEnd[h]!;
      if (s.masks && s.maskReach[start]! >= end) return NO;
      if (within(QUESTION, start - gap, start)) return { level: 1, marker: text.slice(Math.max(0, start - 3), start) };
      if (within(NEGATED, start - gap, start)) return NO;
      if (within(POST_NEGATOR, end, end + gap)) return NO;
      return SURE;
    };
    /**
     * The clause of the word that says what is happening (a keyword, or a combination's
     * state): hypothetical, future or past there means not now, unless the same clause
     * says it is now (已经, 正在…), and then a person confirms; doubt means confirm.
     */
    const context = (h: number): Verdict => {
      const start = hitStart[h]!;
      const cs = s.clauseStart[start]!;
      const unreal = marker(UNREAL, cs, start) ?? (within(UNREAL_AFTER, hitEnd[h]!, hitEnd[h]! + gap) ? '以后' : undefined);
      if (unreal) {
        const present = marker(PRESENT, cs, s.clauseEnd[hitEnd[h]!]!);
        return present ? { level: 1, marker: `${unreal}…${present}` } : NO;
      }
      const doubt = marker(DOUBT, cs, start);
      return doubt ? { level: 1, marker: doubt } : SURE;
    };
    // Per rule, its strongest verdict and the words behind it; a literal keyword says it
    // best, so combination words are listed only when no keyword fired as strongly.
    const fire = (rule: number, verdict: Verdict, a: number, b: number, literal: boolean) => {
      if (verdict.level === 0 || s.ruleExcluded[rule] === call) return;
      const seen = s.bestSeen[rule] === call;
      const had = s.bestVerdict[rule]!;
      if (!seen || verdict.level > had.level || (verdict.level === had.level && literal && !s.bestLiteral[rule])) {
        if (!seen) s.fired.push(rule);
        s.bestSeen[rule] = call;
        s.bestVerdict[rule] = verdict;
        s.bestLiteral[rule] = literal;
        s.bestWords[rule] = [];
      } else if (verdict.level !== had.level || literal !== s.bestLiteral[rule]) return;
      const words = s.bestWords[rule]!;
      for (let h = a < 0 ? b : a; ; h = b) {
        const w = text.slice(hitStart[h], hitEnd[h]);
        if (!words.includes(w)) words.push(w);
        if (h === b) break;
      }
    };

    // Pairing: matches arrive in order of end, so the last object (state) seen before a
    // state (object) is its nearest counterpart; one comparison per match.
    for (let h = 0; h < s.hits; h++) {
      const alone = (hitWord[h] = word(h));
      if (alone.level === 0) continue;
      const kind = hitKind[h]!;
      const ci = hitOf[h]!;
      if (kind === K.Keyword) {
        fire(ci, worse(alone, context(h)), -1, h, true);
        continue;
      }
      if (s.comboExcluded[ci] === call) continue;
      if (s.comboSeen[ci] !== call) {
        s.comboSeen[ci] = call;
        s.lastObject[ci] = s.lastState[ci] = -1;
      }
      const other = kind === K.Object ? s.lastState[ci]! : s.lastObject[ci]!;
      if (kind === K.Object) s.lastObject[ci] = h;
      else s.lastState[ci] = h;
      if (other < 0 || (hitStart[other] === hitStart[h] && hitEnd[other] === hitEnd[h])) continue;
      if (hitStart[h]! - hitEnd[other]! > this.comboWindow[ci]!) continue;
      const verdict = worse(worse(alone, hitWord[other]!), context(kind === K.State ? h : other));
      fire(this.comboRule[ci]!, verdict, other, h, false);
    }
    if (s.aftermathEnd >= 0) this.aftermath(text, n);
    return this.finding();
  }

  /**
   * A call about the aftermath (怎么申请, 保险公司, 幸好…) tells of a danger as background:
   * it counts only if the text says something is happening now, and then to confirm.
   */
  private aftermath(text: string, n: number): void {
    const s = this.s;
    const now = s.marks[PRESENT] ? s.lastMark[PRESENT]![n]! : -1;
    if (now < 0) {
      s.fired.length = 0;
      return;
    }
    const verdict: Verdict = {
      level: 1,
      marker: `${text.slice(s.aftermathStart, s.aftermathEnd)}…${text.slice(s.markStart[PRESENT]![now], now)}`,
    };
    for (const r of s.fired) s.bestVerdict[r] = verdict;
  }

  private finding(): UrgencyFinding {
    const s = this.s;
    const fired = s.fired.map((r) => ({ rule: this.rules[r]!, verdict: s.bestVerdict[r]!, words: s.bestWords[r]! }));
    if (!fired.length) return { urgencyClass: null, police: false, confirm: false, reason: null, fired: [], explanation: [] };
    const of = (cls: UrgentClass) => fired.filter((f) => f.rule.class === cls);
    const deciding = of('danger').length ? of('danger') : of('outage');
    const urgencyClass = deciding.length ? deciding[0]!.rule.class : null;
    const confirm = deciding.length > 0 && deciding.every((f) => f.verdict.level === 1);
    const explanation: Explanation[] = [];
    for (const f of fired) {
      explanation.push({ rule: `urgency:${f.rule.id}`, matched: f.words });
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
