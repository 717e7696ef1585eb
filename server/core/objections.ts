/**
 * 派单异议: a unit that holds an order it believes is not its duty files an
 * objection (instead of a plain 退单), citing whose duty it is (三定方案、权责清单).
 * The hotline's reviewer (派单异议审核) decides by a deadline: upheld, the order is
 * re-dispatched to the unit found responsible, its clocks restarting for it;
 * rejected, the objecting unit is designated (指定承办) and must handle it. Pure: the
 * state machine (lifecycle.ts) delegates the three steps here.
 */
import type { Duration, WorkCalendar } from './calendar.ts';
import type { UnitInfo } from './dispatch.ts';
import { DomainError, refuse } from './errors.ts';
import type { Owner, Route } from './rules.ts';

export const OBJECTION_REASONS = ['other_unit_duty', 'higher_level_duty', 'wrong_area', 'not_government_duty', 'other'] as const;
export type ObjectionReason = (typeof OBJECTION_REASONS)[number];
export const OBJECTION_REASON_LABELS: Record<ObjectionReason, string> = {
  other_unit_duty: '属其他单位职责',
  higher_level_duty: '属上级部门职责',
  wrong_area: '不在本单位辖区',
  not_government_duty: '非政府部门职责',
  other: '其他',
};

export const OBJECTION_STATUSES = ['pending', 'upheld', 'rejected'] as const;
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];
export const OBJECTION_STATUS_LABELS: Record<ObjectionStatus, string> = {
  pending: '异议审核中',
  upheld: '异议成立',
  rejected: '异议不成立',
};

/** 派单异议 rules (rules/objections.yaml): the review deadline and, per reason, whether the duty unit must be named. */
export interface ObjectionPolicy {
  reviewWithin: Duration;
  reasons: Record<ObjectionReason, { requireDutyUnit: boolean }>;
}
/** When the review of an objection filed at `at` is due. */
export const reviewDueAt = (at: Date, policy: ObjectionPolicy, calendar: WorkCalendar): Date => calendar.add(at, policy.reviewWithin);

/**
 * While an objection waits, the order stays where it is: the steps that would move
 * it away or finish it are refused (the unit may still claim, ask for an extension
 * or for assistance; its clocks keep running).
 */
export const BLOCKED_WHILE_PENDING: readonly string[] = ['return', 'hand_down', 'dispatch', 'redispatch', 'reply', 'merge'];

export type ObjectionInput =
  | { action: 'object'; reasonCode: ObjectionReason; reason: string; dutyUnitId?: string; dutyBasis: string }
  | { action: 'uphold_objection'; objectionId: number; unitId?: string; note?: string }
  | { action: 'reject_objection'; objectionId: number; note: string };

/** What the objection steps need to know beyond the order, loaded by the service. */
export interface ObjectionFacts {
  /** Whether an objection of this order waits for review. */
  objectionPending?: boolean;
  /** 异议审核: the objection decided on (null: none of this order). */
  objection?: { status: ObjectionStatus; dutyUnitId: string | null } | null;
  /** 提出异议: whether the cited duty unit exists (and is not the hotline). */
  dutyUnitKnown?: boolean;
  /** 提出异议: when the review is due, from the rules' calendar. */
  reviewDueAt?: Date;
  /** 提出异议: rules/objections.yaml, which the service always passes (a test of the machine alone may not). */
  objectionPolicy?: ObjectionPolicy;
}

interface Holding {
  id: number;
  unitPath: string[];
  dispatchCount: number;
  designated?: boolean;
}

export interface ObjectionStep {
  patch: { unitPath?: string[]; dispatchCount?: number; dispatchedAt?: Date; designated?: boolean };
  payload: Record<string, unknown>;
  reason: string | null;
}

const last = (path: string[]): string => path[path.length - 1]!;

export function refuseWhilePending(action: string, facts: ObjectionFacts): void {
  if (facts.objectionPending && BLOCKED_WHILE_PENDING.includes(action)) {
    throw refuse('OBJECTION_PENDING', '该工单的派单异议正在审核中，审核前不能退回、下派、改派、回复或合并');
  }
}

/** The change one of the three steps makes; the status change is the state machine's. */
export function decideObjectionStep(order: Holding, input: ObjectionInput, at: Date, facts: ObjectionFacts): ObjectionStep {
  const current = last(order.unitPath);
  if (input.action === 'object') {
    if (order.designated) {
      throw refuse('ORDER_DESIGNATED', '该工单已指定由本单位承办，不能再提出派单异议', 'reasonCode');
    }
    if (facts.objectionPending) throw refuse('OBJECTION_PENDING', '该工单已有待审核的派单异议', 'reasonCode');
    if (!input.dutyUnitId && facts.objectionPolicy?.reasons[input.reasonCode].requireDutyUnit) {
      throw refuse('MISSING_FIELD', `异议理由为「${OBJECTION_REASON_LABELS[input.reasonCode]}」时须注明职责所属单位`, 'dutyUnitId');
    }
    if (input.dutyUnitId === current) throw refuse('OBJECTION_OWN_DUTY', '所引职责属于本单位，不能据此提出异议', 'dutyUnitId');
    if (input.dutyUnitId && facts.dutyUnitKnown === false) {
      throw new DomainError('UNKNOWN_UNIT', `单位 ${input.dutyUnitId} 不存在`, { field: 'dutyUnitId' });
    }
    return {
      patch: {},
      payload: {
        reasonCode: input.reasonCode,
        dutyUnitId: input.dutyUnitId ?? null,
        dutyBasis: input.dutyBasis,
        reviewDueAt: facts.reviewDueAt?.toISOString() ?? null,
      },
      reason: input.reason,
    };
  }
  if (facts.objection !== undefined && facts.objection?.status !== 'pending') {
    throw refuse('OBJECTION_NOT_PENDING', `派单异议 ${input.objectionId} 不存在或已审核`, 'objectionId');
  }
  if (input.action === 'reject_objection') {
    // 指定承办: the objecting unit must handle the order; it may neither return it nor object again.
    return { patch: { designated: true }, payload: { objectionId: input.objectionId, designated: true }, reason: input.note };
  }
  const unitId = input.unitId ?? facts.objection?.dutyUnitId ?? undefined;
  if (!unitId) throw refuse('MISSING_FIELD', '异议未注明职责单位，请选择改派的承办单位', 'unitId');
  if (unitId === current) throw refuse('DISPATCH_TO_SELF', `工单已在单位 ${unitId}，不能改派给提出异议的单位`, 'unitId');
  // The hotline sends it afresh: the unit found responsible holds it straight from the centre.
  return {
    patch: { unitPath: ['hotline', unitId], dispatchCount: order.dispatchCount + 1, dispatchedAt: at, designated: false },
    payload: { objectionId: input.objectionId, fromUnitId: 'hotline', replacedUnitId: current, unitId },
    reason: input.note ?? null,
  };
}

/** The dispatch catalogue's kind of owner a unit is (rules/matters `owner` + `department`), or null for the hotline. */
export function ownerOfUnit(u: Pick<UnitInfo, 'kind' | 'level' | 'departmentKey'>): { owner: Owner; department?: string } | null {
  if (u.kind === 'department') {
    const owner = u.level === 'city' ? 'city_department' : u.level === 'district' ? 'district_department' : null;
    return owner && { owner, department: u.departmentKey ?? undefined };
  }
  if (u.kind === 'government' && (u.level === 'district' || u.level === 'street' || u.level === 'community')) return { owner: u.level };
  return null;
}

const sameOwner = (a: { owner: Owner; department?: string } | null, r: Route) =>
  a !== null && a.owner === r.owner && (a.department ?? null) === (r.department ?? null);

/**
 * 规则纠错: an upheld objection says the catalogue named the wrong owner when the
 * objecting unit is of the kind the catalogue names for the matter and the unit
 * found responsible is not. Then the catalogue should change, not only the order.
 */
export function catalogueWasWrong(route: Route | undefined, from: UnitInfo | undefined, to: UnitInfo | undefined): boolean {
  if (!route || !from || !to) return false;
  return sameOwner(ownerOfUnit(from), route) && !sameOwner(ownerOfUnit(to), route);
}
