/** Schemas, definitions and CSV layout of the reports on 直办 and the knowledge base. */
import { Type, type Static } from 'typebox';
import { ErrorReply, StringEnum } from './orders.schema.ts';
import type { Column } from './reports.schema.ts';

const COHORT =
  '统计口径：登记时间（北京时间）在 from 至 to（均含当日）之间的工单，全市，按报表生成时的状态统计；已合并、已转出的工单不计。' +
  '话务员、派单员、管理员及知识库人员可查看。加 format=csv 或 Accept: text/csv 下载 CSV。';

const Day = (description: string) => Type.String({ format: 'date', description });
const Rate = Type.Union([Type.Number(), Type.Null()], { description: '0 到 1，保留四位小数；分母为 0 时为 null' });
const Count = Type.Integer({ minimum: 0 });
const query = {
  from: Day('起始日（含），北京时间，YYYY-MM-DD'),
  to: Day('截止日（含），北京时间，YYYY-MM-DD'),
  format: Type.Optional(StringEnum(['json', 'csv'] as const, { description: '默认 json；也可用 Accept: text/csv' })),
};

export const DirectQuery = Type.Object(
  { ...query, by: Type.Optional(StringEnum(['day', 'operator'] as const, { description: '按日（默认）或按话务员' })) },
  { additionalProperties: false },
);
export const RankQuery = Type.Object(
  { ...query, limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: '取前几名' }) },
  { additionalProperties: false },
);

export const DirectRow = Type.Object({
  day: Type.Optional(Type.String({ description: '按日时：北京时间日期' })),
  userId: Type.Optional(Type.Integer()),
  username: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String({ description: '按话务员时：姓名' })),
  orders: Count,
  consultations: Type.Optional(Count),
  answered: Count,
  fromKnowledge: Count,
  gaps: Type.Optional(Count),
  directRate: Rate,
  knowledgeHitRate: Rate,
});
export const EntryRow = Type.Object({ rank: Type.Integer(), entryId: Type.Integer(), title: Type.String(), uses: Count, orders: Count });
export const GapRow = Type.Object({
  rank: Type.Integer(),
  categoryCode: Type.Union([Type.String(), Type.Null()]),
  categoryName: Type.String(),
  count: Count,
  examples: Type.Array(Type.String(), { description: '最近的诉求内容（截前 120 字，电话号码已遮蔽）' }),
});

const envelope = <T extends Parameters<typeof Type.Array>[0]>(rows: T) =>
  Type.Object({
    unit: Type.Object({ id: Type.String(), name: Type.String() }),
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
    at: Type.String({ format: 'date-time' }),
    rows: Type.Array(rows),
  });
const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply };

export const schemas = {
  direct: {
    summary: '直办率（当场答复）',
    description:
      `${COHORT}\n\norders 登记工单数；consultations 其中咨询类；answered 当场直接答复办结（直办）；fromKnowledge 其中依据知识条目答复；` +
      'gaps 作为知识缺口转知识库组的咨询。directRate 直办率 = answered / orders；knowledgeHitRate 知识命中率 = fromKnowledge / consultations' +
      '（按话务员时为 fromKnowledge / answered）。按话务员统计时，orders 为该话务员登记的工单，answered 为其直办的工单。',
    tags: ['reports'],
    security: [{ bearer: [] }],
    querystring: DirectQuery,
    response: { 200: envelope(DirectRow), ...errors },
  },
  entries: {
    summary: '最常用的知识条目',
    description: `${COHORT}\n\n按期间内被宣读（直接答复引用）的次数排序：uses 引用次数，orders 工单数。`,
    tags: ['reports'],
    security: [{ bearer: [] }],
    querystring: RankQuery,
    response: { 200: envelope(EntryRow), ...errors },
  },
  gaps: {
    summary: '知识缺口：没有知识条目答复的咨询',
    description: `${COHORT}\n\n期间内登记、没有引用任何知识条目答复的咨询类工单，按事项分类计数，从多到少，附最近三条诉求内容。`,
    tags: ['reports'],
    security: [{ bearer: [] }],
    querystring: RankQuery,
    response: { 200: envelope(GapRow), ...errors },
  },
};

const percent = (rate: number | null) => (rate === null ? null : `${(rate * 100).toFixed(2)}%`);
type DirectRowT = Static<typeof DirectRow>;
export const csvColumns = {
  directByDay: [
    ['日期', (r) => r.day ?? null],
    ['登记工单', (r) => r.orders],
    ['咨询', (r) => r.consultations ?? 0],
    ['直办', (r) => r.answered],
    ['依据知识条目', (r) => r.fromKnowledge],
    ['知识缺口', (r) => r.gaps ?? 0],
    ['直办率', (r) => percent(r.directRate)],
    ['知识命中率', (r) => percent(r.knowledgeHitRate)],
  ] as Column<DirectRowT>[],
  directByOperator: [
    ['账号', (r) => r.username ?? null],
    ['姓名', (r) => r.displayName ?? null],
    ['登记工单', (r) => r.orders],
    ['直办', (r) => r.answered],
    ['依据知识条目', (r) => r.fromKnowledge],
    ['直办率', (r) => percent(r.directRate)],
    ['知识命中率', (r) => percent(r.knowledgeHitRate)],
  ] as Column<DirectRowT>[],
  entries: [
    ['排名', (r) => r.rank],
    ['条目 id', (r) => r.entryId],
    ['标题', (r) => r.title],
    ['引用次数', (r) => r.uses],
    ['工单数', (r) => r.orders],
  ] as Column<Static<typeof EntryRow>>[],
  gaps: [
    ['排名', (r) => r.rank],
    ['事项分类', (r) => r.categoryName],
    ['咨询量', (r) => r.count],
    ['最近诉求', (r) => r.examples.join(' / ')],
  ] as Column<Static<typeof GapRow>>[],
};
