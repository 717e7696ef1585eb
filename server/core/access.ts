/**
 * Who may see and do what (pure). Operators, dispatchers and admins work
 * city-wide; handlers and supervisors see their unit's subtree and the orders
 * their unit assists on. An order outside one's sight is "not found", so that
 * order numbers cannot be probed; an order in sight but not one's to act on is
 * "forbidden", with the reason.
 */
import { DomainError } from './errors.ts';
import type { OrderAction } from './lifecycle.ts';

export const ROLES = ['operator', 'dispatcher', 'handler', 'supervisor', 'admin', 'kb_editor', 'kb_admin', 'qa', 'reviewer'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABELS: Record<Role, string> = {
  operator: '话务员',
  dispatcher: '派单员',
  handler: '承办人',
  supervisor: '督办',
  admin: '管理员',
  kb_editor: '知识库编辑',
  kb_admin: '知识库审核',
  // 人工质检: samples closed orders and scores their replies on rules/qa-rubric.yaml.
  qa: '质检员',
  reviewer: '派单异议审核',
};

export interface Viewer {
  userId: number;
  username: string;
  unitId: string;
  roles: Role[];
}

/** Where an order sits in the unit tree, as far as access is concerned. */
export interface OrderPlace {
  currentUnitId: string;
  unitPath: string[];
  /** Ancestors (top down, itself last) of the unit holding the order. */
  currentAncestors: string[];
  /** Ancestors of the unit that claimed it, if any: its handlers may see the phone number. */
  claimedByAncestors: string[] | null;
  /** Assisting units with their ancestors. */
  assists: { unitId: string; ancestors: string[] }[];
}

/** How a user must stand to the order for an action. */
type Relation =
  | 'hotline' // city-wide desk work: the hotline centre's operators and dispatchers
  | 'holder' // a member of the unit holding the order
  | 'sender' // a member of the unit that sent it to the holder
  | 'assist' // a member of an assisting unit
  | 'oversight'; // a supervisor of the holding unit or any unit above it

/** For each action, the roles that may take it and how they must stand to the order. */
export const ACTION_RULES: Record<OrderAction, { roles: Role[]; relation: Relation }[]> = {
  accept: [{ roles: ['operator', 'dispatcher'], relation: 'hotline' }],
  dispatch: [
    { roles: ['dispatcher'], relation: 'hotline' },
    // A unit an order was returned to may send it on again.
    { roles: ['handler', 'supervisor'], relation: 'holder' },
  ],
  redispatch: [
    { roles: ['dispatcher'], relation: 'hotline' },
    { roles: ['handler', 'supervisor'], relation: 'sender' },
  ],
  // The knowledge team (知识库组) claims and answers the 知识缺口 sent to it like any unit.
  claim: [{ roles: ['handler', 'supervisor', 'kb_admin'], relation: 'holder' }],
  hand_down: [{ roles: ['handler', 'supervisor'], relation: 'holder' }],
  return: [{ roles: ['handler', 'supervisor'], relation: 'holder' }],
  assign_assist: [
    { roles: ['dispatcher'], relation: 'hotline' },
    { roles: ['handler', 'supervisor'], relation: 'holder' },
  ],
  assist_claim: [{ roles: ['handler', 'supervisor'], relation: 'assist' }],
  assist_reply: [{ roles: ['handler', 'supervisor'], relation: 'assist' }],
  reply: [{ roles: ['handler', 'supervisor', 'kb_admin'], relation: 'holder' }],
  close: [{ roles: ['operator', 'dispatcher'], relation: 'hotline' }],
  reopen: [{ roles: ['operator', 'dispatcher'], relation: 'hotline' }],
  supplement: [{ roles: ['operator', 'dispatcher'], relation: 'hotline' }],
  request_extension: [{ roles: ['handler', 'supervisor'], relation: 'holder' }],
  approve_extension: [{ roles: ['supervisor'], relation: 'oversight' }],
  reject_extension: [{ roles: ['supervisor'], relation: 'oversight' }],
  // 派单异议: the holding unit files it; the hotline centre's reviewer decides it.
  object: [{ roles: ['handler', 'supervisor'], relation: 'holder' }],
  uphold_objection: [{ roles: ['reviewer'], relation: 'hotline' }],
  reject_objection: [{ roles: ['reviewer'], relation: 'hotline' }],
  urge: [
    { roles: ['dispatcher'], relation: 'hotline' },
    { roles: ['supervisor'], relation: 'oversight' },
  ],
  supervise: [{ roles: ['supervisor'], relation: 'oversight' }],
  merge: [{ roles: ['dispatcher'], relation: 'hotline' }],
  transfer: [{ roles: ['operator', 'dispatcher'], relation: 'hotline' }],
  reclassify: [{ roles: ['operator', 'dispatcher'], relation: 'hotline' }],
  // 直办 is the operator's: the one who took the call answers it.
  answer: [{ roles: ['operator'], relation: 'hotline' }],
  rate: [{ roles: ['operator', 'dispatcher'], relation: 'hotline' }],
  // 回访 is the hotline centre's: the one who calls the citizen back records that no one answered.
  callback_missed: [{ roles: ['operator', 'dispatcher'], relation: 'hotline' }],
};

// The reviewer of dispatch objections (派单异议审核) works for the hotline centre, over the whole city.
const CITY_WIDE: Role[] = ['operator', 'dispatcher', 'admin', 'reviewer'];

/** Works across the whole city: the hotline centre's desk roles, or anyone placed at the hotline itself. */
export const isCityWide = (v: Viewer) => v.roles.some((r) => CITY_WIDE.includes(r)) || v.unitId === 'hotline';

/** A unit (given its ancestors, itself included) lies in the viewer's reach. */
export const canSeeUnit = (v: Viewer, ancestors: readonly string[]) => isCityWide(v) || ancestors.includes(v.unitId);

export function canSee(v: Viewer, o: OrderPlace): boolean {
  return isCityWide(v) || o.currentAncestors.includes(v.unitId) || o.assists.some((a) => a.ancestors.includes(v.unitId));
}

function stands(v: Viewer, o: OrderPlace, relation: Relation): boolean {
  switch (relation) {
    case 'hotline':
      return isCityWide(v);
    case 'holder':
      return v.unitId === o.currentUnitId;
    case 'sender':
      return o.unitPath.length >= 2 && v.unitId === o.unitPath[o.unitPath.length - 2];
    case 'assist':
      return o.assists.some((a) => a.unitId === v.unitId);
    case 'oversight':
      return isCityWide(v) || o.currentAncestors.includes(v.unitId);
  }
}

/** Where a new order stands while it is being logged: with the hotline centre. */
export const AT_THE_HOTLINE: OrderPlace = {
  currentUnitId: 'hotline',
  unitPath: ['hotline'],
  currentAncestors: ['hotline'],
  claimedByAncestors: null,
  assists: [],
};

/** Throws 404 when the order is out of sight, 403 (naming who may) when the action is not the viewer's. */
export function authorize(v: Viewer, action: OrderAction, o: OrderPlace, orderRef: string): void {
  if (!canSee(v, o)) throw new DomainError('ORDER_NOT_FOUND', `工单 ${orderRef} 不存在`);
  if (v.roles.includes('admin')) return;
  const rules = ACTION_RULES[action];
  if (rules.some((r) => r.roles.some((role) => v.roles.includes(role)) && stands(v, o, r.relation))) return;
  const who = rules.map((r) => `${r.roles.map((x) => ROLE_LABELS[x]).join('/')}（${RELATION_LABELS[r.relation]}）`).join(' 或 ');
  throw new DomainError('FORBIDDEN', `无权执行「${action}」：该操作只能由 ${who} 执行`, { action });
}

const RELATION_LABELS: Record<Relation, string> = {
  hotline: '热线中心',
  holder: '当前承办单位',
  sender: '派出单位',
  assist: '协办单位',
  oversight: '承办单位或其上级',
};

/** 电话号码: desk roles see it; a unit's handlers once their unit (or one below it) has claimed the order. */
export function canSeePhone(v: Viewer, o: OrderPlace): boolean {
  return isCityWide(v) || (o.claimedByAncestors?.includes(v.unitId) ?? false);
}

/** 138****5678; short numbers keep only their last two digits. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return `${'*'.repeat(Math.max(0, digits.length - 2))}${digits.slice(-2)}`;
}
