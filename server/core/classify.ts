/**
 * Classification of a complaint by the rules: category, urgency, area, the unit
 * responsible, and whether the result is sure enough to dispatch itself. Pure:
 * built once from the rules and the place index, each call is one pass of a few
 * automata over the text, so its cost does not grow with the number of rules.
 */
import type { AliasIndex } from './aliases.ts';
import { AutomatonBuilder, type Automaton } from './automaton.ts';
import { automatonOf, blankOut, collect, foldText, isNegated, type Explanation } from './matching.ts';
import type { UrgentClass } from './deadlines.ts';
import type { Urgency } from './lists.ts';
import { governmentName, type AreaRef, type PlaceIndex, type PlaceResolution } from './places.ts';
import type { Category, Family, NegativeRule, Owner, RuleSet } from './rules.ts';
import { RequestTypeReader, type RequestTypeFinding } from './request-type.ts';
import { UrgencyDetector } from './urgency.ts';

export interface UnitRef {
  id: string;
  name: string;
  level: AreaRef['level'];
}

/** What chose the category: the rules' words, the trained model, or nothing (the fallback). */
export const DECIDERS = ['rules', 'model', 'fallback'] as const;

export interface Classification {
  category: { code: string; name: string };
  family: { code: string; name: string };
  /** 诉求类型: what kind of request it is, and the cues that said so. */
  requestType: Omit<RequestTypeFinding, 'cues'>;
  decidedBy: (typeof DECIDERS)[number];
  urgency: Urgency;
  urgencyClass: UrgentClass | null;
  /**
   * Set when the danger rests on doubt (the caller is unsure, or asks): the reason,
   * for the operator to confirm on the line. Flagged all the same: a false alarm
   * costs a minute, a missed danger can cost a life.
   */
  urgencyToConfirm: string | null;
  area: PlaceResolution['area'];
  candidates: PlaceResolution['candidates'];
  unit: UnitRef | null;
  confidence: number;
  autoDispatch: boolean;
  transfer: null | '110' | 'beijing' | 'hebei';
  explanation: Explanation[];
}

export interface RegionNames {
  target: 'beijing' | 'hebei';
  names: string[];
}

/** Units are named by rule, so the classifier can name them without a database. */
export const departmentUnitId = (areaCode: string, key: string) => `${areaCode}:${key}`;
export const governmentUnitId = (areaCode: string) => areaCode;

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

interface ScoredMatter {
  category: Category;
  score: number;
  words: string[];
}
interface Decision {
  category: Category;
  confidence: number;
  by: Classification['decidedBy'];
  explanation: Explanation;
}

/** Evidence needed before an order dispatches itself, per owner, given how deep the area is known. */
const AREA_CONFIDENCE: Record<Owner, (level: number) => number> = {
  city_department: () => 1,
  district_department: (l) => (l >= 1 ? 1 : 0),
  district: (l) => (l >= 1 ? 1 : 0),
  street: (l) => (l >= 2 ? 1 : l === 1 ? 0.5 : 0),
  community: (l) => (l >= 3 ? 1 : l === 2 ? 0.8 : l === 1 ? 0.5 : 0),
};
const DEPTH = { city: 0, district: 1, street: 2, community: 3 } as const;

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

/** What the classifier learns while the service runs; the rules and the tree stay fixed. */
export interface ClassifierExtras {
  model?: TextModel | null;
  /** 小区、楼宇、地标: names people use for places of the tree (server/core/aliases.ts). */
  aliases?: AliasIndex | null;
}

export class Classifier {
  private readonly keywordAutomaton: Automaton;
  private readonly exclusionAutomaton: Automaton;
  private readonly urgency: UrgencyDetector;
  private readonly requestTypes: RequestTypeReader;
  private readonly regionAutomaton: Automaton;
  private readonly fallback: Category;
  private readonly negativeByCategory = new Map<string, NegativeRule>();
  /** Every (matter, word) pair of the lexicon, by automaton id. */
  private readonly entries: { category: Category; weight: number }[] = [];
  private readonly families = new Map<string, Family>();
  private readonly byCode = new Map<string, Category>();

  constructor(
    readonly rules: RuleSet,
    readonly places: PlaceIndex,
    private readonly regions: RegionNames[],
    /** The city whose departments take matters with no area (the hotline's own city). */
    private readonly homeCity: AreaRef,
    readonly extras: ClassifierExtras = {},
  ) {
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
    this.urgency = new UrgencyDetector(rules.urgency, rules.urgencyLanguage);
    this.requestTypes = new RequestTypeReader(rules.requestTypes);
    this.regionAutomaton = automatonOf(regions, (r) => r.names);
    this.fallback = rules.categories.find((c) => c.fallback)!;
    for (const rule of rules.negativeList) for (const code of rule.categories) this.negativeByCategory.set(code, rule);
  }

  /** The same rules and places with what has been learned since: built anew, never changed in place. */
  with(extras: ClassifierExtras): Classifier {
    return new Classifier(this.rules, this.places, this.regions, this.homeCity, { ...this.extras, ...extras });
  }

  /** The negative-list rule that keeps a category away from communities, if any. */
  negativeRuleFor(categoryCode: string | null | undefined): NegativeRule | undefined {
    return categoryCode ? this.negativeByCategory.get(categoryCode) : undefined;
  }

  classify(rawText: string, location?: string | null, opts: { title?: string | null } = {}): Classification {
    const text = foldText(rawText, this.rules.folding);
    const title = opts.title ? foldText(opts.title, this.rules.folding) : '';
    const explanation: Explanation[] = [];

    // 紧急: a danger or an outage, whatever the category; a police matter goes to 110.
    const urgency = this.urgency.detect(text);
    explanation.push(...urgency.explanation);
    const police = urgency.police;

    // 地点: the structured location wins over the text when it names a place.
    const aliases = this.extras.aliases;
    let place = location ? this.places.resolve(location, aliases) : null;
    if (!place?.area && !place?.ambiguous) place = this.places.resolve(text, aliases);
    else if (place.area && !place.ambiguous) {
      // The text may still narrow the location down (location: 河东区; text: …天星河畔社区…).
      const narrower = this.places.resolve(`${location} ${text}`, aliases);
      if (narrower.area && !narrower.ambiguous && this.places.isWithin(narrower.area.code, place.area.code)) place = narrower;
    }
    if (place.matched.length) explanation.push({ rule: place.ambiguous ? 'area:ambiguous' : 'area', matched: place.matched });
    if (place.aliases) explanation.push({ rule: 'area:alias', matched: place.aliases });

    // 事项分类: the rules' weighed evidence, or the model where the rules are unsure.
    // Place names are not evidence of a matter (体育中心街道 is no sports complaint): they are blanked first.
    const names = [...place.matched, ...(place.aliases ?? [])];
    const rules = this.scoreMatters(blankOut(text, names), blankOut(title, names), explanation);
    const decided = this.decide(rules, text);
    const category = decided.category;
    const categoryConfidence = decided.confidence;
    explanation.unshift(decided.explanation);
    const requestType = this.requestTypes.read(title ? `${title}\n${text}` : text, decided.by !== 'fallback');
    explanation.push({ rule: `request-type:${requestType.code}`, matched: requestType.cues });

    let transfer: Classification['transfer'] = null;
    if (police) transfer = '110';
    else if (!place.area || place.area.level === 'city') {
      const regionHits = collect(this.regionAutomaton, text, this.regions);
      const [region] = regionHits;
      if (region) {
        transfer = region[0].target;
        explanation.push({ rule: `region:${region[0].target}`, matched: [...region[1]] });
      }
    }

    // 派单: the owner from the routing rules, kept off communities by the negative list.
    const route = this.rules.routes.get(category.code)!;
    let owner = route.owner;
    const negative = owner === 'community' ? this.negativeRuleFor(category.code) : undefined;
    if (negative) {
      owner = 'street';
      explanation.push({ rule: `negative-list:${negative.id}`, matched: [negative.name] });
    }
    const unit = this.unitFor(owner, route.department, place.area);
    explanation.push({ rule: `routing:${category.code}`, matched: [route.department ? `${owner}/${route.department}` : owner] });

    const depth = place.area ? DEPTH[place.area.level] : 0;
    // An ambiguous place always goes to a person, even for city-wide departments:
    // the handler must know where to go, and a wrong route is worse than none.
    const areaConfidence = place.ambiguous ? 0 : AREA_CONFIDENCE[owner](depth);
    const confidence = Math.round(categoryConfidence * areaConfidence * 100) / 100;
    const autoDispatch = unit !== null && transfer === null && category !== this.fallback && confidence >= this.rules.autoDispatchThreshold;

    return {
      category: { code: category.code, name: category.name },
      family: this.familyOf(category),
      requestType: { code: requestType.code, name: requestType.name },
      decidedBy: decided.by,
      urgency: urgency.urgencyClass ? 'urgent' : 'normal',
      urgencyClass: urgency.urgencyClass,
      urgencyToConfirm: urgency.confirm ? (urgency.reason ?? '请与来电人确认是否正在发生危险') : null,
      area: place.area,
      candidates: place.candidates,
      unit,
      confidence,
      autoDispatch,
      transfer,
      explanation,
    };
  }

  /**
   * Each matter's score is the sum of the weights of its distinct words found in
   * the text, a word in the title counting TITLE_WEIGHT times, a negated word
   * (没有漏水) NEGATED_WEIGHT times; a matter whose exclusion occurs is out.
   */
  private scoreMatters(text: string, title: string, explanation: Explanation[]): ScoredMatter[] {
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
  private decide(scored: ScoredMatter[], text: string): Decision {
    const [top, next] = scored;
    const ruleConfidence = confidenceOf(top?.score ?? 0, next?.score ?? 0);
    const model = ruleConfidence >= RULES_STAND ? null : this.extras.model?.predict(text);
    if (model) {
      // The model's posteriors join the rules' scores, a sure model counting as much as
      // MODEL_WEIGHT of words: it settles what the words leave open, it does not outvote them.
      const combined = new Map<Category, number>();
      for (const m of scored) combined.set(m.category, m.score);
      for (const r of model.ranked) {
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
        return { category: win[0], confidence, by: 'model', explanation: { rule: `model:${win[0].code}`, matched: model.evidence } };
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

  private familyOf(category: Category): { code: string; name: string } {
    const f = this.families.get(category.family)!;
    return { code: f.code, name: f.name };
  }

  /** The unit an owner means at an area: the deepest government the area allows, or a department. */
  unitFor(owner: Owner, department: string | undefined, area: PlaceResolution['area']): UnitRef | null {
    const at = (level: AreaRef['level']) => area?.path.find((p) => p.level === level);
    const district = at('district');
    if (owner === 'city_department') {
      const city = at('city') ?? this.homeCity;
      const dept = this.rules.departments.city.find((d) => d.key === department)!;
      return { id: departmentUnitId(city.code, dept.key), name: dept.name, level: 'city' };
    }
    if (!district) return null;
    if (owner === 'district_department') {
      const dept = this.rules.departments.district.find((d) => d.key === department)!;
      return { id: departmentUnitId(district.code, dept.key), name: `${district.name}${dept.name}`, level: 'district' };
    }
    const wanted = DEPTH[owner];
    const target = [...area!.path].reverse().find((p) => DEPTH[p.level] <= wanted)!;
    return { id: governmentUnitId(target.code), name: governmentName(target.level, target.name), level: target.level };
  }
}
