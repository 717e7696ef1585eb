/**
 * The rules (rules/*.yaml) as the core reads them. The loader checks each file
 * against its schema (server/rules/schema.ts), which is held to these types.
 */
import type { DeadlinePolicy, UrgentClass } from './deadlines.ts';

export const OWNERS = ['city_department', 'district_department', 'district', 'street', 'community'] as const;
export type Owner = (typeof OWNERS)[number];
export const REGION_TARGETS = ['beijing', 'hebei'] as const;
export type RegionTarget = (typeof REGION_TARGETS)[number];

/** 事项分类: a matter, the words that name it, and the words that rule it out. */
export interface Category {
  code: string;
  name: string;
  group?: string;
  keywords: string[];
  exclusions?: string[];
  priority: number;
  fallback?: boolean;
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

/** 紧急: words that make a complaint a danger or an outage, and whether it is the police's (110). */
export interface UrgencyRule {
  id: string;
  name: string;
  class: UrgentClass;
  keywords: string[];
  exclusions?: string[];
  police: boolean;
}

/** 京津冀: places whose complaints go to another hotline. */
export interface Region {
  target: RegionTarget;
  name: string;
  keywords: string[];
  province?: string;
}

/** Everything under rules/, checked whole and cross-referenced. */
export interface RuleSet {
  categories: Category[];
  routes: Map<string, Route>;
  departments: Departments;
  negativeList: NegativeRule[];
  urgency: UrgencyRule[];
  regions: Region[];
  autoDispatchThreshold: number;
  /** Returns after which an order goes back to the city dispatcher to be designated. */
  returnLimit: number;
  /** Agreeing dispatches (and none elsewhere) after which a name in their texts becomes a place alias. */
  aliasVotes: number;
  /** 时限: durations by clock and urgency, warnings and escalation. */
  deadlines: DeadlinePolicy;
}
