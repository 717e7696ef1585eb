/**
 * Classification of a complaint by the rules: category, urgency, area, the unit
 * responsible, and whether the result is sure enough to dispatch itself. Pure:
 * built once from the rules and the place index, each call is one pass of a few
 * automata over the text, so its cost does not grow with the number of rules.
 */
import type { AliasIndex } from './aliases.ts';
import type { Automaton } from './automaton.ts';
import { MatterScorer, type DECIDERS, type TextModel } from './matters.ts';
import { automatonOf, blankOut, collect, foldText, type Explanation } from './matching.ts';
import type { UrgentClass } from './deadlines.ts';
import type { Urgency } from './lists.ts';
import { governmentName, type AreaRef, type PlaceIndex, type PlaceResolution } from './places.ts';
import type { NegativeRule, Owner, RuleSet } from './rules.ts';
import { RequestTypeReader, type RequestTypeFinding } from './request-type.ts';
import { UrgencyDetector } from './urgency.ts';

export interface UnitRef {
  id: string;
  name: string;
  level: AreaRef['level'];
}

export { DECIDERS, type ModelPrediction, type TextModel } from './matters.ts';

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

/** Evidence needed before an order dispatches itself, per owner, given how deep the area is known. */
const AREA_CONFIDENCE: Record<Owner, (level: number) => number> = {
  city_department: () => 1,
  district_department: (l) => (l >= 1 ? 1 : 0),
  district: (l) => (l >= 1 ? 1 : 0),
  street: (l) => (l >= 2 ? 1 : l === 1 ? 0.5 : 0),
  community: (l) => (l >= 3 ? 1 : l === 2 ? 0.8 : l === 1 ? 0.5 : 0),
};
const DEPTH = { city: 0, district: 1, street: 2, community: 3 } as const;

/** What the classifier learns while the service runs; the rules and the tree stay fixed. */
export interface ClassifierExtras {
  model?: TextModel | null;
  /** 小区、楼宇、地标: names people use for places of the tree (server/core/aliases.ts). */
  aliases?: AliasIndex | null;
}

/** What is built once from the rules and shared by every classifier made `with` new extras. */
interface Parts {
  matters: MatterScorer;
  urgency: UrgencyDetector;
  requestTypes: RequestTypeReader;
  regionAutomaton: Automaton;
  negativeByCategory: Map<string, NegativeRule>;
}

function partsOf(rules: RuleSet, regions: RegionNames[]): Parts {
  const negativeByCategory = new Map<string, NegativeRule>();
  for (const rule of rules.negativeList) for (const code of rule.categories) negativeByCategory.set(code, rule);
  return {
    matters: new MatterScorer(rules),
    urgency: new UrgencyDetector(rules.urgency, rules.urgencyLanguage),
    requestTypes: new RequestTypeReader(rules.requestTypes),
    regionAutomaton: automatonOf(regions, (r) => r.names),
    negativeByCategory,
  };
}

export class Classifier {
  private readonly parts: Parts;

  constructor(
    readonly rules: RuleSet,
    readonly places: PlaceIndex,
    private readonly regions: RegionNames[],
    /** The city whose departments take matters with no area (the hotline's own city). */
    private readonly homeCity: AreaRef,
    readonly extras: ClassifierExtras = {},
    parts?: Parts,
  ) {
    this.parts = parts ?? partsOf(rules, regions);
  }

  /** The same rules and places with what has been learned since: a new classifier sharing the built parts, never changed in place. */
  with(extras: ClassifierExtras): Classifier {
    return new Classifier(this.rules, this.places, this.regions, this.homeCity, { ...this.extras, ...extras }, this.parts);
  }

  /** The negative-list rule that keeps a category away from communities, if any. */
  negativeRuleFor(categoryCode: string | null | undefined): NegativeRule | undefined {
    return categoryCode ? this.parts.negativeByCategory.get(categoryCode) : undefined;
  }

  classify(rawText: string, location?: string | null, opts: { title?: string | null } = {}): Classification {
    const text = foldText(rawText, this.rules.folding);
    const title = opts.title ? foldText(opts.title, this.rules.folding) : '';
    const explanation: Explanation[] = [];

    // 紧急: a danger or an outage, whatever the category; a police matter goes to 110.
    const urgency = this.parts.urgency.detect(text);
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
    const rules = this.parts.matters.score(blankOut(text, names), blankOut(title, names), explanation);
    const decided = this.parts.matters.decide(rules, text, this.extras.model);
    const category = decided.category;
    const categoryConfidence = decided.confidence;
    explanation.unshift(decided.explanation);
    // Without a cue: 求助 when a danger is happening now, a complaint about a matter (an outage too), else other.
    const otherwise = urgency.urgencyClass === 'danger' ? 'help' : decided.by !== 'fallback' ? 'complaint' : 'other';
    const requestType = this.parts.requestTypes.read(title ? `${title}\n${text}` : text, otherwise);
    explanation.push({ rule: `request-type:${requestType.code}`, matched: requestType.cues });

    let transfer: Classification['transfer'] = null;
    if (police) transfer = '110';
    else if (!place.area || place.area.level === 'city') {
      const regionHits = collect(this.parts.regionAutomaton, text, this.regions);
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
    const autoDispatch =
      unit !== null && transfer === null && category !== this.parts.matters.fallback && confidence >= this.rules.autoDispatchThreshold;

    return {
      category: { code: category.code, name: category.name },
      family: this.parts.matters.familyOf(category),
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
