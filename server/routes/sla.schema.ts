/** Schemas of the 督办看板's own routes (server/routes/sla.ts), shared with the desks' typed client. */
import { Type } from 'typebox';

export const BoardClock = Type.Object({
  kind: Type.String(),
  unitPath: Type.String({ description: '计时单位的路径（自上而下的单位编号，以 / 分隔）' }),
  dueAt: Type.String({ format: 'date-time' }),
  stage: Type.Integer({ description: '已触发的最后一级提醒（-1 为尚未提醒；0 起为黄灯）' }),
});

export const BoardOrder = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  status: Type.String(),
  currentUnitId: Type.String(),
  urgency: Type.String(),
  content: Type.String({ description: '诉求内容的开头（电话号码已遮蔽）' }),
  urgeCount: Type.Integer(),
  supervisedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  version: Type.Integer({ description: '工单最新事件的编号：实时事件编号不大于它的，已含在本行中' }),
  clocks: Type.Array(BoardClock),
  extensions: Type.Array(
    Type.Object({ id: Type.Integer(), clock: Type.String(), requestedDueAt: Type.String({ format: 'date-time' }), reason: Type.String() }),
  ),
});

export const BoardOrders = Type.Object({
  unit: Type.Object({ id: Type.String(), name: Type.String(), path: Type.String({ description: '本单位的路径，如 120000/120102/' }) }),
  at: Type.String({ format: 'date-time' }),
  /** The units directly below, zero rows included (the board folds those away). */
  children: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  supervision: Type.Object({ windowLabel: Type.String({ description: '同一工单两次督办的最短间隔' }) }),
  orders: Type.Array(BoardOrder),
});
