/**
 * The one state machine of a work order (工单). Pure: it takes the order as it is
 * and the action asked for, and returns the change to make and the audit event to
 * write, or throws. Every capability adds its steps here, not beside it.
 */
import { DomainError, refuse } from './errors.ts';
import type { ReplyFinding } from './reply-quality.ts';
import { decideObjectionStep, refuseWhilePending, type ObjectionFacts, type ObjectionInput } from './objections.ts';

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

/** Open: someone still has to act on the order (a supplement, an urge or a merge still apply). */
export const OPEN_STATUSES = [
  'received',
  'accepted',
  'dispatched',
  'claimed',
  'returned',
  'reopened',
] as const satisfies readonly OrderStatus[];
/** The open ones and those replied to but not yet closed: what a repeat complaint may still be merged into (重复件). */
export const UNFINISHED_STATUSES = [...OPEN_STATUSES, 'replied'] as const satisfies readonly OrderStatus[];
/** Held by the hotline centre in these, an order waits in the dispatcher's queue (派单队列). */
export const QUEUE_STATUSES = ['received', 'accepted', 'returned'] as const satisfies readonly OrderStatus[];

/**
 * The states each action may start from, and where it leads (`null`: the status
 * stays, the step is still recorded: 协办, 催办, 督办).
 */
export const TRANSITIONS = {
  accept: { from: ['received'], to: 'accepted', label: '受理' },
  dispatch: { from: ['accepted', 'returned'], to: 'dispatched', label: '派单' },
  redispatch: { from: ['dispatched'], to: 'dispatched', label: '改派' },
  claim: { from: ['dispatched', 'reopened'], to: 'claimed', label: '签收' },
  hand_down: { from: ['claimed'], to: 'dispatched', label: '下派' },
  return: { from: ['dispatched', 'claimed'], to: 'returned', label: '退单' },
  assign_assist: { from: ['dispatched', 'claimed'], to: null, label: '指定协办' },
  assist_claim: { from: ['dispatched', 'claimed'], to: null, label: '协办签收' },
  assist_reply: { from: ['dispatched', 'claimed'], to: null, label: '协办回复' },
  reply: { from: ['claimed'], to: 'replied', label: '回复' },
  close: { from: ['replied'], to: 'closed', label: '办结' },
  reopen: { from: ['replied', 'closed'], to: 'reopened', label: '重办' },
  supplement: { from: OPEN_STATUSES, to: null, label: '补充材料' },
  request_extension: { from: ['dispatched', 'claimed', 'reopened'], to: null, label: '申请延期' },
  approve_extension: { from: ['dispatched', 'claimed', 'reopened'], to: null, label: '批准延期' },
  reject_extension: { from: ['dispatched', 'claimed', 'reopened'], to: null, label: '驳回延期' },
  // 派单异议 (objections.ts): filed by the holder, decided by the hotline's reviewer.
  object: { from: ['dispatched', 'claimed'], to: null, label: '派单异议' },
  uphold_objection: { from: ['dispatched', 'claimed'], to: 'dispatched', label: '异议成立改派' },
  reject_objection: { from: ['dispatched', 'claimed'], to: null, label: '异议不成立' },
  urge: { from: OPEN_STATUSES, to: null, label: '催办' },
  supervise: { from: OPEN_STATUSES, to: null, label: '督办' },
  merge: { from: OPEN_STATUSES, to: 'merged', label: '合并' },
  transfer: { from: ['received', 'accepted', 'returned'], to: 'transferred_out', label: '转出' },
  reclassify: { from: OPEN_STATUSES, to: null, label: '改分类' },
  // 直办: a consultation answered on the call, from the knowledge base or the operator's own knowledge.
  answer: { from: ['received', 'accepted'], to: 'closed', label: '直接答复' },
  // 回访评价 of an order closed without a rating (直办): 不满意 is a reopen, as after any reply.
  rate: { from: ['closed'], to: null, label: '回访评价' },
  // 回访未接通: the caller was not reached; the order waits for the next try. The attempt that
  // reaches the limit (Policy.callbackAttempts) closes it unrated, marked callbackUnreached (未回访).
  callback_missed: { from: ['replied'], to: null, label: '回访未接通' },
} as const satisfies Record<string, { from: readonly OrderStatus[]; to: OrderStatus | null; label: string }>;

export type OrderAction = keyof typeof TRANSITIONS;
export const ACTIONS = Object.keys(TRANSITIONS) as OrderAction[];
export const ACTION_LABELS = Object.fromEntries(ACTIONS.map((a) => [a, TRANSITIONS[a].label])) as Record<OrderAction, string>;

export const RETURN_REASONS = ['not_our_jurisdiction', 'wrong_area', 'duplicate', 'insufficient_information', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];
export const RETURN_REASON_LABELS: Record<ReturnReason, string> = {
  not_our_jurisdiction: '非本单位职责',
  wrong_area: '区域错误',
  duplicate: '重复工单',
  insufficient_information: '信息不全',
  other: '其他',
};
export const TRANSFER_TARGETS = ['110', 'beijing', 'hebei', 'other'] as const;
export type TransferTarget = (typeof TRANSFER_TARGETS)[number];
/** Where a complaint that is not the hotline's goes (转出). */
export const TRANSFER_TARGET_LABELS: Record<TransferTarget, string> = {
  '110': '110（公安）',
  beijing: '北京 12345',
  hebei: '河北 12345',
  other: '其他热线',
};
export const SATISFACTION = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];
export const SATISFACTION_LABELS: Record<Satisfaction, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  unsatisfied: '不满意',
};

type Note = { note?: string };
export type ActionInput =
  | ({ action: 'accept' } & Note)
  | ({ action: 'dispatch'; unitId: string; designate?: boolean } & Note)
  | ({ action: 'redispatch'; unitId: string } & Note)
  | ({ action: 'claim' } & Note)
  | ({ action: 'hand_down'; unitId: string } & Note)
  | { action: 'return'; reasonCode: ReturnReason; reason?: string }
  | ({ action: 'assign_assist'; unitIds: string[] } & Note)
  | ({ action: 'assist_claim'; unitId: string } & Note)
  | { action: 'assist_reply'; unitId: string; text: string }
  | { action: 'reply'; text: string; qualityReason?: string }
  | ({ action: 'close'; satisfaction?: Exclude<Satisfaction, 'unsatisfied'> } & Note)
  | { action: 'reopen'; reason: string }
  | { action: 'supplement'; locationText?: string; attachmentUrl?: string; note?: string }
  | { action: 'request_extension'; clock: 'claim' | 'first_reply' | 'resolve'; dueAt: string; reason: string }
  | ({ action: 'approve_extension'; extensionId: number } & Note)
  | ({ action: 'reject_extension'; extensionId: number } & Note)
  | ({ action: 'urge' } & Note)
  | ({ action: 'supervise' } & Note)
  | ({ action: 'merge'; masterId: number } & Note)
  | { action: 'transfer'; target: TransferTarget; reason?: string }
  | ({ action: 'reclassify'; categoryCode: string } & Note)
  | { action: 'answer'; text: string; kbEntryIds?: number[] }
  | ({ action: 'rate'; satisfaction: Exclude<Satisfaction, 'unsatisfied'> } & Note)
  | ({ action: 'callback_missed' } & Note)
  | ObjectionInput;

/** 协办: an assisting unit is assigned, claims, then replies to the lead unit. */
export const ASSIST_STATUSES = ['assigned', 'claimed', 'replied'] as const;
export type AssistStatus = (typeof ASSIST_STATUSES)[number];

export interface Assist {
  unitId: string;
  status: AssistStatus;
}

/** What the machine needs to know about an order. */
export interface OrderState {
  id: number;
  status: OrderStatus;
  /** The chain of units from the hotline centre to the one holding the order now. */
  unitPath: string[];
  dispatchCount: number;
  returnCount: number;
  reopenCount: number;
  urgeCount?: number;
  designated?: boolean;
  assists?: Assist[];
  /** The callback rating given, if any. */
  satisfaction?: Satisfaction | null;
}

/**
 * What decide needs to know beyond the order itself, loaded by the order service in
 * the same transaction (absent facts are not checked: the state machine's tests
 * decide on orders alone).
 */
export interface ActionFacts extends ObjectionFacts {
  /** 派单/改派/下派: the unit the order is sent from; only the hotline centre may designate. */
  sender?: string;
  /** 合并: the master order, or null when there is none. */
  master?: { id: number; number: string; status: OrderStatus } | null;
  /** 延期申请: the clock asked about (null when it has none), and whether a request for it is pending. */
  clock?: { dueAt: Date; running: boolean } | null;
  extensionPending?: boolean;
  /** 延期审批: the request decided on, or null when there is none on this order. */
  extension?: { status: string } | null;
  /** 直接答复: the knowledge entries asked for that are not published and in force (empty: all are). */
  kbEntriesUnusable?: number[];
  /** 改分类: whether the rules know the category asked for, and the order's category now. */
  categoryKnown?: boolean;
  categoryCode?: string | null;
  /** 回访未接通: the callbacks already missed since the order's last reply. */
  callbackMisses?: number;
  /** 回复: what the reply checks (rules/reply-checks.yaml) found in its text. */
  replyFindings?: ReplyFinding[];
  /** 督办: the last 督办 and the first instant the rules allow the next (rules/deadlines.yaml `supervision.window`). */
  supervision?: { lastAt: Date; againAt: Date } | null;
}

export interface Policy {
  /** After this many returns the order goes back to the city dispatcher, who must designate a unit. */
  returnLimit: number;
  /** 回访: after this many unanswered callbacks the order closes as not reached (未回访); rules/deadlines.yaml `callback.attempts`. */
  callbackAttempts?: number;
}
export const DEFAULT_CALLBACK_ATTEMPTS = 3;
export const DEFAULT_POLICY: Policy = { returnLimit: 3, callbackAttempts: DEFAULT_CALLBACK_ATTEMPTS };

export interface OrderPatch {
  status?: OrderStatus;
  unitPath?: string[];
  dispatchCount?: number;
  returnCount?: number;
  reopenCount?: number;
  urgeCount?: number;
  designated?: boolean;
  claimedByUnitId?: string;
  locationText?: string;
  supervisedAt?: Date;
  mergedIntoId?: number;
  transferTarget?: TransferTarget;
  categoryCode?: string;
  replyText?: string;
  satisfaction?: Satisfaction | null;
  acceptedAt?: Date;
  dispatchedAt?: Date;
  claimedAt?: Date;
  repliedAt?: Date;
  closedAt?: Date | null;
}

export interface EventDraft {
  action: string;
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
  return (TRANSITIONS[action].from as readonly OrderStatus[]).includes(status);
}

export function illegalTransition(status: OrderStatus, action: OrderAction): DomainError {
  const allowed = TRANSITIONS[action].from;
  return new DomainError(
    'ILLEGAL_TRANSITION',
    `工单状态为「${STATUS_LABELS[status]}」(${status})，不能执行「${ACTION_LABELS[action]}」(${action})；` +
      `该操作只适用于：${allowed.map((s) => `${STATUS_LABELS[s]}(${s})`).join('、')}`,
    { status, action, allowedFrom: allowed },
  );
}

const last = (path: string[]): string => path[path.length - 1]!;

/** An instant as a person on the hotline reads it: Beijing wall-clock 'YYYY-MM-DD HH:MM' (no DST in China). */
const beijingTime = (t: Date): string => new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/** Decide the change an action makes to an order, at instant `at`. */
export function decide(
  order: OrderState,
  input: ActionInput,
  at: Date,
  policy: Policy = DEFAULT_POLICY,
  facts: ActionFacts = {},
): Decision {
  const { action } = input;
  if (!canApply(order.status, action)) throw illegalTransition(order.status, action);
  refuseWhilePending(action, facts);
  const to = TRANSITIONS[action].to ?? order.status;
  const patch: OrderPatch = TRANSITIONS[action].to ? { status: to } : {};
  const payload: Record<string, unknown> = {};
  let reason: string | null = 'note' in input ? (input.note ?? null) : null;
  const current = last(order.unitPath);
  const assists = order.assists ?? [];

  switch (input.action) {
    case 'accept':
      patch.acceptedAt = at;
      break;
    case 'dispatch':
    case 'redispatch':
    case 'hand_down': {
      if (input.unitId === current) throw refuse('DISPATCH_TO_SELF', `工单已在单位 ${input.unitId}，不能派给自己`, 'unitId');
      // 改派 replaces the unit that has not claimed yet; 派单 and 下派 add a step down.
      const base = input.action === 'redispatch' ? order.unitPath.slice(0, -1) : order.unitPath;
      Object.assign(patch, { unitPath: [...base, input.unitId], dispatchCount: order.dispatchCount + 1, dispatchedAt: at });
      if (input.action === 'dispatch' && input.designate) {
        if (facts.sender !== undefined && facts.sender !== 'hotline') {
          throw refuse('FORBIDDEN', '只有热线中心派单员可以指定承办单位', 'designate');
        }
        patch.designated = true;
      }
      payload.fromUnitId = input.action === 'redispatch' ? last(base) : current;
      if (input.action === 'redispatch') payload.replacedUnitId = current;
      if (input.action === 'dispatch' && input.designate) payload.designated = true;
      break;
    }
    case 'claim':
      Object.assign(patch, { claimedAt: at, claimedByUnitId: current });
      break;
    case 'return': {
      if (order.designated) {
        throw refuse('ORDER_DESIGNATED', '该工单已由热线中心指定承办，不能退回；如有异议请联系派单员', 'reasonCode');
      }
      const returns = order.returnCount + 1;
      // No order bounces forever: at the limit it goes to the city dispatcher, who must designate.
      const escalate = returns >= policy.returnLimit;
      const path = escalate ? ['hotline'] : order.unitPath.length > 1 ? order.unitPath.slice(0, -1) : order.unitPath;
      Object.assign(patch, { unitPath: path, returnCount: returns });
      Object.assign(payload, { reasonCode: input.reasonCode, fromUnitId: current, returnCount: returns });
      if (escalate) payload.escalatedToDispatcher = true;
      reason = input.reason ?? null;
      break;
    }
    case 'assign_assist': {
      const unique = [...new Set(input.unitIds)];
      if (unique.includes(current)) throw refuse('ASSIST_IS_LEAD', `主办单位 ${current} 不能同时是协办单位`, 'unitIds');
      const already = unique.filter((u) => assists.some((a) => a.unitId === u));
      if (already.length) throw refuse('ASSIST_EXISTS', `已是协办单位：${already.join('、')}`, 'unitIds');
      payload.unitIds = unique;
      break;
    }
    case 'assist_claim':
    case 'assist_reply': {
      const assist = assists.find((a) => a.unitId === input.unitId);
      if (!assist) throw refuse('ORDER_NOT_FOUND', `工单 ${order.id} 不存在`);
      const needed = input.action === 'assist_claim' ? 'assigned' : 'claimed';
      if (assist.status !== needed) {
        throw refuse('ILLEGAL_TRANSITION', `协办状态为 ${assist.status}，不能执行「${ACTION_LABELS[input.action]}」`);
      }
      payload.assistUnitId = input.unitId;
      if (input.action === 'assist_reply') reason = input.text;
      break;
    }
    case 'reply': {
      // 协办: the lead answers the citizen only once every assisting unit has answered the lead.
      const pending = assists.filter((a) => a.status !== 'replied').map((a) => a.unitId);
      if (pending.length) throw refuse('ASSISTS_PENDING', `协办单位尚未回复：${pending.join('、')}`);
      // 答复质检: a finding warns; the handler sends anyway only by saying why, and both are kept.
      const findings = facts.replyFindings;
      if (findings?.length && !input.qualityReason) {
        throw new DomainError(
          'REPLY_CHECK_FAILED',
          `答复未通过质检：${findings.map((f) => f.message).join('；')}。请修改，或说明理由后仍然发送`,
          {
            field: 'text',
            findings,
          },
        );
      }
      if (findings) payload.quality = { findings: findings.map((f) => f.check), reason: findings.length ? input.qualityReason : null };
      Object.assign(patch, { replyText: input.text, repliedAt: at });
      reason = input.text;
      break;
    }
    case 'close':
      Object.assign(patch, { closedAt: at, satisfaction: input.satisfaction ?? null });
      if (input.satisfaction) payload.satisfaction = input.satisfaction;
      break;
    case 'reopen':
      // 重办 goes back to the same unit, which must claim it again; an order answered on the
      // call (直办) never had one, so it joins the dispatcher's queue.
      Object.assign(patch, { reopenCount: order.reopenCount + 1, closedAt: null, satisfaction: 'unsatisfied' });
      if (order.unitPath.length === 1) patch.status = 'accepted';
      reason = input.reason;
      break;
    case 'rate':
      if (order.satisfaction) throw refuse('ALREADY_RATED', `工单 ${order.id} 已评价，每次答复只能评价一次`, 'satisfaction');
      patch.satisfaction = input.satisfaction;
      payload.satisfaction = input.satisfaction;
      break;
    case 'callback_missed': {
      // Counted per reply: a reopened order replied to again gets its full number of tries.
      const attempt = (facts.callbackMisses ?? 0) + 1;
      const limit = policy.callbackAttempts ?? DEFAULT_CALLBACK_ATTEMPTS;
      Object.assign(payload, { attempt, limit });
      if (attempt >= limit) {
        // No one to rate it: closed unrated, and the mark says why (未回访), not that the caller was satisfied.
        Object.assign(patch, { status: 'closed', closedAt: at, satisfaction: null });
        payload.callbackUnreached = true;
      }
      break;
    }
    case 'supplement':
      // 补充材料: the citizen adds a place or a picture to a complaint already made.
      if (input.locationText) patch.locationText = input.locationText;
      Object.assign(payload, { locationText: input.locationText ?? null, attachmentUrl: input.attachmentUrl ?? null });
      break;
    case 'request_extension':
      // 延期: only a supervisor's approval moves a deadline; the request is recorded as asked.
      if (facts.clock === null || facts.clock?.running === false) {
        throw refuse('CLOCK_NOT_RUNNING', `「${input.clock}」时限未在计时，无需延期`, 'clock');
      }
      if (facts.clock && !(new Date(input.dueAt) > facts.clock.dueAt)) {
        throw refuse('EXTENSION_NOT_LATER', `申请的时限必须晚于原时限 ${facts.clock.dueAt.toISOString()}`, 'dueAt');
      }
      if (facts.extensionPending) throw refuse('EXTENSION_PENDING', '该时限已有待审批的延期申请', 'clock');
      Object.assign(payload, { clock: input.clock, requestedDueAt: input.dueAt });
      reason = input.reason;
      break;
    case 'approve_extension':
    case 'reject_extension':
      if (facts.extension !== undefined && facts.extension?.status !== 'pending') {
        throw refuse('EXTENSION_NOT_PENDING', `延期申请 ${input.extensionId} 不存在或已处理`, 'extensionId');
      }
      if (input.action === 'approve_extension' && (facts.clock === null || facts.clock?.running === false)) {
        throw refuse('CLOCK_NOT_RUNNING', '该时限已停止计时，不能延期', 'extensionId');
      }
      payload.extensionId = input.extensionId;
      break;
    case 'urge':
      patch.urgeCount = (order.urgeCount ?? 0) + 1;
      break;
    case 'supervise':
      // One 督办 per order per window: decided on the locked order row, so of two at once the second waits and is refused.
      if (facts.supervision && at < facts.supervision.againAt) {
        throw refuse(
          'SUPERVISE_TOO_SOON',
          `该工单已于 ${beijingTime(facts.supervision.lastAt)} 督办，${beijingTime(facts.supervision.againAt)} 前不能再次督办`,
        );
      }
      patch.supervisedAt = at;
      break;
    case 'merge':
      if (input.masterId === order.id) throw refuse('MERGE_INTO_SELF', '工单不能合并到自身', 'masterId');
      if (facts.master === null) throw refuse('MASTER_NOT_FOUND', `主工单 ${input.masterId} 不存在`, 'masterId');
      // 重复件 merge into an order still being handled, whose result their citizens will be told.
      if (facts.master && (facts.master.status === 'merged' || facts.master.status === 'transferred_out')) {
        throw refuse('MASTER_NOT_OPEN', `主工单 ${facts.master.number} 状态为 ${facts.master.status}，不能作为合并目标`, 'masterId');
      }
      patch.mergedIntoId = input.masterId;
      payload.masterId = input.masterId;
      if (facts.master) payload.masterNumber = facts.master.number;
      break;
    case 'reclassify':
      // 改分类: a dispatcher's correction, which the text model also learns from.
      if (facts.categoryKnown === false) {
        throw refuse('UNKNOWN_CATEGORY', `事项分类 ${input.categoryCode} 不在事项目录（rules/matters/）中`, 'categoryCode');
      }
      if (facts.categoryCode !== undefined && facts.categoryCode === input.categoryCode) {
        throw refuse('CATEGORY_UNCHANGED', `工单已是事项分类 ${input.categoryCode}`, 'categoryCode');
      }
      patch.categoryCode = input.categoryCode;
      Object.assign(payload, { fromCategoryCode: facts.categoryCode ?? null, categoryCode: input.categoryCode });
      break;
    case 'answer': {
      // Read out on the call: the reply is the answer, and nothing is left to do but the callback rating.
      const entries = [...new Set(input.kbEntryIds ?? [])];
      if (facts.kbEntriesUnusable?.length) {
        throw refuse('KB_ENTRY_UNUSABLE', `知识条目 ${facts.kbEntriesUnusable.join('、')} 不存在、未发布或已失效`, 'kbEntryIds');
      }
      Object.assign(patch, { replyText: input.text, repliedAt: at, closedAt: at });
      if (order.status === 'received') patch.acceptedAt = at;
      payload.kbEntryIds = entries;
      reason = input.text;
      break;
    }
    case 'object':
    case 'uphold_objection':
    case 'reject_objection': {
      const step = decideObjectionStep(order, input, at, facts);
      Object.assign(patch, step.patch);
      Object.assign(payload, step.payload);
      reason = step.reason;
      break;
    }
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
      toStatus: patch.status ?? to,
      unitId: last(patch.unitPath ?? order.unitPath),
      reason,
      payload,
    },
  };
}

/** The states from which nothing further can happen to the order itself. */
export const TERMINAL: readonly OrderStatus[] = STATUSES.filter((s) => ACTIONS.every((a) => !canApply(s, a)));

export interface IntakePlan {
  state: OrderState;
  patch: OrderPatch;
  /** Steps after creation, in order. */
  events: EventDraft[];
}

/**
 * What happens at intake after the order is logged: nothing (it waits for the desk),
 * a dispatch because the rules were sure (智能派单) or because no knowledge entry
 * answers a consultation (知识缺口), or the operator's answer on the call (直办).
 */
export type IntakeRoute =
  { kind: 'classifier' | 'knowledge_gap'; unitId: string } | { kind: 'answer'; text: string; kbEntryIds?: number[] };
const DISPATCH_NOTES = {
  classifier: { accept: '智能派单：规则分类可信，自动受理', dispatch: '智能派单' },
  knowledge_gap: { accept: '咨询类诉求，话务员受理', dispatch: '知识缺口：知识库中没有可答复的条目，转知识库组' },
} as const;

/**
 * The steps at intake go through `decide` like any other, so the machine stays one;
 * `facts` are those the steps need (the knowledge entries an answer reads out).
 */
export function planIntake(route: IntakeRoute | null, at: Date, facts: ActionFacts = {}): IntakePlan {
  let state: OrderState = { id: 0, status: 'received', unitPath: ['hotline'], dispatchCount: 0, returnCount: 0, reopenCount: 0 };
  let patch: OrderPatch = { status: 'received' };
  const events: EventDraft[] = [];
  const steps: ActionInput[] =
    route === null
      ? []
      : route.kind === 'answer'
        ? [{ action: 'answer', text: route.text, kbEntryIds: route.kbEntryIds }]
        : [
            { action: 'accept', note: DISPATCH_NOTES[route.kind].accept },
            { action: 'dispatch', unitId: route.unitId, note: DISPATCH_NOTES[route.kind].dispatch },
          ];
  for (const step of steps) {
    const decision = decide(state, step, at, DEFAULT_POLICY, facts);
    patch = { ...patch, ...decision.patch };
    state = {
      ...state,
      status: decision.patch.status ?? state.status,
      unitPath: decision.patch.unitPath ?? state.unitPath,
      dispatchCount: decision.patch.dispatchCount ?? state.dispatchCount,
    };
    events.push(decision.event);
  }
  return { state, patch, events };
}
