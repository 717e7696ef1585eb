/** The shapes of the files under rules/, one schema per file (see rules/README.md). */
import { Type, type Static } from 'typebox';
import { URGENT_CLASSES, type UrgentClass } from '../core/deadlines.ts';
import { DeadlinesFile, type DeadlinePolicy } from './deadlines-schema.ts';

const Code = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$', maxLength: 48 });
const Key = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 32 });
const Name = Type.String({ minLength: 1, maxLength: 60 });
const Word = Type.String({ minLength: 1, maxLength: 30 });
const Words = Type.Array(Word, { maxItems: 200 });
const strict = { additionalProperties: false } as const;

export const CategoriesFile = Type.Object(
  {
    categories: Type.Array(
      Type.Object(
        {
          code: Code,
          name: Name,
          group: Type.Optional(Name),
          keywords: Words,
          exclusions: Type.Optional(Words),
          priority: Type.Integer({ minimum: 1, maximum: 100 }),
          fallback: Type.Optional(Type.Boolean()),
        },
        strict,
      ),
      { minItems: 1 },
    ),
  },
  strict,
);

export const OWNERS = ['city_department', 'district_department', 'district', 'street', 'community'] as const;
export type Owner = (typeof OWNERS)[number];

export const RoutingFile = Type.Object(
  {
    routes: Type.Array(
      Type.Object(
        {
          category: Code,
          owner: Type.Unsafe<Owner>({ type: 'string', enum: [...OWNERS] }),
          department: Type.Optional(Key),
        },
        strict,
      ),
    ),
  },
  strict,
);

const Department = Type.Object({ key: Key, name: Name }, strict);
export const DepartmentsFile = Type.Object({ city: Type.Array(Department), district: Type.Array(Department) }, strict);

export const NegativeListFile = Type.Object(
  {
    rules: Type.Array(
      Type.Object({ id: Type.String({ pattern: '^[A-Z]+-[0-9]+$' }), name: Name, categories: Type.Array(Code, { minItems: 1 }) }, strict),
    ),
  },
  strict,
);

export const UrgencyFile = Type.Object(
  {
    rules: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[A-Z]+(-[A-Z0-9]+)+$' }),
          name: Name,
          class: Type.Unsafe<UrgentClass>({ type: 'string', enum: [...URGENT_CLASSES] }),
          keywords: Type.Array(Word, { minItems: 1, maxItems: 200 }),
          exclusions: Type.Optional(Words),
          police: Type.Boolean(),
        },
        strict,
      ),
    ),
  },
  strict,
);

export const REGION_TARGETS = ['beijing', 'hebei'] as const;
export const RegionsFile = Type.Object(
  {
    regions: Type.Array(
      Type.Object(
        {
          target: Type.Unsafe<(typeof REGION_TARGETS)[number]>({ type: 'string', enum: [...REGION_TARGETS] }),
          name: Name,
          keywords: Words,
          province: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
        },
        strict,
      ),
    ),
  },
  strict,
);

export const DispatchFile = Type.Object(
  { autoDispatchThreshold: Type.Number({ minimum: 0, maximum: 1 }), returnLimit: Type.Integer({ minimum: 1, maximum: 10 }) },
  strict,
);

export const RULE_FILES = {
  deadlines: { file: 'deadlines.yaml', schema: DeadlinesFile },
  categories: { file: 'categories.yaml', schema: CategoriesFile },
  routing: { file: 'routing.yaml', schema: RoutingFile },
  departments: { file: 'departments.yaml', schema: DepartmentsFile },
  negativeList: { file: 'negative-list.yaml', schema: NegativeListFile },
  urgency: { file: 'urgency.yaml', schema: UrgencyFile },
  regions: { file: 'regions.yaml', schema: RegionsFile },
  dispatch: { file: 'dispatch.yaml', schema: DispatchFile },
} as const;

export type Category = Static<typeof CategoriesFile>['categories'][number];
export type Route = Static<typeof RoutingFile>['routes'][number];
export type Departments = Static<typeof DepartmentsFile>;
export type NegativeRule = Static<typeof NegativeListFile>['rules'][number];
export type UrgencyRule = Static<typeof UrgencyFile>['rules'][number];
export type Region = Static<typeof RegionsFile>['regions'][number];

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
  /** 时限: durations by clock and urgency, warnings and escalation. */
  deadlines: DeadlinePolicy;
}
