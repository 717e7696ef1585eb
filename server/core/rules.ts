/**
 * The rules (rules/*.yaml) as the core reads them. The loader checks each file
 * against its schema (server/rules/schema.ts), which is held to these types.
 */
import type { DeadlinePolicy, UrgentClass } from './deadlines.ts';
import type { RequestType } from './lists.ts';
import type { HotspotRules } from './hotspots.ts';
import type { MissedCallRules } from './missed-calls.ts';
import type { ReplyCheckRules } from './reply-quality.ts';
import type { AssessmentWeights } from './assessment.ts';
import type { QaRubric } from './qa.ts';
import type { ObjectionPolicy } from './objections.ts';

export const OWNERS = ['city_department', 'district_department', 'district', 'street', 'community'] as const;
export type Owner = (typeof OWNERS)[number];
export const REGION_TARGETS = ['beijing', 'hebei'] as const;
export type RegionTarget = (typeof REGION_TARGETS)[number];

/** A word that suggests a matter, and how telling it is (1: ordinary evidence). */
export interface Keyword {
  word: string;
  weight: number;
}

/** 事项大类: a family of matters (城市管理, 劳动和社会保障, …), one file under rules/matters/. */
export interface Family {
  code: string;
  name: string;
}

/**
 * 事项分类: a matter, who owns it (the dispatch catalogue), the words citizens use
 * for it and the words that rule it out, and example complaints (the text model's
 * baseline, and the rules check's test of the words).
 */
export interface Category {
  code: string;
  name: string;
  family: string;
  keywords: Keyword[];
  exclusions: string[];
  examples: string[];
  fallback: boolean;
}

/** 诉求类型: the cues of one request type (rules/request-types.yaml). */
export interface RequestTypeRule {
  type: RequestType;
  cues: Keyword[];
}

/** Which level of the tree (or which department) owns a category. */
export interface Route {
  category: string;
  owner: Owner;
  department?: string;
}

export interface Departments {
  city: { key: string; name: string }[];
  district: { key: string; name: string }[];
}

/** 社区事项准入负面清单: categories that must not be pushed down to communities. */
export interface NegativeRule {
  id: string;
  name: string;
  categories: string[];
}

/** 紧急: an object word and a state word near each other (电线 … 冒火花), in either order. */
export interface UrgencyCombination {
  objects: string[];
  states: string[];
  /** Most characters between the two words; DEFAULT_URGENCY_WINDOW when absent. */
  window?: number;
  /** Any of these anywhere in the text rules this combination (not its rule) out. */
  exclusions?: string[];
  examples: string[];
  nearMisses?: string[];
}

/** 紧急: words that make a complaint a danger or an outage, and whether it is the police's (110). */
export interface UrgencyRule {
  id: string;
  name: string;
  class: UrgentClass;
  keywords: string[];
  exclusions?: string[];
  combinations?: UrgencyCombination[];
  police: boolean;
  /** Sentences that must fire this rule, and sentences that must fire no danger rule: checked at load. */
  examples: string[];
  nearMisses?: string[];
}

/** When a trigger word does not count, or counts only once a person confirms it (rules/README.md). */
export interface UrgencyLanguage {
  negators: string[];
  negationGap: number;
  notNegators: string[];
  postNegators: string[];
  questions: string[];
  unreal: string[];
  unrealAfter: string[];
  present: string[];
  doubt: string[];
  masks: string[];
  /** The call is about the aftermath (a claim, a procedure, praise): dangers count only with a `present` marker, to confirm. */
  aftermath?: string[];
  clauseBreaks: string;
}

export const DEFAULT_URGENCY_WINDOW = 12;

/** 京津冀: places whose complaints go to another hotline. */
export interface Region {
  target: RegionTarget;
  name: string;
  keywords: string[];
  province?: string;
}

/** Everything under rules/, checked whole and cross-referenced. */
export interface RuleSet {
  families: Family[];
  categories: Category[];
  /** Each matter's Chinese name by its code, for reports, alerts and the daily report. */
  matterNames: ReadonlyMap<string, string>;
  requestTypes: RequestTypeRule[];
  /** Traditional → simplified characters, applied to texts and words alike before matching. */
  folding: ReadonlyMap<string, string>;
  routes: Map<string, Route>;
  departments: Departments;
  negativeList: NegativeRule[];
  urgency: UrgencyRule[];
  urgencyLanguage: UrgencyLanguage;
  regions: Region[];
  autoDispatchThreshold: number;
  /** Returns after which an order goes back to the city dispatcher to be designated. */
  returnLimit: number;
  /** Agreeing dispatches (and none elsewhere) after which a name in their texts becomes a place alias. */
  aliasVotes: number;
  /** 时限: durations by clock and urgency, warnings and escalation. */
  deadlines: DeadlinePolicy;
  /** 答复质检: the checks a reply passes before it reaches the citizen. */
  replyChecks: ReplyCheckRules;
  /** 漏接回拨: the callback deadline, the retries (rules/missed-calls.yaml). */
  missedCalls: MissedCallRules;
  /** 热点预警: the window, the thresholds, the places (rules/hotspots.yaml). */
  hotspots: HotspotRules;
  /** 考核: points per term, out of 100. */
  assessmentWeights: AssessmentWeights;
  /** 人工质检: the random share, the pass mark and the rubric's items (rules/qa-rubric.yaml). */
  qaRubric: QaRubric;
  /** 派单异议: the review deadline and what each reason must name (rules/objections.yaml). */
  objections: ObjectionPolicy;
}
