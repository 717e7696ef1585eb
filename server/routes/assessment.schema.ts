/** Schemas, definitions and CSV layout of 考核 (unit assessment). */
import { Type, type Static } from 'typebox';
import {
  ASSESSMENT_GROUPS,
  ASSESSMENT_TERMS,
  COUNT_LABELS,
  GROUP_LABELS,
  NO_COUNTS,
  TERM_LABELS,
  type UnitCounts,
} from '../core/assessment.ts';
import { ErrorReply, StringEnum } from './orders.schema.ts';
import type { Column } from './reports.schema.ts';

const DEFINITIONS =
  '各单位按月考核：统计登记时间（北京时间）在该月内的工单，按生成时的状态计（口径同 /api/reports/rates、/on-time、/returns）。' +
  '分组排名：区、街道（乡镇）、市级部门、区级部门；区和街道含其全部下级单位。各项：' +
  ASSESSMENT_TERMS.map((t) => `${t} ${TERM_LABELS[t]}`).join('，') +
  '。得分 = 100 × Σ 权重 × 项值 ÷ Σ 权重，项值为该率（退单率、异议成立率取 1 − 率），只计该单位当月有分母的项；' +
  '答复质量：该单位（含下级）当月登记工单中有质检员评分的，取平均分 ÷ 100（rules/qa-rubric.yaml，见 /api/qa/report）；一件也未评分时取自动质检通过率（未被提示的答复 ÷ 经自动质检的答复）。' +
  '权重见 rules/assessment.yaml（weights），合计 100。派单异议尚未记录，异议成立数暂为 0。' +
  '同分同名次；没有任何可计项的单位无得分、无名次，排在最后。previous* 为上一个月，scoreChange = score − previousScore，' +
  'rankChange = previousRank − rank（正数为名次上升）。仅督办和管理员可查看。';

const month = Type.String({
  pattern: '^20[0-9]{2}-(0[1-9]|1[0-2])$',
  description: '考核月份，北京时间，YYYY-MM',
  examples: ['2026-11'],
});
export const AssessmentQuery = Type.Object({ month }, { additionalProperties: false });

const Score = Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()], { description: '0 到 100，两位小数' });
const Rank = Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]);
const Change = Type.Union([Type.Number(), Type.Null()]);
const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: '0 到 1，四位小数；分母为 0 时为 null' });
const Count = Type.Integer({ minimum: 0 });

const Rates = Type.Object(
  Object.fromEntries(ASSESSMENT_TERMS.map((t) => [t, Rate])) as Record<(typeof ASSESSMENT_TERMS)[number], typeof Rate>,
);
const Counts = Type.Object(Object.fromEntries(Object.keys(NO_COUNTS).map((k) => [k, Count])) as Record<keyof UnitCounts, typeof Count>);

export const AssessmentUnit = Type.Object({
  unitId: Type.String(),
  unitName: Type.String(),
  score: Score,
  rank: Rank,
  previousScore: Score,
  previousRank: Rank,
  scoreChange: Change,
  rankChange: Change,
  rates: Rates,
  counts: Counts,
});

export const AssessmentReply = Type.Object({
  month: Type.String(),
  previousMonth: Type.String(),
  at: Type.String({ format: 'date-time', description: '生成时间：在计的时限按此时判断是否超期' }),
  weights: Type.Object(
    Object.fromEntries(ASSESSMENT_TERMS.map((t) => [t, Type.Number()])) as Record<
      (typeof ASSESSMENT_TERMS)[number],
      ReturnType<typeof Type.Number>
    >,
  ),
  groups: Type.Array(
    Type.Object({
      level: StringEnum(ASSESSMENT_GROUPS, {
        description: 'district 区 / street 街道（乡镇）/ city_department 市级部门 / district_department 区级部门',
      }),
      label: Type.String(),
      units: Type.Array(AssessmentUnit),
    }),
  ),
});

const base = { tags: ['reports'], security: [{ bearer: [] }], querystring: AssessmentQuery };
const refusals = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply };

export const schemas = {
  json: { ...base, summary: '考核：各单位月度得分与排名', description: DEFINITIONS, response: { 200: AssessmentReply, ...refusals } },
  csv: {
    ...base,
    summary: '考核（CSV）',
    description: `与 /api/reports/assessment 相同，每个单位一行（UTF-8 BOM，中文表头）。\n\n${DEFINITIONS}`,
    response: {
      200: {
        description: 'CSV',
        content: { 'text/csv': { schema: Type.String({ description: 'UTF-8 BOM + 中文表头' }) } },
      },
      ...refusals,
    },
  },
};

type UnitRow = Static<typeof AssessmentUnit> & { level: (typeof ASSESSMENT_GROUPS)[number] };

const percent = (rate: number | null) => (rate === null ? null : `${(rate * 100).toFixed(2)}%`);

export const csvColumns: Column<UnitRow>[] = [
  ['考核分组', (r) => GROUP_LABELS[r.level]],
  ['排名', (r) => r.rank],
  ['单位编码', (r) => r.unitId],
  ['单位名称', (r) => r.unitName],
  ['得分', (r) => r.score],
  ['上月得分', (r) => r.previousScore],
  ['得分变化', (r) => r.scoreChange],
  ['上月排名', (r) => r.previousRank],
  ['名次变化', (r) => r.rankChange],
  ...ASSESSMENT_TERMS.map((t): Column<UnitRow> => [TERM_LABELS[t], (r) => percent(r.rates[t])]),
  ...(Object.keys(NO_COUNTS) as (keyof UnitCounts)[]).map((k): Column<UnitRow> => [COUNT_LABELS[k], (r) => r.counts[k]]),
];
