/**
 * Classification of a complaint by the rules: category, urgency, area, the unit
 * responsible, and whether the result is sure enough to dispatch itself. Pure:
 * built once from the rules and the place index, each call is one pass of a few
 * automata over the text, so its cost does not grow with the number of rules.
 */
import type { Automaton } from './automaton.ts';
import { automatonOf, collect, type Explanation } from './matching.ts';
import type { UrgentClass } from './deadlines.ts';
import type { Urgency } from './lists.ts';
import { governmentName, normalize, type AreaRef, type PlaceIndex, type PlaceResolution } from './places.ts';
import type { Category, NegativeRule, Owner, RuleSet } from './rules.ts';
import { UrgencyDetector } from './urgency.ts';

export interface UnitRef {
  id: string;
  name: string;
  level: AreaRef['level'];
}

export interface Classification {
  category: { code: string; name: string };
  urgency: Urgency;
  urgencyClass: UrgentClass | null;
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
}

/** What the classifier learns while the service runs; the rules and the tree stay fixed. */
export interface ClassifierExtras {
  model?: TextModel | null;
}

export class Classifier {
  private readonly keywordAutomaton: Automaton;
  private readonly exclusionAutomaton: Automaton;
  private readonly urgency: UrgencyDetector;
  private readonly regionAutomaton: Automaton;
  private readonly fallback: Category;
  private readonly negativeByCategory = new Map<string, NegativeRule>();

  constructor(
    readonly rules: RuleSet,
    readonly places: PlaceIndex,
    private readonly regions: RegionNames[],
    /** The city whose departments take matters with no area (the hotline's own city). */
    private readonly homeCity: AreaRef,
    readonly extras: ClassifierExtras = {},
  ) {
    this.keywordAutomaton = automatonOf(rules.categories, (c) => c.keywords);
    this.exclusionAutomaton = automatonOf(rules.categories, (c) => c.exclusions ?? []);
    this.urgency = new UrgencyDetector(rules.urgency, rules.urgencyLanguage);
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

  classify(rawText: string, location?: string | null): Classification {
    const text = normalize(rawText);
    const explanation: Explanation[] = [];

    // 事项分类: longest total evidence wins; an exclusion rules a category out.
    const hits = collect(this.keywordAutomaton, text, this.rules.categories);
    const excluded = collect(this.exclusionAutomaton, text, this.rules.categories);
    const scored = [...hits]
      .filter(([c, words]) => {
        const no = excluded.get(c);
        if (no) explanation.push({ rule: `exclusion:${c.code}`, matched: [...no] });
        return !no && words.size > 0;
      })
      .map(([c, words]) => ({ c, words, score: [...words].reduce((s, w) => s + w.length, 0) }))
      .sort((a, b) => b.score - a.score || b.c.priority - a.c.priority);
    const top = scored[0];
    const category = top?.c ?? this.fallback;
    const second = scored[1]?.score ?? 0;
    const categoryConfidence = top ? Math.min(1, top.score / 3) * (top.score / (top.score + second)) : 0;
    explanation.unshift({ rule: `category:${category.code}`, matched: top ? [...top.words] : [] });

    // 紧急: a danger or an outage, whatever the category; a police matter goes to 110.
    const urgency = this.urgency.detect(text);
    explanation.push(...urgency.explanation);
    const police = urgency.police;

    // 地点: the structured location wins over the text when it names a place.
    let place = location ? this.places.resolve(location) : null;
    if (!place?.area && !place?.ambiguous) place = this.places.resolve(rawText);
    else if (place.area && !place.ambiguous) {
      // The text may still narrow the location down (location: 河东区; text: …天星河畔社区…).
      const narrower = this.places.resolve(`${location} ${rawText}`);
      if (narrower.area && !narrower.ambiguous && this.places.isWithin(narrower.area.code, place.area.code)) place = narrower;
    }
    if (place.matched.length) explanation.push({ rule: place.ambiguous ? 'area:ambiguous' : 'area', matched: place.matched });

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
      urgency: urgency.urgencyClass ? 'urgent' : 'normal',
      urgencyClass: urgency.urgencyClass,
      area: place.area,
      candidates: place.candidates,
      unit,
      confidence,
      autoDispatch,
      transfer,
      explanation,
    };
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
