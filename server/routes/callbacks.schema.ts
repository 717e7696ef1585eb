import { Type } from 'typebox';
import { Order } from './orders.schema.ts';

const Time = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });

export const CallbackQueueQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 200, default: 100 }) },
  { additionalProperties: false },
);

export const CallbackItem = Type.Object({
  order: Order,
  callback: Type.Object({
    dueAt: Time,
    overdue: Type.Boolean({ description: '已过回访时限' }),
    attempts: Type.Integer({ description: '本次答复以来未接通的次数' }),
    lastMissedAt: Type.Union([Time, Type.Null()]),
  }),
});

export const CallbackQueue = Type.Object({
  items: Type.Array(CallbackItem),
  policy: Type.Object({
    withinLabel: Type.String({ description: '回访时限，如「答复后 2 个工作日」' }),
    attempts: Type.Integer({ description: '未接通达到此次数即按未回访办结' }),
  }),
});
