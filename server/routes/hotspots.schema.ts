/** The shapes of 热点预警's routes (routes/hotspots.ts), shared with the board's typed client. */
import { Type } from 'typebox';
import { HOTSPOT_LEVELS, HOTSPOT_STATES } from '../core/hotspots.ts';
import { ErrorReply, Instant, Nullable, StringEnum } from './orders.schema.ts';

const NullableInstant = Nullable(Instant);
const NullableText = Nullable(Type.String());

export const HotspotAlert = Type.Object({
  id: Type.Integer(),
  matterCode: Type.String(),
  matterName: Type.String(),
  areaCode: Type.String(),
  areaName: Type.String(),
  level: StringEnum(HOTSPOT_LEVELS),
  firstAt: Instant,
  lastAt: Instant,
  orderCount: Type.Integer(),
  usualRate: Type.Number({ description: '该地点该时段平时每个窗口的工单数（基线日均值）' }),
  state: StringEnum(HOTSPOT_STATES),
  raisedAt: Instant,
  acknowledgedBy: NullableText,
  acknowledgedAt: NullableInstant,
  handledBy: NullableText,
  handledAt: NullableInstant,
  note: NullableText,
  orders: Type.Array(
    Type.Object({
      id: Type.Integer(),
      number: Type.String(),
      status: Type.String(),
      currentUnitId: Type.String(),
      content: Type.String({ description: '诉求内容前 120 字，电话号码已隐去' }),
      createdAt: Instant,
    }),
  ),
});

export const HotspotList = Type.Object({ at: Type.String({ format: 'date-time' }), alerts: Type.Array(HotspotAlert) });
export const HotspotQuery = Type.Object(
  {
    state: Type.Optional(StringEnum(HOTSPOT_STATES)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export const HotspotStepBody = Type.Object(
  { note: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: '处置说明（如已并单、已转职能部门）' })) },
  { additionalProperties: false },
);
export const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
export const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply };
