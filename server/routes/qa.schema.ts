/** The shapes of 人工质检's routes (routes/qa.ts), shared with the 质检台's typed client. */
import { Type } from 'typebox';
import { QA_REASONS, QA_STATUSES } from '../core/qa.ts';
import { SATISFACTION } from '../core/lifecycle.ts';
import { REPLY_CHECKS } from '../core/reply-quality.ts';
import { ErrorReply, Instant, Nullable, StringEnum } from './orders.schema.ts';

const NullableText = Nullable(Type.String());
const NullableInstant = Nullable(Instant);

export const QaSample = Type.Object({
  id: Type.Integer(),
  reason: StringEnum(QA_REASONS, { description: 'flagged 答复经提示仍发送 / dissatisfied 诉求人不满意 / random 随机抽检' }),
  status: StringEnum(QA_STATUSES),
  sampledAt: Instant,
  unitId: Type.String({ description: '答复诉求人的单位（办结时的承办单位），得分计入该单位' }),
  unitName: Type.String(),
  order: Type.Object({
    id: Type.Integer(),
    number: Type.String(),
    status: Type.String(),
    content: Type.String({ description: '诉求内容，电话号码已隐去' }),
    categoryCode: NullableText,
    matterName: NullableText,
    citizenPhone: Nullable(Type.String({ description: '已隐去中间四位' })),
    createdAt: Instant,
    closedAt: NullableInstant,
    satisfaction: Nullable(StringEnum(SATISFACTION)),
    reopenCount: Type.Integer({ description: '重办次数：每次重办都记一次不满意' }),
  }),
  reply: Type.Object({
    text: Nullable(Type.String({ description: '被抽检的答复（或直办答复），电话号码已隐去' })),
    at: NullableInstant,
    direct: Type.Boolean({ description: '热线当场答复（直办），未经答复质检' }),
    checks: Nullable(
      Type.Object({
        findings: Type.Array(StringEnum(REPLY_CHECKS)),
        reason: Nullable(Type.String({ description: '提示后仍发送的理由' })),
      }),
    ),
  }),
  score: Nullable(
    Type.Object({
      items: Type.Record(Type.String(), Type.Integer()),
      total: Type.Integer(),
      passed: Type.Boolean(),
      comment: NullableText,
      scoredBy: Type.String(),
      scoredAt: Instant,
    }),
  ),
});

export const QaSampleList = Type.Object({ items: Type.Array(QaSample) });
export const QaSampleQuery = Type.Object(
  {
    status: Type.Optional(
      StringEnum(QA_STATUSES, { description: 'pending 待评分（默认，最早抽中的在前）/ scored 已评分（最近评分的在前）' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

export const QaScoreBody = Type.Object(
  {
    items: Type.Record(Type.String({ maxLength: 32 }), Type.Integer({ minimum: 0, maximum: 100 }), {
      description: '每个评分项的得分：键为 rules/qa-rubric.yaml 的 code，须全部给出，各在 0 到该项 max 之间',
      maxProperties: 20,
    }),
    comment: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: '质检意见' })),
  },
  { additionalProperties: false },
);

const month = Type.String({ pattern: '^20[0-9]{2}-(0[1-9]|1[0-2])$', description: '月份，北京时间，YYYY-MM', examples: ['2026-11'] });
export const QaMonthQuery = Type.Object({ month }, { additionalProperties: false });

const UnitRow = Type.Object({
  unitId: Type.String(),
  unitName: Type.String(),
  sampled: Type.Integer({ minimum: 0 }),
  scored: Type.Integer({ minimum: 0 }),
  points: Type.Integer({ minimum: 0 }),
  passed: Type.Integer({ minimum: 0 }),
  meanScore: Nullable(Type.Number({ minimum: 0, maximum: 100, description: '已评分样本的平均分，两位小数' })),
  passRate: Nullable(Type.Number({ minimum: 0, maximum: 1, description: '已评分样本中合格的比例，四位小数' })),
});
export const QaReportReply = Type.Object({
  month: Type.String(),
  passMark: Type.Integer(),
  units: Type.Array(UnitRow),
  total: UnitRow,
});

const Count = Type.Integer({ minimum: 0 });
export const QaDrawReply = Type.Object({
  considered: Count,
  chosen: Type.Object(Object.fromEntries(QA_REASONS.map((r) => [r, Count])) as Record<(typeof QA_REASONS)[number], typeof Count>),
  sampled: Count,
});

export const QaRubricReply = Type.Object({
  sampleShare: Type.Number(),
  passMark: Type.Integer(),
  items: Type.Array(Type.Object({ code: Type.String(), label: Type.String(), max: Type.Integer(), guide: Type.String() })),
});

export const SampleId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
export const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply };
