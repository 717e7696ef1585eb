/**
 * The shapes of 漏接回拨's routes (routes/missed-calls.ts), shared with the console's
 * typed client: a callback task with its trail, an attempt, the centre's figures.
 */
import { Type } from 'typebox';
import { CALLBACK_OUTCOMES, MISSED_CALL_STATES } from '../core/missed-calls.ts';
import { ErrorReply, Instant, Nullable, StringEnum } from './orders.schema.ts';

const NullableInstant = Nullable(Instant);

export const Step = Type.Object({
  kind: StringEnum(['dial', 'attempt'] as const),
  by: Type.String(),
  at: Type.String({ format: 'date-time' }),
  outcome: Type.Optional(StringEnum(CALLBACK_OUTCOMES)),
  note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  orderId: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
});

export const MissedCallTask = Type.Object({
  id: Type.Integer(),
  callerNumber: Type.String({ description: '主叫号码；列表中隐去中间四位，拨号（actions/dial）时显示完整号码并记录' }),
  missedCount: Type.Integer({ description: '本任务合并的漏接次数' }),
  firstMissedAt: Instant,
  lastMissedAt: Instant,
  dueAt: Type.Unsafe<Date>({ type: 'string', format: 'date-time', description: '回拨时限' }),
  state: StringEnum(MISSED_CALL_STATES),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  nextAt: Type.Union([Instant, Type.Null()], { description: '下次应拨时间（首拨为回拨时限，未接通后为重拨时间）' }),
  firstAttemptAt: NullableInstant,
  orderId: Type.Union([Type.Integer(), Type.Null()]),
  closedAt: NullableInstant,
  trail: Type.Array(Step),
});

export const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
export const errors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply, 422: ErrorReply };

export const AttemptBody = Type.Object(
  {
    outcome: StringEnum(CALLBACK_OUTCOMES),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    orderId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);

export const MissedCallFigures = Type.Object({
  from: Type.String(),
  to: Type.String(),
  missedCalls: Type.Integer(),
  tasks: Type.Integer(),
  open: Type.Integer(),
  overdue: Type.Integer(),
  reached: Type.Integer(),
  unreached: Type.Integer(),
  skipped: Type.Integer(),
  calledBack: Type.Integer(),
  withOrder: Type.Integer(),
  callbackRate: Type.Union([Type.Number(), Type.Null()]),
  onTimeRate: Type.Union([Type.Number(), Type.Null()]),
  reachRate: Type.Union([Type.Number(), Type.Null()]),
  medianMinutesToCallback: Type.Union([Type.Number(), Type.Null()]),
  p90MinutesToCallback: Type.Union([Type.Number(), Type.Null()]),
});
