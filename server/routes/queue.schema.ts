import { Type } from 'typebox';
import { RETURN_REASONS } from '../core/lifecycle.ts';
import { REQUEST_TYPES } from '../core/lists.ts';
import { ClockView, Nullable, Order, StringEnum } from './orders.schema.ts';

const Time = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });

export const QueueQuery = Type.Object(
  {
    matter: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,32}$', description: '事项分类' })),
    district: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: '区（6 位区划代码），含其下级' })),
    requestType: Type.Optional(StringEnum(REQUEST_TYPES, { description: '诉求类型' })),
    olderThanMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 525_600, description: '只看登记已超过这么多分钟的' })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 200 }),
  },
  { additionalProperties: false },
);

export const ReturnStep = Type.Object({
  at: Time,
  fromUnitId: Nullable(Type.String({ description: '退回的单位' })),
  reasonCode: Nullable(StringEnum(RETURN_REASONS, { description: '退单原因' })),
  reason: Nullable(Type.String()),
});

export const QueuePage = Type.Object({
  items: Type.Array(Type.Object({ order: Order, clocks: Type.Array(ClockView), returns: Type.Array(ReturnStep) })),
  policy: Type.Object({ returnLimit: Type.Integer({ description: '退单达到此次数后回到热线中心，由派单员指定承办' }) }),
});

export const OpenOrderBrief = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  status: Type.String(),
  content: Type.String(),
  areaCode: Nullable(Type.String()),
  categoryCode: Nullable(Type.String()),
  currentUnitId: Type.String(),
  createdAt: Time,
});

export const DuplicatesQuery = Type.Object(
  {
    days: Type.Integer({ minimum: 1, maximum: 30, default: 3 }),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 100 }),
  },
  { additionalProperties: false },
);
export const Duplicates = Type.Object({
  items: Type.Array(
    Type.Object({ order: OpenOrderBrief, match: Type.Object({ ...OpenOrderBrief.properties, similarity: Type.Number() }) }),
  ),
});

export const OpenOrderSearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[^\\x00-\\x1f]*[^\\s\\x00-\\x1f][^\\x00-\\x1f]*$',
      description: '工单编号（或其尾号）或诉求内容中的字',
    }),
    days: Type.Integer({ minimum: 1, maximum: 90, default: 30 }),
    limit: Type.Integer({ minimum: 1, maximum: 50, default: 20 }),
  },
  { additionalProperties: false },
);
export const OpenOrders = Type.Object({ items: Type.Array(OpenOrderBrief) });
