/** Schemas, definitions and CSV layout of the reports (报表). */
import { Type, type Static, type TSchema } from 'typebox';
import { CLOCK_KINDS, CLOCK_LABELS } from '../core/deadlines.ts';
import { RETURN_REASON_LABELS, RETURN_REASONS } from '../core/lifecycle.ts';
import { REQUEST_TYPES } from '../core/lists.ts';
import { ErrorReply, StringEnum } from './orders.schema.ts';

/** A year, leap day included: longer periods are split by the caller. */
export const MAX_DAYS = 366;

export const COHORT =
  '统计口径：登记时间（北京时间）在 from 至 to（均含当日）之间的工单，按报表生成时（at）的状态统计；' +
  `期间最长 ${MAX_DAYS} 天。行：所选单位本身（self，本单位直接承办）、每个直属下级单位（child，含其全部下级），` +
  '以及合计（total）。选热线中心（hotline）即统计全市，行为各顶级政府单位。承办人、督办只能查看本单位及下级单位，' +
  '话务员、派单员、管理员可查看全市；无权查看的单位按不存在处理（404）。加 format=csv 或 Accept: text/csv 下载 CSV（UTF-8 BOM，中文表头）。';

const RATE_DEFINITIONS =
  '工单计入现在承办它的单位（已办结的计入办结时的承办单位，在办的计入当前承办单位；仍在热线中心的计入热线中心）；' +
  '已合并的重复件和已转出（110、京冀）的工单不计。received 工单量；responded 已响应：现承办单位已签收（签收过即算，' +
  '是否按时见 /api/reports/on-time 的签收时限）；resolved 已办结：状态为办结（被重办后未再办结的不算）；rated 参评：' +
  '有评价（最近一次评价：办结时的满意、基本满意，或重办即不满意）；satisfied 满意：最近一次评价为满意或基本满意。' +
  'responseRate 响应率 = responded / received，resolutionRate 解决率 = resolved / received，' +
  'satisfactionRate 满意率 = satisfied / rated；分母为 0 时为 null。';

const ON_TIME_DEFINITIONS =
  '每张工单每项时限（受理、转办、签收、首次回复、办结）一条，被下派、退单、重办重新计时的以最新一次为准。' +
  '已停止的时限计入停止它的单位（转办时限计入派出单位，被退单停止的签收时限计入退单单位），在计的计入当前承办单位。' +
  'onTime 按时：在时限前停止；late 超时完成：在时限当时或之后停止；overdue 超期未完成：仍在计时且已过时限；' +
  'running 计时中：仍在计时、未到时限。onTimeRate 按时率 = onTime / (onTime + late + overdue)，分母为 0 时为 null。' +
  'clock 为 all 的行是该单位各项时限之和。已合并、已转出的工单不计。';

const RETURN_DEFINITIONS =
  'dispatchedOrders 派入工单数：派单、改派、下派或异议成立改派给该单位（或其下级）的工单数；returns 退单次数，计入退回的单位；' +
  'returnedOrders 被该单位退回过的工单数；reopens 重办次数，计入被要求重办的单位（即回复诉求人的单位）；' +
  'reopenedOrders 重办过的工单数。returnRate 退单率 = returnedOrders / dispatchedOrders，' +
  'reopenRate 重办率 = reopenedOrders / dispatchedOrders；分母为 0 时为 null。合计行中同一工单只计一次。';

const TOP_DEFINITIONS =
  '登记于期间内、现由该单位或其下级承办的全部工单（含重复件、转出件）按事项分类（by=category）或区域（by=area，' +
  'level 选区、街道/乡镇或社区/村）计数，从多到少取前 limit 个；share 占比 = count / total。' +
  'unplaced：没有分类，或区域未细到所选层级的工单数，不参加排名。';

export const SCOPES = ['self', 'child', 'total'] as const;
export type Scope = (typeof SCOPES)[number];
export const SCOPE_LABELS: Record<Scope, string> = { self: '本单位', child: '下级单位', total: '合计' };

export { RETURN_REASON_LABELS };

const Day = (description: string) => Type.String({ format: 'date', description });
const base = {
  from: Day('起始日（含），北京时间，YYYY-MM-DD'),
  to: Day('截止日（含），北京时间，YYYY-MM-DD'),
  unit: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '单位 id；默认为本人所在单位，热线中心（hotline）为全市' })),
  format: Type.Optional(StringEnum(['json', 'csv'] as const, { description: '默认 json；也可用 Accept: text/csv' })),
  requestType: Type.Optional(
    StringEnum(REQUEST_TYPES, { description: '只统计该诉求类型的工单（咨询、求助、投诉、举报、建议、表扬、其他）' }),
  ),
};
export const PeriodQuery = Type.Object(base, { additionalProperties: false });
export const TopQuery = Type.Object(
  {
    ...base,
    by: StringEnum(['category', 'area'] as const, { description: 'category 事项分类 / area 区域' }),
    level: Type.Optional(
      StringEnum(['district', 'street', 'community'] as const, { description: 'by=area 时的层级，默认 street（街道/乡镇）' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 10, description: '取前几名' }),
  },
  { additionalProperties: false },
);

const Rate = Type.Union([Type.Number(), Type.Null()], { description: '0 到 1，保留四位小数' });
const Count = Type.Integer({ minimum: 0 });
const RowUnit = {
  unitId: Type.String(),
  unitName: Type.String(),
  scope: StringEnum(SCOPES, { description: 'self 本单位 / child 直属下级单位（含其下级）/ total 合计' }),
};

export const RateRow = Type.Object({
  ...RowUnit,
  received: Count,
  responded: Count,
  resolved: Count,
  rated: Count,
  satisfied: Count,
  responseRate: Rate,
  resolutionRate: Rate,
  satisfactionRate: Rate,
});

export const OnTimeRow = Type.Object({
  ...RowUnit,
  clock: StringEnum([...CLOCK_KINDS, 'all'] as const),
  clockLabel: Type.String(),
  onTime: Count,
  late: Count,
  overdue: Count,
  running: Count,
  onTimeRate: Rate,
});

export const ReturnRow = Type.Object({
  ...RowUnit,
  dispatchedOrders: Count,
  returns: Count,
  returnedOrders: Count,
  returnRate: Rate,
  reopens: Count,
  reopenedOrders: Count,
  reopenRate: Rate,
  returnsByReason: Type.Object(Object.fromEntries(RETURN_REASONS.map((r) => [r, Count])), { description: '退单次数按原因' }),
});

export const TopRow = Type.Object({
  rank: Type.Integer({ minimum: 1 }),
  code: Type.String({ description: '分类代码或行政区划代码' }),
  name: Type.String(),
  count: Count,
  share: Type.Number({ description: '占 total 的比例，0 到 1' }),
});

const envelope = (rows: TSchema, extra: Record<string, TSchema> = {}) =>
  Type.Object({
    unit: Type.Object({ id: Type.String(), name: Type.String() }),
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
    at: Type.String({ format: 'date-time', description: '报表生成时间：在办工单和时限按此时的状态统计' }),
    requestType: Type.Optional(StringEnum(REQUEST_TYPES, { description: '只统计了该诉求类型时给出' })),
    ...extra,
    rows: Type.Array(rows),
  });

/** JSON, or the same rows as CSV. */
const answers = (rows: TSchema, extra?: Record<string, TSchema>) => ({
  200: {
    description: 'JSON，或 CSV（format=csv / Accept: text/csv）',
    content: {
      'application/json': { schema: envelope(rows, extra) },
      'text/csv': { schema: Type.String({ description: 'UTF-8 BOM + 中文表头 + 与 JSON 相同的行' }) },
    },
  },
  400: ErrorReply,
  401: ErrorReply,
  404: ErrorReply,
});

const route = <Q extends TSchema>(summary: string, definitions: string, querystring: Q, response: ReturnType<typeof answers>) => ({
  summary,
  description: `${definitions}\n\n${COHORT}`,
  tags: ['reports'],
  security: [{ bearer: [] }],
  querystring,
  response,
});

export const schemas = {
  rates: route('三率：响应率、解决率、满意率', RATE_DEFINITIONS, PeriodQuery, answers(RateRow)),
  onTime: route('按时率：各单位各项时限', ON_TIME_DEFINITIONS, PeriodQuery, answers(OnTimeRow)),
  returns: route('退单与重办', RETURN_DEFINITIONS, PeriodQuery, answers(ReturnRow)),
  top: route(
    '热点：事项分类或区域排名',
    TOP_DEFINITIONS,
    TopQuery,
    answers(TopRow, { by: Type.String(), level: Type.Union([Type.String(), Type.Null()]), total: Count, unplaced: Count }),
  ),
};

export const CLOCK_COLUMN_LABELS: Record<(typeof CLOCK_KINDS)[number] | 'all', string> = { ...CLOCK_LABELS, all: '全部时限' };

/** A CSV column: its Chinese header and how a row fills it. */
export type Column<R> = [header: string, value: (row: R) => string | number | null];

export const percent = (rate: number | null) => (rate === null ? null : `${(rate * 100).toFixed(2)}%`);
export const unitColumns = <R extends { unitId: string; unitName: string; scope: Scope }>(): Column<R>[] => [
  ['单位编码', (r) => r.unitId],
  ['单位名称', (r) => r.unitName],
  ['范围', (r) => SCOPE_LABELS[r.scope]],
];

type RateRowT = Static<typeof RateRow>;
type OnTimeRowT = Static<typeof OnTimeRow>;
type ReturnRowT = Static<typeof ReturnRow>;
type TopRowT = Static<typeof TopRow>;

export const csvColumns = {
  rates: [
    ...unitColumns<RateRowT>(),
    ['工单量', (r) => r.received],
    ['已响应', (r) => r.responded],
    ['已办结', (r) => r.resolved],
    ['参评', (r) => r.rated],
    ['满意（含基本满意）', (r) => r.satisfied],
    ['响应率', (r) => percent(r.responseRate)],
    ['解决率', (r) => percent(r.resolutionRate)],
    ['满意率', (r) => percent(r.satisfactionRate)],
  ] as Column<RateRowT>[],
  onTime: [
    ...unitColumns<OnTimeRowT>(),
    ['时限', (r) => r.clockLabel],
    ['按时', (r) => r.onTime],
    ['超时完成', (r) => r.late],
    ['超期未完成', (r) => r.overdue],
    ['计时中', (r) => r.running],
    ['按时率', (r) => percent(r.onTimeRate)],
  ] as Column<OnTimeRowT>[],
  returns: [
    ...unitColumns<ReturnRowT>(),
    ['派入工单数', (r) => r.dispatchedOrders],
    ['退单次数', (r) => r.returns],
    ['退单工单数', (r) => r.returnedOrders],
    ['退单率', (r) => percent(r.returnRate)],
    ...RETURN_REASONS.map((reason): Column<ReturnRowT> => [`退单：${RETURN_REASON_LABELS[reason]}`, (r) => r.returnsByReason[reason] ?? 0]),
    ['重办次数', (r) => r.reopens],
    ['重办工单数', (r) => r.reopenedOrders],
    ['重办率', (r) => percent(r.reopenRate)],
  ] as Column<ReturnRowT>[],
  top: [
    ['排名', (r) => r.rank],
    ['代码', (r) => r.code],
    ['名称', (r) => r.name],
    ['工单量', (r) => r.count],
    ['占比', (r) => percent(r.share)],
  ] as Column<TopRowT>[],
};

/**
 * RFC 4180 with CRLF, behind a UTF-8 BOM so that Excel reads the Chinese. A text
 * cell that a spreadsheet would run as a formula (= + - @) gets a leading
 * apostrophe; a cell with a comma, quote or line break is quoted.
 */
export function toCsv<R>(columns: Column<R>[], rows: R[]): string {
  const cell = (v: string | number | null): string => {
    if (v === null) return '';
    if (typeof v === 'number') return String(v);
    const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map(([header]) => cell(header)), ...rows.map((row) => columns.map(([, value]) => cell(value(row))))];
  return `\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}
