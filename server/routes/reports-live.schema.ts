/** Schemas of the live figures (今日来件, 超期在办, the wall 大屏) and of the reports' unit picker. */
import { Type, type Static } from 'typebox';
import { CLOCK_KINDS } from '../core/deadlines.ts';
import { REQUEST_TYPES } from '../core/lists.ts';
import { ErrorReply, StringEnum } from './orders.schema.ts';
import type { Column } from './reports.schema.ts';

const Count = Type.Integer({ minimum: 0 });
const Rate = Type.Union([Type.Number(), Type.Null()], { description: '0 到 1，保留四位小数；分母为 0 时为 null' });
const unit = Type.Optional(
  Type.String({ minLength: 1, maxLength: 64, description: '单位 id；默认为本人所在单位，热线中心（hotline）为全市' }),
);
const format = Type.Optional(StringEnum(['json', 'csv'] as const, { description: '默认 json；也可用 Accept: text/csv' }));
const requestType = Type.Optional(StringEnum(REQUEST_TYPES, { description: '只统计该诉求类型的工单' }));
const ACCESS = '承办人、督办只能查看本单位及下级单位，话务员、派单员、管理员可查看全市；无权查看的单位按不存在处理（404）。';

export const IntakeQuery = Type.Object(
  { day: Type.Optional(Type.String({ format: 'date', description: '北京时间日期，默认今天' })), unit, format, requestType },
  { additionalProperties: false },
);
export const OverdueQuery = Type.Object({ unit, format, requestType }, { additionalProperties: false });
export const WallQuery = Type.Object({ unit }, { additionalProperties: false });
export const UnitsQuery = Type.Object(
  { parent: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '不带为本人所在单位本身；带则为其下级' })) },
  { additionalProperties: false },
);

export const IntakeRow = Type.Object({
  hour: Type.Integer({ minimum: 0, maximum: 23, description: '北京时间的小时' }),
  today: Count,
  weekAgo: Count,
});
export const OverdueRow = Type.Object({
  kind: StringEnum(CLOCK_KINDS),
  clockLabel: Type.String(),
  underHour: Count,
  underDay: Count,
  overDay: Count,
  total: Count,
});
const Head = {
  unit: Type.Object({ id: Type.String(), name: Type.String() }),
  at: Type.String({ format: 'date-time' }),
};

export const IntakeReply = Type.Object({
  ...Head,
  day: Type.String({ format: 'date' }),
  weekAgo: Type.String({ format: 'date', description: '对比日：上周同一天' }),
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  currentHour: Type.Union([Type.Integer(), Type.Null()], { description: 'day 为今天时，当前北京时间的小时；否则 null' }),
  rows: Type.Array(IntakeRow),
});
export const OverdueReply = Type.Object({
  ...Head,
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  rows: Type.Array(OverdueRow),
});
export const WallReply = Type.Object({
  ...Head,
  day: Type.String({ format: 'date' }),
  weekAgo: Type.String({ format: 'date' }),
  currentHour: Type.Integer(),
  intake: Type.Array(IntakeRow),
  overdue: Type.Array(OverdueRow),
  onTime: Type.Array(
    Type.Object({ unitId: Type.String(), unitName: Type.String(), onTime: Count, late: Count, overdue: Count, onTimeRate: Rate }),
  ),
  matters: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), count: Count })),
  areas: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), count: Count })),
});
export const UnitsReply = Type.Object({
  units: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), leaf: Type.Boolean() })),
});

const csvAnswer = (schema: typeof IntakeReply | typeof OverdueReply) => ({
  200: {
    description: 'JSON，或 CSV（format=csv / Accept: text/csv）',
    content: {
      'application/json': { schema },
      'text/csv': { schema: Type.String({ description: 'UTF-8 BOM + 中文表头' }) },
    },
  },
  400: ErrorReply,
  401: ErrorReply,
  404: ErrorReply,
});
const common = { tags: ['reports'], security: [{ bearer: [] }] };

export const schemas = {
  intake: {
    ...common,
    summary: '今日来件：按小时，对比上周同日',
    description:
      '登记于 day（北京时间）的工单按登记的小时计数（today），与上周同一天同一小时（weekAgo）对比；' +
      `计入现由该单位或其下级承办的工单（含重复件、转出件）。${ACCESS}`,
    querystring: IntakeQuery,
    response: csvAnswer(IntakeReply),
  },
  overdue: {
    ...common,
    summary: '超期在办：按时限',
    description:
      '此刻仍在计时且已过时限的时限，按时限种类计数（不论登记日期），计入当前承办单位；' +
      `underHour 超期不足 1 小时，underDay 1 小时至 1 天，overDay 1 天以上。${ACCESS}`,
    querystring: OverdueQuery,
    response: csvAnswer(OverdueReply),
  },
  wall: {
    ...common,
    summary: '大屏：今日来件、超期在办、各单位按时率、今日热点（一次查询）',
    description:
      '大屏每次刷新一次查询：今日来件按小时对比上周同日；超期在办按时限；近 7 天（含今天）登记工单各时限的按时率，' +
      '按单位（热线中心为市级以下各单位）从低到高；今日事项、街道热点前 8。服务端同一单位 30 秒内只查一次数据库。' +
      ACCESS,
    querystring: WallQuery,
    response: { 200: WallReply, 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
  },
  units: {
    ...common,
    summary: '报表可选单位：本单位及下级，逐级',
    description: `不带 parent：本人所在单位（热线中心为「全市」）；带 parent：该单位的下级单位。${ACCESS}`,
    querystring: UnitsQuery,
    response: { 200: UnitsReply, 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
  },
};

export const csvColumns = {
  intake: [
    ['小时', (r) => `${String(r.hour).padStart(2, '0')}:00`],
    ['当日', (r) => r.today],
    ['上周同日', (r) => r.weekAgo],
  ] as Column<Static<typeof IntakeRow>>[],
  overdue: [
    ['时限', (r) => r.clockLabel],
    ['超期不足1小时', (r) => r.underHour],
    ['超期1小时至1天', (r) => r.underDay],
    ['超期1天以上', (r) => r.overDay],
    ['合计', (r) => r.total],
  ] as Column<Static<typeof OverdueRow>>[],
};
