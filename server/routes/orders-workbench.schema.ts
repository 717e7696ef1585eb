/** 承办工作台 (GET /api/orders/workbench): one unit's desk in one answer. */
import { Type } from 'typebox';
import { ASSIST_STATUSES } from '../core/lifecycle.ts';
import { OBJECTION_REASONS } from '../core/objections.ts';
import { ClockView, Nullable, Order, StringEnum } from './orders.schema.ts';

const Time = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
const UnitName = Type.Object({ id: Type.String(), name: Type.String() });

/** A running clock with the instants of its ladder, so a desk turns it yellow and red at the sweeper's own instants. */
export const LadderClock = Type.Object({
  ...ClockView.properties,
  warnAt: Type.Array(Time),
  escalateAt: Type.Array(Time),
});

export const AssistItem = Type.Object({
  unitId: Type.String(),
  unitName: Type.String(),
  status: StringEnum(ASSIST_STATUSES, { description: 'assigned 待签收 / claimed 已签收 / replied 已回复主办' }),
  assignedAt: Time,
  claimedAt: Nullable(Time),
  repliedAt: Nullable(Time),
  replyText: Nullable(Type.String()),
});

export const PendingExtension = Type.Object({
  id: Type.Integer(),
  clock: Type.String(),
  requestedAt: Time,
  requestedDueAt: Time,
  reason: Type.String(),
});

/** 派单异议 waiting for the hotline's review: the order stays, its clocks run. */
export const PendingObjection = Type.Object({
  id: Type.Integer(),
  reasonCode: StringEnum(OBJECTION_REASONS),
  reason: Type.String(),
  dutyUnitId: Nullable(Type.String()),
  dutyBasis: Type.String(),
  filedAt: Time,
  dueAt: Time,
});

export const WorkbenchItem = Type.Object({
  order: Order,
  /** How my unit stands to the order. */
  role: StringEnum(['lead', 'assist'] as const, { description: 'lead 主办（本单位承办）/ assist 协办' }),
  clocks: Type.Array(LadderClock),
  assists: Type.Array(AssistItem),
  pendingExtensions: Type.Array(PendingExtension),
  pendingObjection: Nullable(PendingObjection),
});

export const Workbench = Type.Object({
  at: Type.String({ format: 'date-time', description: '服务器时间：页面据此走倒计时' }),
  unit: UnitName,
  children: Type.Array(UnitName, { description: '下级单位：下派、协办的对象' }),
  siblings: Type.Array(UnitName, { description: '同级单位：可请其协办' }),
  items: Type.Array(WorkbenchItem),
});

export const WorkbenchQuery = Type.Object(
  {
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '默认为本人所在单位' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }),
  },
  { additionalProperties: false },
);
