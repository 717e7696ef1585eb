/** 派单异议: the reviewer's list, the catalogue proposals and the report (schemas and definitions). */
import { Type, type Static } from 'typebox';
import { OBJECTION_REASONS } from '../core/objections.ts';
import { ErrorReply, Nullable, StringEnum } from './orders.schema.ts';
import { percent, PeriodQuery, SCOPES, unitColumns, type Column } from './reports.schema.ts';

const Time = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
const Id = Type.Integer({ minimum: 1 });
const Count = Type.Integer({ minimum: 0 });
const Rate = Type.Union([Type.Number(), Type.Null()], { description: '0 到 1，保留四位小数；分母为 0 时为 null' });
const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply };

export const PendingQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }) },
  { additionalProperties: false },
);

export const PendingObjection = Type.Object({
  id: Id,
  orderId: Id,
  orderNumber: Type.String(),
  orderStatus: Type.String(),
  content: Type.String({ description: '诉求内容（电话号码已隐去）' }),
  categoryCode: Nullable(Type.String()),
  unitId: Type.String({ description: '提出异议的单位' }),
  unitName: Type.String(),
  reasonCode: StringEnum(OBJECTION_REASONS),
  reasonLabel: Type.String(),
  reason: Type.String(),
  dutyUnitId: Nullable(Type.String()),
  dutyUnitName: Nullable(Type.String()),
  dutyBasis: Type.String(),
  filedAt: Time,
  dueAt: Time,
  timeLeftMs: Type.Integer({ description: '距审核时限的毫秒数，负数为已超时' }),
});

export const PendingList = Type.Object({
  at: Type.String({ format: 'date-time', description: '服务器时间：页面据此走倒计时' }),
  items: Type.Array(PendingObjection),
});

export const Proposal = Type.Object({
  id: Id,
  objectionId: Id,
  orderId: Id,
  categoryCode: Type.String({ description: '事项' }),
  categoryName: Nullable(Type.String()),
  fromUnitId: Type.String({ description: '派单目录所指、提出异议的单位' }),
  fromUnitName: Nullable(Type.String()),
  toUnitId: Type.String({ description: '审核认定的承办单位' }),
  toUnitName: Nullable(Type.String()),
  reasonCode: StringEnum(OBJECTION_REASONS),
  dutyBasis: Type.String(),
  decisionNote: Nullable(Type.String()),
  createdAt: Time,
});

const Tallies = {
  dispatchedOrders: Count,
  objections: Count,
  upheld: Count,
  rejected: Count,
  pending: Count,
  upheldOrders: Count,
  accuracy: Rate,
};

export const ReportRow = Type.Object({
  unitId: Type.String(),
  unitName: Type.String(),
  scope: StringEnum(SCOPES, { description: 'self 本单位 / child 直属下级单位（含其下级）/ total 合计' }),
  ...Tallies,
});
export const MatterRow = Type.Object({ categoryCode: Nullable(Type.String()), categoryName: Nullable(Type.String()), ...Tallies });

type ReportRowT = Static<typeof ReportRow>;
/** The report's CSV: one line per unit, as on the page. */
export const objectionCsvColumns: Column<ReportRowT>[] = [
  ...unitColumns<ReportRowT>(),
  ['派入工单', (r) => r.dispatchedOrders],
  ['提出异议', (r) => r.objections],
  ['异议成立', (r) => r.upheld],
  ['异议不成立', (r) => r.rejected],
  ['审核中', (r) => r.pending],
  ['异议成立工单', (r) => r.upheldOrders],
  ['派单准确率', (r) => percent(r.accuracy)],
];

const REPORT_DEFINITIONS =
  '统计口径同其他报表：登记时间在 from 至 to 之间的工单。派单异议计入提出异议的单位：objections 提出次数，' +
  'upheld 成立、rejected 不成立、pending 审核中，upheldOrders 异议成立的工单数；dispatchedOrders 派入工单数' +
  '（派单、改派、下派、异议成立改派，同 /api/reports/returns）。accuracy 派单准确率 = 1 − upheldOrders / dispatchedOrders。' +
  'matters 为按事项的同样统计（不分单位）。format=csv（或 Accept: text/csv）下载各单位一行的 CSV。';

export const schemas = {
  pending: {
    summary: '待审核的派单异议',
    description: '全部待审核的派单异议，审核时限近的在前：工单、提出单位、理由、所引职责、时限。派单异议审核（reviewer）和管理员可看。',
    tags: ['objections'],
    security: [{ bearer: [] }],
    querystring: PendingQuery,
    response: { 200: PendingList, ...errors },
  },
  proposals: {
    summary: '派单目录纠错建议',
    description:
      '异议成立、且派单目录（rules/matters/）为该事项所指的承办单位类别与审核认定的单位不同时，记一条修改建议：事项、原单位、认定单位。仅管理员可看。',
    tags: ['objections'],
    security: [{ bearer: [] }],
    querystring: PendingQuery,
    response: { 200: Type.Object({ items: Type.Array(Proposal) }), ...errors },
  },
  report: {
    summary: '派单异议报表（派单准确率）',
    description: REPORT_DEFINITIONS,
    tags: ['reports'],
    security: [{ bearer: [] }],
    querystring: PeriodQuery,
    response: {
      200: Type.Object({
        unit: Type.Object({ id: Type.String(), name: Type.String() }),
        from: Type.String(),
        to: Type.String(),
        at: Type.String(),
        rows: Type.Array(ReportRow),
        matters: Type.Array(MatterRow),
      }),
      ...errors,
    },
  },
} as const;
