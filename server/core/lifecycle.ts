/**
 * The one state machine of a work order (工单). Pure: it takes the order as it is
 * and the action asked for, and returns the change to make and the audit event to
 * write, or throws. Every later capability adds its steps here, not beside it.
 */
import { AppError } from '../errors.ts';

export const STATUSES = [
  'received',
  'accepted',
  'dispatched',
  'claimed',
  'replied',
  'closed',
  'returned',
  'reopened',
  'merged',
  'transferred_out',
] as const;
export type OrderStatus = (typeof STATUSES)[number];

export const STATUS_LABELS: Record<OrderStatus, string> = {
  received: '已登记',
  accepted: '已受理',
  dispatched: '已派单',
  claimed: '已签收',
  replied: '已回复',
  closed: '已办结',
  returned: '已退单',
  reopened: '重办',
  merged: '已合并',
  transferred_out: '已转出',
};

export const ACTIONS = ['accept', 'dispatch', 'claim', 'return', 'reply', 'close', 'reopen', 'merge', 'transfer'] as const;
export type OrderAction = (typeof ACTIONS)[number];

export const ACTION_LABELS: Record<OrderAction, string> = {
  accept: '受理',
  dispatch: '派单',
  claim: '签收',
  return: '退单',
  reply: '回复',
  close: '办结',
  reopen: '重办',
  merge: '合并',
  transfer: '转出',
};

/** The states each action may start from, and where it leads. */
export const TRANSITIONS: Record<OrderAction, { from: readonly OrderStatus[]; to: OrderStatus }> = {
  accept: { from: ['received'], to: 'accepted' },
  dispatch: { from: ['accepted', 'returned'], to: 'dispatched' },
  claim: { from: ['dispatched', 'reopened'], to: 'claimed' },
  return: { from: ['dispatched', 'claimed'], to: 'returned' },
  reply: { from: ['claimed'], to: 'replied' },
  close: { from: ['replied'], to: 'closed' },
  reopen: { from: ['replied', 'closed'], to: 'reopened' },
  merge: { from: ['received', 'accepted', 'dispatched', 'claimed', 'returned', 'reopened'], to: 'merged' },
  transfer: { from: ['received', 'accepted', 'returned'], to: 'transferred_out' },
};

export const RETURN_REASONS = ['not_our_jurisdiction', 'wrong_area', 'duplicate', 'insufficient_information', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];
export const TRANSFER_TARGETS = ['110', 'beijing', 'hebei', 'other'] as const;
export type TransferTarget = (typeof TRANSFER_TARGETS)[number];
export const SATISFACTION = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];

export type ActionInput =
  | { action: 'accept'; note?: string }
  | { action: 'dispatch'; unitId: string; note?: string }
  | { action: 'claim'; note?: string }
  | { action: 'return'; reasonCode: ReturnReason; reason?: string }
  | { action: 'reply'; text: string }
  | { action: 'close'; satisfaction?: Exclude<Satisfaction, 'unsatisfied'>; note?: string }
  | { action: 'reopen'; reason: string }
  | { action: 'merge'; masterId: number; note?: string }
  | { action: 'transfer'; target: TransferTarget; reason?: string };

/** What the machine needs to know about an order. */
export interface OrderState {
  id: number;
  status: OrderStatus;
  /** The chain of units from the hotline centre to the one holding the order now. */
  unitPath: string[];
  dispatchCount: number;
  returnCount: number;
  reopenCount: number;
}

export interface OrderPatch {
  status: OrderStatus;
  unitPath?: string[];
  dispatchCount?: number;
  returnCount?: number;
  reopenCount?: number;
  mergedIntoId?: number;
  transferTarget?: TransferTarget;
  replyText?: string;
  satisfaction?: Satisfaction | null;
  acceptedAt?: Date;
  dispatchedAt?: Date;
  claimedAt?: Date;
  repliedAt?: Date;
  closedAt?: Date | null;
}

export interface EventDraft {
  action: OrderAction;
  fromStatus: OrderStatus;
  toStatus: OrderStatus;
  /** The unit that holds the order after the change. */
  unitId: string;
  reason: string | null;
  payload: Record<string, unknown>;
}

export interface Decision {
  patch: OrderPatch;
  event: EventDraft;
}

export function canApply(status: OrderStatus, action: OrderAction): boolean {
  return TRANSITIONS[action].from.includes(status);
}

export function illegalTransition(status: OrderStatus, action: OrderAction): AppError {
  const allowed = TRANSITIONS[action].from;
  return new AppError(
    409,
    'ILLEGAL_TRANSITION',
    `工单状态为「${STATUS_LABELS[status]}」(${status})，不能执行「${ACTION_LABELS[action]}」(${action})；` +
      `该操作只适用于：${allowed.map((s) => `${STATUS_LABELS[s]}(${s})`).join('、')}`,
    { status, action, allowedFrom: allowed },
  );
}

const last = (path: string[]): string => path[path.length - 1]!;

/** Decide the change an action makes to an order, at instant `at`. */
export function decide(order: OrderState, input: ActionInput, at: Date): Decision {
  const { action } = input;
  if (!canApply(order.status, action)) throw illegalTransition(order.status, action);
  const to = TRANSITIONS[action].to;
  let patch: OrderPatch = { status: to };
  let reason: string | null = null;
  const payload: Record<string, unknown> = {};

  switch (input.action) {
    case 'accept':
      patch.acceptedAt = at;
      reason = input.note ?? null;
      break;
    case 'dispatch': {
      if (input.unitId === last(order.unitPath)) {
        throw new AppError(422, 'DISPATCH_TO_SELF', `工单已在单位 ${input.unitId}，不能派给自己`, { field: 'unitId' });
      }
      patch = { ...patch, unitPath: [...order.unitPath, input.unitId], dispatchCount: order.dispatchCount + 1, dispatchedAt: at };
      payload.fromUnitId = last(order.unitPath);
      reason = input.note ?? null;
      break;
    }
    case 'claim':
      patch.claimedAt = at;
      reason = input.note ?? null;
      break;
    case 'return': {
      // 退单 goes back up one step to whoever sent it; the hotline centre is the top.
      const path = order.unitPath.length > 1 ? order.unitPath.slice(0, -1) : order.unitPath;
      patch = { ...patch, unitPath: path, returnCount: order.returnCount + 1 };
      payload.reasonCode = input.reasonCode;
      payload.fromUnitId = last(order.unitPath);
      reason = input.reason ?? null;
      break;
    }
    case 'reply':
      patch = { ...patch, replyText: input.text, repliedAt: at };
      reason = input.text;
      break;
    case 'close':
      patch = { ...patch, closedAt: at, satisfaction: input.satisfaction ?? null };
      if (input.satisfaction) payload.satisfaction = input.satisfaction;
      reason = input.note ?? null;
      break;
    case 'reopen':
      // 重办 goes back to the same unit, which must claim it again.
      patch = { ...patch, reopenCount: order.reopenCount + 1, closedAt: null, satisfaction: 'unsatisfied' };
      reason = input.reason;
      break;
    case 'merge':
      if (input.masterId === order.id) {
        throw new AppError(422, 'MERGE_INTO_SELF', '工单不能合并到自身', { field: 'masterId' });
      }
      patch.mergedIntoId = input.masterId;
      payload.masterId = input.masterId;
      reason = input.note ?? null;
      break;
    case 'transfer':
      patch.transferTarget = input.target;
      payload.target = input.target;
      reason = input.reason ?? null;
      break;
  }

  return {
    patch,
    event: {
      action,
      fromStatus: order.status,
      toStatus: to,
      unitId: last(patch.unitPath ?? order.unitPath),
      reason,
      payload,
    },
  };
}

/** The states from which nothing further can happen to the order itself. */
export const TERMINAL: readonly OrderStatus[] = STATUSES.filter((s) =>
  ACTIONS.every((a) => !TRANSITIONS[a].from.includes(s)),
);

export interface IntakePlan {
  state: OrderState;
  patch: OrderPatch;
  /** Steps after creation, in order. */
  events: EventDraft[];
}

/**
 * 智能派单: a confident classification accepts and dispatches the order by itself
 * at intake. The steps go through `decide` like any other, so the machine stays one.
 */
export function planIntake(autoDispatchTo: string | null, at: Date): IntakePlan {
  let state: OrderState = { id: 0, status: 'received', unitPath: ['hotline'], dispatchCount: 0, returnCount: 0, reopenCount: 0 };
  let patch: OrderPatch = { status: 'received' };
  const events: EventDraft[] = [];
  const steps: ActionInput[] = autoDispatchTo
    ? [
        { action: 'accept', note: '智能派单：规则分类可信，自动受理' },
        { action: 'dispatch', unitId: autoDispatchTo, note: '智能派单' },
      ]
    : [];
  for (const step of steps) {
    const decision = decide(state, step, at);
    patch = { ...patch, ...decision.patch };
    state = { ...state, status: decision.patch.status, unitPath: decision.patch.unitPath ?? state.unitPath, dispatchCount: decision.patch.dispatchCount ?? state.dispatchCount };
    events.push(decision.event);
  }
  return { state, patch, events };
}
