/** Schemas and definitions of 日报 / 周报 under /api/reports. */
import { Type, type TSchema } from 'typebox';
import { HOTSPOT_STATES } from '../core/hotspots.ts';
import { CHANNELS, REQUEST_TYPES } from '../core/lists.ts';
import { PERIOD_KINDS, SECTION_TITLES } from '../core/daily-report.ts';
import { ErrorReply, StringEnum } from './orders.schema.ts';

const DEFINITIONS =
  '全市口径。受理量、事项排名、区域排名：登记时间（北京时间）在期间内的全部工单（含重复件、转出件），' +
  '按渠道、诉求类型计数；事项为分类，区域取街道/乡镇一级，各取前十。直接答复：期间内由话务员直接答复（直办）的工单数，' +
  '直接答复率 = 直接答复 / 受理量。热点预警：期间内发出的预警及其现状。超期：期间内时限到期仍未完成（红灯超期）的次数，' +
  '计入当时承办的单位。回访满意度：期间内作出的评价，口径同 /api/reports/rates 的满意率（办结时或其后评价的满意、基本满意，' +
  '重办即不满意），满意率 = (满意 + 基本满意) / 参评。漏接回拨：首次漏接在期间内的回拨任务。' +
  '期间结束（北京时间次日零点）后第一次生成的报表即被保存，之后原样返回；期间未结束时为临时数（provisional: true），不保存。' +
  '加 format=csv 或 Accept: text/csv 下载 CSV（UTF-8 BOM；栏目、项目、数值三列）。督办、管理员、派单员可查看。';

const Count = Type.Integer({ minimum: 0 });
const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: '0 到 1，四位小数；分母为 0 时为 null' });
const Ranked = Type.Object({ rank: Type.Integer({ minimum: 1 }), code: Type.String(), name: Type.String(), count: Count });

export const DailyReportReply = Type.Object({
  kind: StringEnum(PERIOD_KINDS, { description: 'day 日报 / week 周报' }),
  title: Type.String(),
  firstDay: Type.String({ format: 'date' }),
  lastDay: Type.String({ format: 'date' }),
  generatedAt: Type.String({ format: 'date-time' }),
  provisional: Type.Boolean({ description: '期间尚未结束：临时数，未保存' }),
  sections: Type.Object(Object.fromEntries(Object.keys(SECTION_TITLES).map((k) => [k, Type.String()]))),
  summary: Type.Object({ intake: Count, directAnswers: Count, directAnswerRate: Rate, overdue: Count, hotspots: Count }),
  byChannel: Type.Array(Type.Object({ channel: StringEnum(CHANNELS), label: Type.String(), count: Count })),
  byRequestType: Type.Array(Type.Object({ requestType: StringEnum(REQUEST_TYPES), label: Type.String(), count: Count })),
  intake: Type.Array(
    Type.Object({
      channel: StringEnum(CHANNELS),
      channelLabel: Type.String(),
      requestType: StringEnum(REQUEST_TYPES),
      requestTypeLabel: Type.String(),
      count: Count,
    }),
  ),
  topMatters: Type.Array(Ranked),
  topPlaces: Type.Array(Ranked),
  hotspots: Type.Array(
    Type.Object({
      areaCode: Type.String(),
      areaName: Type.String(),
      matterCode: Type.String(),
      matterName: Type.String(),
      orderCount: Count,
      state: StringEnum(HOTSPOT_STATES),
      stateLabel: Type.String(),
      raisedAt: Type.String({ format: 'date-time' }),
    }),
  ),
  overdueByUnit: Type.Array(Type.Object({ unitId: Type.String(), unitName: Type.String(), count: Count })),
  satisfaction: Type.Object({ rated: Count, satisfied: Count, basicallySatisfied: Count, unsatisfied: Count, rate: Rate }),
  missedCalls: Type.Object({ missedCalls: Count, tasks: Count, calledBack: Count, calledBackOnTime: Count, reached: Count, open: Count }),
});

const format = Type.Optional(StringEnum(['json', 'csv'] as const, { description: '默认 json；也可用 Accept: text/csv' }));
export const DailyQuery = Type.Object(
  { day: Type.Optional(Type.String({ format: 'date', description: '北京时间的日期，YYYY-MM-DD；默认昨天' })), format },
  { additionalProperties: false },
);
export const WeeklyQuery = Type.Object(
  {
    week: Type.Optional(Type.String({ format: 'date', description: '该周（周一至周日）中的任一天，YYYY-MM-DD；默认昨天所在的周' })),
    format,
  },
  { additionalProperties: false },
);

const route = <Q extends TSchema>(summary: string, querystring: Q) => ({
  summary,
  description: DEFINITIONS,
  tags: ['reports'],
  security: [{ bearer: [] }],
  querystring,
  response: {
    200: {
      description: 'JSON，或 CSV（format=csv / Accept: text/csv）',
      content: {
        'application/json': { schema: DailyReportReply },
        'text/csv': { schema: Type.String({ description: 'UTF-8 BOM + 栏目,项目,数值' }) },
      },
    },
    400: ErrorReply,
    401: ErrorReply,
    403: ErrorReply,
  },
});

export const schemas = {
  daily: route('日报：一天的受理、直办、排名、热点、超期、满意度', DailyQuery),
  weekly: route('周报：一周（周一至周日）的同样数字', WeeklyQuery),
};
