import { Type } from 'typebox';
import { QUERY_CODE_PATTERN } from '../orders/query-code.ts';
import { StringEnum } from './orders.schema.ts';

export const WebSubmission = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 30, description: '称呼' })),
    phone: Type.String({ pattern: '^1[3-9][0-9]{9}$|^0[0-9]{2,3}-?[0-9]{7,8}$', description: '联系电话' }),
    content: Type.String({ minLength: 5, maxLength: 2000, description: '诉求内容' }),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '事发地址' })),
  },
  { additionalProperties: false },
);

export const WebReceipt = Type.Object({
  number: Type.String({ description: '工单编号' }),
  status: Type.String(),
  notice: Type.String({
    description: '一次性告知：下一步做什么、何时答复，以及查询码。查询码只在创建工单的那次应答中给出；重复提交的应答不再显示查询码。',
  }),
  trackUrl: Type.String({ description: '查询办理进度的页面（已填好工单编号，需输入查询码）' }),
});

/** Citizens know their order by its number; internal ids are not theirs, nor a second budget for one order. */
export const TrackNumber = Type.String({ pattern: '^12345-[0-9]{8}-[0-9]{6}$', description: '工单编号（如 12345-20261124-000123）' });

/** 查询码 from the one-time notice, in either case. */
const QueryCode = Type.String({ pattern: QUERY_CODE_PATTERN, description: '查询码：一次性告知中给出的 8 位字母数字，不区分大小写' });

export const TrackQuery = Type.Object({ code: QueryCode }, { additionalProperties: false });

export const Tracking = Type.Object({
  number: Type.String(),
  status: Type.String(),
  statusLabel: Type.String(),
  category: Type.Union([Type.String(), Type.Null()]),
  unit: Type.Union([Type.String(), Type.Null()], { description: '承办单位' }),
  createdAt: Type.Unsafe<Date>({ type: 'string', format: 'date-time' }),
  reply: Type.Union([Type.String(), Type.Null()]),
  canRate: Type.Boolean(),
  history: Type.Array(Type.Object({ at: Type.Unsafe<Date>({ type: 'string', format: 'date-time' }), step: Type.String() })),
});

export const Rating = Type.Object(
  {
    code: QueryCode,
    satisfaction: StringEnum(['satisfied', 'basically_satisfied', 'unsatisfied'] as const, { description: '满意 / 基本满意 / 不满意' }),
    comment: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);
