import { REPLY_CHECKS } from '../core/reply-quality.ts';
import { Type, type Static } from 'typebox';
import { RETURN_REASONS, STATUSES, TRANSFER_TARGETS } from '../core/lifecycle.ts';
import { CHANNELS, REQUEST_TYPES, URGENCIES } from '../core/lists.ts';
import { OBJECTION_REASONS } from '../core/objections.ts';

/** A value or null: the one spelling of a nullable field for every route's schema. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
/** An instant the handler returns as a Date; on the wire an ISO string. */
export const Instant = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });

/** A closed set of strings, shown as an enum in the OpenAPI document. */
export const StringEnum = <const T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/** 12 digits for a community, 9 for a street, 6 for a district (GB/T 2260 and NBS codes). */
export const AreaCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$', description: '行政区划代码' });
/** Mainland mobile, landline with area code, or an extension; digits, spaces, + and - only. */
const Phone = Type.String({ pattern: '^\\+?[0-9][0-9 -]{4,19}$', maxLength: 20, description: '诉求人电话' });
export const OrderRef = Type.String({
  pattern: '^([0-9]{1,15}|12345-[0-9]{8}-[0-9]{6})$',
  description: '工单 id 或编号（如 12345-20261124-000123）',
});

export const CreateOrderBody = Type.Object(
  {
    channel: StringEnum(CHANNELS, { description: '来源渠道' }),
    channelMessageId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: '渠道自身的消息 id' })),
    citizenName: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    citizenPhone: Type.Optional(Phone),
    content: Type.String({ minLength: 1, maxLength: 10000, description: '诉求内容' }),
    locationText: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: '地址描述' })),
    categoryCode: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,32}$' })),
    urgency: Type.Optional(StringEnum(URGENCIES)),
    areaCode: Type.Optional(AreaCode),
    requestType: Type.Optional(StringEnum(REQUEST_TYPES, { description: '诉求类型（话务员选定；不填则由规则判断）' })),
    answer: Type.Optional(
      Type.Object(
        {
          text: Type.String({ minLength: 1, maxLength: 5000, description: '当场答复的内容（可由知识条目预填后修改）' }),
          kbEntryIds: Type.Optional(
            Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10, uniqueItems: true, description: '答复所依据的知识条目 id' }),
          ),
        },
        { additionalProperties: false, description: '直办：登记的同时当场答复并办结（话务员），与 knowledgeGap 不能同时使用' },
      ),
    ),
    knowledgeGap: Type.Optional(Type.Boolean({ description: '知识缺口：咨询类诉求在知识库中找不到可答复的条目，受理后转知识库组答复' })),
    callId: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$', description: '来电的 callId：工单与通话关联，一通电话只产生一张工单' }),
    ),
    relatedOrderId: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: '同一事项再次来电时关联的旧工单 id，记入登记事件（痕迹）',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateOrderBody = Static<typeof CreateOrderBody>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' })),
});

/** Dates leave as ISO 8601 strings; handlers may hand over Date objects. */
const Time = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });

export const ClockView = Type.Object({
  kind: Type.String({ description: 'accept 受理 / transfer 转办 / claim 签收 / first_reply 首次回复 / resolve 办结' }),
  label: Type.String(),
  unitId: Type.String({ description: '计时的承办单位' }),
  urgencyClass: Type.String(),
  startedAt: Time,
  dueAt: Time,
  stoppedAt: Nullable(Time),
  state: Type.String({ description: 'running / warned / overdue / met / missed / paused' }),
  stateLabel: Type.String(),
  timeLeftMs: Type.Integer({ description: '距时限的毫秒数，负数为已超期' }),
  extensions: Type.Integer(),
  warnAt: Type.Optional(Type.Array(Time, { description: '黄灯的时刻（规则 warnAt 的各点）' })),
  escalateAt: Type.Optional(Type.Array(Time, { description: '超期后升级的时刻：本单位督办、上级督办' })),
});

export const Order = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  channel: Type.String(),
  channelMessageId: Nullable(Type.String()),
  citizenName: Nullable(Type.String()),
  citizenPhone: Nullable(Type.String()),
  content: Type.String(),
  locationText: Nullable(Type.String()),
  categoryCode: Nullable(Type.String()),
  requestType: StringEnum(REQUEST_TYPES),
  requestTypeLabel: Type.String(),
  urgency: Type.String(),
  areaCode: Nullable(Type.String()),
  currentUnitId: Type.String(),
  unitPath: Type.Array(Type.String()),
  status: StringEnum(STATUSES),
  statusLabel: Type.String(),
  mergedIntoId: Nullable(Type.Integer()),
  transferTarget: Nullable(Type.String()),
  designated: Type.Boolean(),
  claimedByUnitId: Nullable(Type.String()),
  urgeCount: Type.Integer(),
  supervisedAt: Nullable(Time),
  classification: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
  clocks: Type.Optional(Type.Array(ClockView)),
  dispatchCount: Type.Integer(),
  returnCount: Type.Integer(),
  reopenCount: Type.Integer(),
  replyText: Nullable(Type.String()),
  satisfaction: Nullable(Type.String()),
  createdAt: Time,
  updatedAt: Time,
  acceptedAt: Nullable(Time),
  dispatchedAt: Nullable(Time),
  claimedAt: Nullable(Time),
  repliedAt: Nullable(Time),
  closedAt: Nullable(Time),
});

export const OrderEvent = Type.Object({
  id: Type.Integer(),
  at: Time,
  actor: Type.String(),
  action: Type.String(),
  fromStatus: Nullable(Type.String()),
  toStatus: Type.String(),
  unitId: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  payload: Type.Record(Type.String(), Type.Unknown()),
});

export const ErrorReply = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  requestId: Type.String(),
});

export const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Array(StringEnum(STATUSES), { maxItems: 10 })),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    area: Type.Optional(AreaCode),
    channel: Type.Optional(StringEnum(CHANNELS)),
    /** 来电弹屏: the caller's earlier orders, by the full number as stored. */
    phone: Type.Optional(Phone),
    createdFrom: Type.Optional(Time),
    createdTo: Type.Optional(Time),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: '上一页返回的 nextCursor' })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

const Note = Type.Optional(Type.String({ minLength: 1, maxLength: 1000 }));
const UnitId = Type.String({ minLength: 1, maxLength: 64, description: '承办单位 id' });
const Empty = Type.Object({ note: Note }, { additionalProperties: false });

/** One body schema per lifecycle action; the route table is built from this. */
export const ActionBodies = {
  accept: Empty,
  dispatch: Type.Object(
    {
      unitId: UnitId,
      designate: Type.Optional(Type.Boolean({ description: '指定承办（退单超过上限后由派单员决定）：被指定的单位不能再退回' })),
      note: Note,
    },
    { additionalProperties: false },
  ),
  redispatch: Type.Object({ unitId: UnitId, note: Note }, { additionalProperties: false }),
  claim: Empty,
  hand_down: Type.Object({ unitId: UnitId, note: Note }, { additionalProperties: false }),
  return: Type.Object(
    {
      reasonCode: StringEnum(RETURN_REASONS, { description: '退单原因' }),
      reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    },
    { additionalProperties: false },
  ),
  assign_assist: Type.Object(
    { unitIds: Type.Array(UnitId, { minItems: 1, maxItems: 10, description: '协办单位' }), note: Note },
    { additionalProperties: false },
  ),
  assist_claim: Empty,
  assist_reply: Type.Object(
    { text: Type.String({ minLength: 1, maxLength: 5000, description: '协办意见' }) },
    { additionalProperties: false },
  ),
  reply: Type.Object(
    {
      text: Type.String({ minLength: 1, maxLength: 5000, description: '答复内容' }),
      qualityReason: Type.Optional(
        Type.String({ minLength: 1, maxLength: 500, description: '答复未通过质检时仍然发送的理由（记录在案）' }),
      ),
    },
    { additionalProperties: false },
  ),
  close: Type.Object(
    {
      satisfaction: Type.Optional(StringEnum(['satisfied', 'basically_satisfied'] as const)),
      note: Note,
    },
    { additionalProperties: false },
  ),
  reopen: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
  supplement: Type.Object(
    {
      locationText: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
      attachmentUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, format: 'uri' })),
      note: Note,
    },
    { additionalProperties: false },
  ),
  request_extension: Type.Object(
    {
      clock: StringEnum(['claim', 'first_reply', 'resolve'] as const, { description: '延期的时限' }),
      dueAt: Type.String({ format: 'date-time', description: '申请延至' }),
      reason: Type.String({ minLength: 1, maxLength: 1000 }),
    },
    { additionalProperties: false },
  ),
  approve_extension: Type.Object({ extensionId: Type.Integer({ minimum: 1 }), note: Note }, { additionalProperties: false }),
  reject_extension: Type.Object({ extensionId: Type.Integer({ minimum: 1 }), note: Note }, { additionalProperties: false }),
  object: Type.Object(
    {
      reasonCode: StringEnum(OBJECTION_REASONS, { description: '异议理由' }),
      reason: Type.String({ minLength: 1, maxLength: 1000, description: '异议说明' }),
      dutyUnitId: Type.Optional(
        Type.String({ minLength: 1, maxLength: 64, description: '所引职责所属的单位 id（理由为属其他单位职责时必填）' }),
      ),
      dutyBasis: Type.String({ minLength: 1, maxLength: 1000, description: '所引职责依据：三定方案、权责清单的名称和条目' }),
    },
    { additionalProperties: false },
  ),
  uphold_objection: Type.Object(
    {
      objectionId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
      unitId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '改派的承办单位；默认为异议所引职责单位' })),
      note: Note,
    },
    { additionalProperties: false },
  ),
  reject_objection: Type.Object(
    {
      objectionId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
      note: Type.String({ minLength: 1, maxLength: 1000, description: '不成立的理由' }),
    },
    { additionalProperties: false },
  ),
  urge: Empty,
  supervise: Empty,
  merge: Type.Object(
    { masterId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), note: Note },
    { additionalProperties: false },
  ),
  transfer: Type.Object(
    { target: StringEnum(TRANSFER_TARGETS), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) },
    { additionalProperties: false },
  ),
  reclassify: Type.Object(
    {
      categoryCode: Type.String({
        minLength: 1,
        maxLength: 100,
        description: '改为的事项分类（rules/matters/ 中事项的 code）；不认识的分类返回 422',
      }),
      note: Note,
    },
    { additionalProperties: false },
  ),
  answer: Type.Object(
    {
      text: Type.String({ minLength: 1, maxLength: 5000, description: '直接答复的内容：宣读给来电人的答复（可由知识条目预填后修改）' }),
      kbEntryIds: Type.Optional(
        Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10, uniqueItems: true, description: '答复所依据的知识条目 id' }),
      ),
    },
    { additionalProperties: false },
  ),
  rate: Type.Object(
    {
      satisfaction: StringEnum(['satisfied', 'basically_satisfied'] as const, { description: '回访评价；不满意请用「重办」' }),
      note: Note,
    },
    { additionalProperties: false },
  ),
  // 回访未接通: nothing to fill in but an optional note (e.g. 关机, 无人接听).
  callback_missed: Empty,
} as const;

/** The error answers of the order routes. */
export const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply, 422: ErrorReply };

/** 答复质检 before sending: a draft reply and what the checks find in it. */
export const ReplyCheckBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 5000, description: '拟发送的答复内容' }) },
  { additionalProperties: false },
);
export const ReplyCheckResult = Type.Object({
  findings: Type.Array(
    Type.Object({
      check: StringEnum(REPLY_CHECKS, { description: '未通过的检查' }),
      label: Type.String(),
      message: Type.String(),
    }),
  ),
});
