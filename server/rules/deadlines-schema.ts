/** The shape of rules/deadlines.yaml (时限规则), and the checks a schema cannot express. */
import { Type, type Static, type TNull, type TObject, type TOptional, type TString, type TUnion } from 'typebox';
import { CLOCK_KINDS, type ClockKind } from '../core/deadlines.ts';
import { REQUEST_TYPES, type RequestType } from '../core/lists.ts';
import { DURATION_UNITS, type DurationUnit } from '../core/calendar.ts';
import type { DeadlinePolicy } from '../core/deadlines.ts';

const strict = { additionalProperties: false } as const;
const Code = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$', maxLength: 48 });
// Strictly between 0 and 1: a warning at 0 is noise, at 1 it is the overdue stage itself.
const Fraction = Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 });

export const Duration = Type.Object(
  {
    amount: Type.Integer({ minimum: 1, maximum: 100_000 }),
    unit: Type.Unsafe<DurationUnit>({ type: 'string', enum: [...DURATION_UNITS] }),
  },
  strict,
);

/** One duration for every urgency class: no class may be left without a deadline. */
const ByClass = Type.Object({ danger: Duration, outage: Duration, normal: Duration }, strict);
/** An override names only the classes it changes. */
const SomeClasses = Type.Object(
  { danger: Type.Optional(Duration), outage: Type.Optional(Duration), normal: Type.Optional(Duration) },
  { ...strict, minProperties: 1 },
);

export const DeadlinesFile = Type.Object(
  {
    /** The two 黄灯 warnings, as fractions of the time allowed (stages warn_50 and warn_80). */
    warnAt: Type.Tuple([Fraction, Fraction]),
    clocks: Type.Object(
      { accept: ByClass, transfer: ByClass, claim: ByClass, first_reply: ByClass, resolve: ByClass },
      strict,
    ),
    escalation: Type.Object(
      {
        /** From the due instant to the escalation to the unit's own supervisor. */
        unitAfter: ByClass,
        /** From that escalation to the one to the parent unit's supervisor (督办). */
        parentAfter: ByClass,
      },
      strict,
    ),
    requestTypes: Type.Object(
      Object.fromEntries(
        REQUEST_TYPES.map((type) => [
          type,
          Type.Optional(
            Type.Object(
              {
                /** The clocks this kind of request changes; null: it keeps no such clock. */
                clocks: Type.Object(
                  Object.fromEntries(CLOCK_KINDS.map((kind) => [kind, Type.Optional(Type.Union([SomeClasses, Type.Null()]))])) as {
                    [K in ClockKind]: TOptional<TUnion<[typeof SomeClasses, TNull]>>;
                  },
                  { ...strict, minProperties: 1 },
                ),
                basis: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              },
              strict,
            ),
          ),
        ]),
      ) as { [T in RequestType]: TOptional<TObject<{ clocks: TObject<{ [K in ClockKind]: TOptional<TUnion<[typeof SomeClasses, TNull]>> }>; basis: TOptional<TString> }>> },
      strict,
    ),
    overrides: Type.Array(
      Type.Object(
        {
          /** A category code, or a group prefix of codes ('env' covers 'env.oil_fume'). */
          category: Code,
          clocks: Type.Object(
            {
              accept: Type.Optional(SomeClasses),
              transfer: Type.Optional(SomeClasses),
              claim: Type.Optional(SomeClasses),
              first_reply: Type.Optional(SomeClasses),
              resolve: Type.Optional(SomeClasses),
            },
            { ...strict, minProperties: 1 },
          ),
          /** 依据: the document that sets this deadline. */
          basis: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        },
        strict,
      ),
    ),
    /** 回访: the callback's deadline after a reply and the unanswered tries before 未回访. */
    callback: Type.Optional(
      Type.Object({ within: Duration, attempts: Type.Integer({ minimum: 1, maximum: 10 }) }, strict),
    ),
    /** 督办: one per order per window. */
    supervision: Type.Optional(Type.Object({ window: Duration }, strict)),
  },
  strict,
);

export type { DeadlinePolicy };

// The file's schema spells the policy out for the loader; this fails to compile when it
// drifts from the core's DeadlinePolicy, in either direction.
/** True when A and B are the same type, both ways: a schema and the core's type it must spell. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inStep: Same<Static<typeof DeadlinesFile>, DeadlinePolicy> = true;
void inStep;

export interface PolicyProblem {
  /** Path inside the document, as the rules loader reports positions. */
  at: (string | number)[];
  reason: string;
}

/**
 * What the schema cannot say. `categoryCodes`, when given, are the codes of
 * the taxonomy's matters: an override must name one of them or a prefix of one.
 */
export function deadlinePolicyProblems(policy: DeadlinePolicy, categoryCodes?: ReadonlySet<string>): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  if (!(policy.warnAt[0] < policy.warnAt[1])) problems.push({ at: ['warnAt'], reason: 'warnAt must be two rising fractions, e.g. [0.5, 0.8]' });
  const seen = new Set<string>();
  policy.overrides.forEach((o, i) => {
    if (seen.has(o.category)) problems.push({ at: ['overrides', i, 'category'], reason: `category "${o.category}" is overridden twice` });
    seen.add(o.category);
    if (categoryCodes && ![...categoryCodes].some((c) => c === o.category || c.startsWith(`${o.category}.`))) {
      problems.push({ at: ['overrides', i, 'category'], reason: `unknown category "${o.category}"` });
    }
  });
  return problems;
}
