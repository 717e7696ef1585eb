import { Type } from 'typebox';
import { StringEnum } from './orders.schema.ts';

export const WebSubmission = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 30, description: '称呼' })),
    phone: Type.String({ pattern: '^1[3-9][0-9]{9}$|^0[0-9]{2,3}-?[0-9]{7,8}$', description: '联系电话（查询进度时需要后四位）' }),
    content: Type.String({ minLength: 5, maxLength: 2000, description: '诉求内容' }),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '事发地址' })),
  },
  { additionalProperties: false },
);

export const WebReceipt = Type.Object({
  number: Type.String({ description: '工单编号' }),
  status: Type.String(),
  /** 一次性告知 */
  notice: Type.String(),
  trackUrl: Type.String(),
});

/** Citizens know their order by its number; internal ids are not theirs, nor a second budget for one order. */
export const TrackNumber = Type.String({ pattern: '^12345-[0-9]{8}-[0-9]{6}$', description: '工单编号（如 12345-20261124-000123）' });

export const TrackQuery = Type.Object(
  { phone4: Type.String({ pattern: '^[0-9]{4}$', description: '联系电话后四位' }) },
  { additionalProperties: false },
);

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
    phone4: Type.String({ pattern: '^[0-9]{4}$' }),
    satisfaction: StringEnum(['satisfied', 'basically_satisfied', 'unsatisfied'] as const, { description: '满意 / 基本满意 / 不满意' }),
    comment: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);
