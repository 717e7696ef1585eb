/**
 * 事项分类 by the rules' words: each matter's weighed evidence in the text, and
 * the decision between the rules and a trained model. Pure: built once from the
 * taxonomy (one automaton over every word of every matter); a classifier with
 * newly learned extras reuses it.
 */
import { AutomatonBuilder, type Automaton } from './automaton.ts';
import { automatonOf, collect, isNegated, type Explanation } from './matching.ts';
import type { Category, Family, RuleSet } from './rules.ts';

/** What chose the category: the rules' words, the trained model, or nothing (the fallback). */
export const DECIDERS = ['rules', 'model', 'fallback'] as const;

/** A text model trained on the centre's history (server/core/model.ts): a recommendation and why. */
export interface TextModel {
  predict(normalizedText: string): ModelPrediction | null;
}
export interface ModelPrediction {
  code: string;
  /** 0..1: how far the best matter is ahead of the next. */
  confidence: number;
  /** The n-grams that weighed most for the best matter. */
  evidence: string[];
  /** The likeliest matters, best first, with their posteriors. */
  ranked: { code: string; p: number }[];
}

/** A word in a message's title counts this many times its weight. */
const TITLE_WEIGHT = 2;
/** A negated word (没有漏水, 不是噪音) still hints at the topic, but weakly. */
const NEGATED_WEIGHT = 0.25;
/** The score at which the rules' evidence alone is full (before the margin to the runner-up). */
const FULL_EVIDENCE = 1.5;
/** How much a sure model's posterior counts against the rules' word weights. */
const MODEL_WEIGHT = 1;
/** Rule confidence at or above which the model is not asked. */
const RULES_STAND = 0.6;

/**
 * Whether match i (id, start, end triples) lies inside a longer word of another
 * matter found at the same place, weighed at least as much: 违章 inside 违章搭建 is
 * not a traffic matter; but 地锁 (parking) stays itself inside a weaker 私装地锁.
 * Matches end in order, so only neighbours ending within its span can cover it.
 */
function coveredByOther(matches: number[], entries: { category: Category; weight: number }[], i: number, own: Category): boolean {
  const weight = entries[matches[i]!]!.weight;
  const start = matches[i + 1]!;
  const end = matches[i + 2]!;
  for (let j = 0; j < matches.length; j += 3) {
    if (j === i) continue;
    const s = matches[j + 1]!;
    const e = matches[j + 2]!;
    const other = entries[matches[j]!]!;
    if (s <= start && e >= end && e - s > end - start && other.category !== own && other.weight >= weight) return true;
  }
  return false;
}

/** Evidence and margin: full evidence with no runner-up is 1; an even tie halves it. */
function confidenceOf(top: number, next: number): number {
  return top > 0 ? Math.min(1, top / FULL_EVIDENCE) * (top / (top + next)) : 0;
}

export interface ScoredMatter {
  category: Category;
  score: number;
  words: string[];
}
export interface Decision {
  category: Category;
  confidence: number;
  by: (typeof DECIDERS)[number];
  explanation: Explanation;
}

export class MatterScorer {
  private readonly keywordAutomaton: Automaton;
  private readonly exclusionAutomaton: Automaton;
  /** Every (matter, word) pair of the lexicon, by automaton id. */
  private readonly entries: { category: Category; weight: number }[] = [];
  private readonly families = new Map<string, Family>();
  private readonly byCode = new Map<string, Category>();
  readonly fallback: Category;

  constructor(private readonly rules: RuleSet) {
    const words = new AutomatonBuilder();
    rules.categories.forEach((c) =>
      c.keywords.forEach((k) => {
        words.add(k.word, this.entries.length);
        this.entries.push({ category: c, weight: k.weight });
      }),
    );
    this.keywordAutomaton = words.build();
    this.exclusionAutomaton = automatonOf(rules.categories, (c) => c.exclusions);
    for (const f of rules.families) this.families.set(f.code, f);
    for (const c of rules.categories) this.byCode.set(c.code, c);
    this.fallback = rules.categories.find((c) => c.fallback)!;
  }

  /**
   * Each matter's score is the sum of the weights of its distinct words found in
   * the text, a word in the title counting TITLE_WEIGHT times, a negated word
   * (没有漏水) NEGATED_WEIGHT times; a matter whose exclusion occurs is out.
   */
  score(text: string, title: string, explanation: Explanation[]): ScoredMatter[] {
    const found = new Map<Category, Map<string, number>>();
    const excluded = new Set<Category>();
    const scan = (part: string, factor: number) => {
      const matches: number[] = [];
      this.keywordAutomaton.scan(part, (id, start, end) => matches.push(id, start, end));
      for (let i = 0; i < matches.length; i += 3) {
        const id = matches[i]!;
        const start = matches[i + 1]!;
        const end = matches[i + 2]!;
        const { category, weight } = this.entries[id]!;
        if (coveredByOther(matches, this.entries, i, category)) continue;
        const word = part.slice(start, end);
        const value = weight * factor * (isNegated(part, start) ? NEGATED_WEIGHT : 1);
        let words = found.get(category);
        if (!words) found.set(category, (words = new Map()));
        words.set(word, Math.max(words.get(word) ?? 0, value));
      }
      for (const [c, no] of collect(this.exclusionAutomaton, part, this.rules.categories)) {
        if (!excluded.has(c)) explanation.push({ rule: `exclusion:${c.code}`, matched: [...no] });
        excluded.add(c);
      }
    };
    if (title) scan(title, TITLE_WEIGHT);
    scan(text, 1);
    const scored: ScoredMatter[] = [];
    for (const [category, words] of found) {
      if (excluded.has(category)) continue;
      let score = 0;
      for (const v of words.values()) score += v;
      scored.push({ category, score, words: [...words.keys()] });
    }
    // Equal scores keep the lexicon's order: the sort is stable.
    return scored.sort((a, b) => b.score - a.score);
  }

  /** A confident rule result stands; otherwise the model's recommendation, if it has one; else the best rule guess. */
  decide(scored: ScoredMatter[], text: string, model: TextModel | null | undefined): Decision {
    const [top, next] = scored;
    const ruleConfidence = confidenceOf(top?.score ?? 0, next?.score ?? 0);
    const prediction = ruleConfidence >= RULES_STAND ? null : model?.predict(text);
    if (prediction) {
      // The model's posteriors join the rules' scores, a sure model counting as much as
      // MODEL_WEIGHT of words: it settles what the words leave open, it does not outvote them.
      const combined = new Map<Category, number>();
      for (const m of scored) combined.set(m.category, m.score);
      for (const r of prediction.ranked) {
        const c = this.byCode.get(r.code);
        if (c && !c.fallback) combined.set(c, (combined.get(c) ?? 0) + MODEL_WEIGHT * r.p);
      }
      const [win, runner] = [...combined].sort((a, b) => b[1] - a[1]);
      if (win) {
        const confidence = Math.round(confidenceOf(win[1], runner?.[1] ?? 0) * 100) / 100;
        if (win[0] === top?.category)
          return {
            category: top.category,
            confidence,
            by: 'rules',
            explanation: { rule: `category:${top.category.code}`, matched: top.words },
          };
        return { category: win[0], confidence, by: 'model', explanation: { rule: `model:${win[0].code}`, matched: prediction.evidence } };
      }
    }
    if (!top)
      return {
        category: this.fallback,
        confidence: 0,
        by: 'fallback',
        explanation: { rule: `category:${this.fallback.code}`, matched: [] },
      };
    return {
      category: top.category,
      confidence: ruleConfidence,
      by: 'rules',
      explanation: { rule: `category:${top.category.code}`, matched: top.words },
    };
  }

  familyOf(category: Category): { code: string; name: string } {
    const f = this.families.get(category.family)!;
    return { code: f.code, name: f.name };
  }
}
