/** The shapes of the files under rules/, one schema per file (see rules/README.md). */
import { Type, type Static } from 'typebox';
import { URGENT_CLASSES, type UrgentClass } from '../core/deadlines.ts';
import { REQUEST_TYPES, type RequestType } from '../core/lists.ts';
import type { MissedCallRules } from '../core/missed-calls.ts';
import { HOTSPOT_LEVELS, type HotspotLevel, type HotspotRules } from '../core/hotspots.ts';
import type { ReplyCheckRules } from '../core/reply-quality.ts';
import type { QaRubric } from '../core/qa.ts';
import { ASSESSMENT_TERMS } from '../core/assessment.ts';
import { OBJECTION_REASONS, type ObjectionReason } from '../core/objections.ts';
import { DeadlinesFile, Duration, type Same } from './deadlines-schema.ts';
import {
  OWNERS,
  REGION_TARGETS,
  type Category,
  type Family,
  type Departments,
  type NegativeRule,
  type Owner,
  type Region,
  type Route,
  type RuleSet,
  type UrgencyLanguage,
  type UrgencyRule,
} from '../core/rules.ts';

const Code = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$', maxLength: 48 });
const Key = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 32 });
const Name = Type.String({ minLength: 1, maxLength: 60 });
const Word = Type.String({ minLength: 1, maxLength: 30 });
const Words = Type.Array(Word, { maxItems: 200 });
const strict = { additionalProperties: false } as const;

const Weighted = Type.Object({ word: Word, weight: Type.Number({ exclusiveMinimum: 0, maximum: 5 }) }, strict);

/** One family's file under rules/matters/: the family and its matters, each with its owner. */
export const MattersFile = Type.Object(
  {
    family: Type.Object({ code: Key, name: Name }, strict),
    matters: Type.Array(
      Type.Object(
        {
          code: Code,
          name: Name,
          owner: Type.Unsafe<Owner>({ type: 'string', enum: [...OWNERS] }),
          department: Type.Optional(Key),
          keywords: Type.Array(Type.Union([Word, Weighted]), { maxItems: 200 }),
          exclusions: Type.Optional(Words),
          examples: Type.Array(Type.String({ minLength: 4, maxLength: 400 }), { maxItems: 50 }),
          fallback: Type.Optional(Type.Boolean()),
        },
        strict,
      ),
      { minItems: 1 },
    ),
  },
  strict,
);
export type MattersData = Static<typeof MattersFile>;

export const RequestTypesFile = Type.Object(
  {
    types: Type.Array(
      Type.Object(
        {
          type: Type.Unsafe<RequestType>({ type: 'string', enum: [...REQUEST_TYPES] }),
          cues: Type.Array(Weighted, { minItems: 1, maxItems: 200 }),
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

const Sentences = Type.Array(Type.String({ minLength: 2, maxLength: 200 }), { maxItems: 50 });
const UrgencyWords = Type.Array(Word, { minItems: 1, maxItems: 200 });
const UrgencyCombinationSchema = Type.Object(
  {
    objects: UrgencyWords,
    states: UrgencyWords,
    window: Type.Optional(Type.Integer({ minimum: 0, maximum: 40 })),
    exclusions: Type.Optional(Words),
    examples: Type.Array(Type.String({ minLength: 2, maxLength: 200 }), { minItems: 1, maxItems: 50 }),
    nearMisses: Type.Optional(Sentences),
  },
  strict,
);
export const UrgencyFile = Type.Object(
  {
    language: Type.Object(
      {
        negators: Words,
        negationGap: Type.Integer({ minimum: 0, maximum: 3 }),
        notNegators: Words,
        postNegators: Words,
        questions: Words,
        unreal: Words,
        unrealAfter: Words,
        present: Words,
        doubt: Words,
        masks: Words,
        aftermath: Type.Optional(Words),
        clauseBreaks: Type.String({ minLength: 1, maxLength: 40 }),
      },
      strict,
    ),
    rules: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[A-Z]+(-[A-Z0-9]+)+$' }),
          name: Name,
          class: Type.Unsafe<UrgentClass>({ type: 'string', enum: [...URGENT_CLASSES] }),
          keywords: Type.Array(Word, { minItems: 1, maxItems: 200 }),
          exclusions: Type.Optional(Words),
          combinations: Type.Optional(Type.Array(UrgencyCombinationSchema, { maxItems: 20 })),
          police: Type.Boolean(),
          examples: Type.Array(Type.String({ minLength: 2, maxLength: 200 }), { minItems: 1, maxItems: 50 }),
          nearMisses: Type.Optional(Sentences),
        },
        strict,
      ),
    ),
  },
  strict,
);

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
  {
    autoDispatchThreshold: Type.Number({ minimum: 0, maximum: 1 }),
    returnLimit: Type.Integer({ minimum: 1, maximum: 10 }),
    aliasVotes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  strict,
);

export const ReplyChecksFile = Type.Object(
  {
    minLength: Type.Integer({ minimum: 1, maximum: 500 }),
    boilerplate: Type.Array(Type.String({ minLength: 2, maxLength: 60 }), { maxItems: 200 }),
    minSubstance: Type.Integer({ minimum: 0, maximum: 500 }),
    actionWords: Type.Array(Word, { minItems: 1, maxItems: 200 }),
    promiseAfter: Type.Array(Word, { minItems: 1, maxItems: 40 }),
  },
  strict,
);

export const MissedCallsFile = Type.Object(
  {
    callbackWithinMinutes: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 }),
    dedupeWindowMinutes: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 }),
    retryAfterMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
    maxAttempts: Type.Integer({ minimum: 1, maximum: 10 }),
  },
  strict,
);

export const HotspotsFile = Type.Object(
  {
    windowMinutes: Type.Integer({ minimum: 10, maximum: 7 * 24 * 60 }),
    minOrders: Type.Integer({ minimum: 2, maximum: 1000 }),
    minRatio: Type.Number({ minimum: 1, maximum: 100 }),
    baselineDays: Type.Integer({ minimum: 1, maximum: 366 }),
    levels: Type.Array(Type.Unsafe<HotspotLevel>({ type: 'string', enum: [...HOTSPOT_LEVELS] }), { minItems: 1, uniqueItems: true }),
  },
  strict,
);

/** 派单异议: the review deadline and the reasons (each of the core's once, checked by the loader). */
export const ObjectionsFile = Type.Object(
  {
    reviewWithin: Duration,
    reasons: Type.Array(
      Type.Object(
        { code: Type.Unsafe<ObjectionReason>({ type: 'string', enum: [...OBJECTION_REASONS] }), requireDutyUnit: Type.Boolean() },
        strict,
      ),
      { minItems: 1 },
    ),
  },
  strict,
);

/** 考核权重: points per term, out of 100 (their sum is checked by the loader). */
export const AssessmentFile = Type.Object(
  { weights: Type.Object(Object.fromEntries(ASSESSMENT_TERMS.map((t) => [t, Type.Number({ minimum: 0, maximum: 100 })])), strict) },
  strict,
);

/** 人工质检评分表: the random share, the pass mark, the items (codes unique, maxima adding to 100: the loader checks). */
export const QaRubricFile = Type.Object(
  {
    sampleShare: Type.Number({ minimum: 0, maximum: 1 }),
    passMark: Type.Integer({ minimum: 0, maximum: 100 }),
    items: Type.Array(
      Type.Object(
        { code: Key, label: Name, max: Type.Integer({ minimum: 1, maximum: 100 }), guide: Type.String({ minLength: 1, maxLength: 200 }) },
        strict,
      ),
      { minItems: 1, maxItems: 20 },
    ),
  },
  strict,
);

export const RULE_FILES = {
  deadlines: { file: 'deadlines.yaml', schema: DeadlinesFile },
  departments: { file: 'departments.yaml', schema: DepartmentsFile },
  negativeList: { file: 'negative-list.yaml', schema: NegativeListFile },
  urgency: { file: 'urgency.yaml', schema: UrgencyFile },
  regions: { file: 'regions.yaml', schema: RegionsFile },
  dispatch: { file: 'dispatch.yaml', schema: DispatchFile },
  requestTypes: { file: 'request-types.yaml', schema: RequestTypesFile },
  replyChecks: { file: 'reply-checks.yaml', schema: ReplyChecksFile },
  missedCalls: { file: 'missed-calls.yaml', schema: MissedCallsFile },
  hotspots: { file: 'hotspots.yaml', schema: HotspotsFile },
  assessment: { file: 'assessment.yaml', schema: AssessmentFile },
  qaRubric: { file: 'qa-rubric.yaml', schema: QaRubricFile },
  objections: { file: 'objections.yaml', schema: ObjectionsFile },
} as const;

/** The taxonomy is a folder: one file per family, read in file-name order. */
export const MATTERS_DIR = 'matters';

export { OWNERS, REGION_TARGETS };
export type { Category, Family, Departments, NegativeRule, Owner, Region, Route, RuleSet, UrgencyLanguage, UrgencyRule };

// The files' schemas spell the rules out for the loader; these fail to compile when a
// schema drifts from the core's type, in either direction.
const inStep: [
  Same<Static<typeof MattersFile>['family'], Family>,
  Same<Static<typeof DepartmentsFile>, Departments>,
  Same<Static<typeof NegativeListFile>['rules'][number], NegativeRule>,
  Same<Static<typeof UrgencyFile>['rules'][number], UrgencyRule>,
  Same<Static<typeof RegionsFile>['regions'][number], Region>,
  Same<Static<typeof ReplyChecksFile>, ReplyCheckRules>,
  Same<Static<typeof MissedCallsFile>, MissedCallRules>,
  Same<Static<typeof HotspotsFile>, HotspotRules>,
  Same<Static<typeof QaRubricFile>, QaRubric>,
] = [true, true, true, true, true, true, true, true, true];
void inStep;
const urgencyLanguageInStep: Same<Static<typeof UrgencyFile>['language'], UrgencyLanguage> = true;
void urgencyLanguageInStep;
