/** What the workbench knows of an item: its type, which steps it offers, how urgent it is. */
import type { api } from '../shared/api.ts';

export type WorkbenchView = Awaited<ReturnType<typeof api.workbench>>;
export type WorkItem = WorkbenchView['items'][number];
export type LadderClockView = WorkItem['clocks'][number];
export type UnitOption = WorkbenchView['children'][number];

/** The clocks a handler may ask to extend (the hotline's own 受理 and 转办 are not the unit's). */
export const EXTENDABLE = ['claim', 'first_reply', 'resolve'] as const;
export type ExtendableClock = (typeof EXTENDABLE)[number];

/** The steps this item offers my unit now, in the order the buttons show. */
export function stepsFor(item: WorkItem, myUnit: string, hasChildren: boolean): string[] {
  const { status } = item.order;
  if (item.role === 'assist') {
    const mine = item.assists.find((a) => a.unitId === myUnit);
    if (!mine || mine.status === 'replied') return [];
    return mine.status === 'assigned' ? ['assist_claim'] : ['assist_reply'];
  }
  const steps: string[] = [];
  // 派单异议审核中: the order stays put until the hotline decides (no reply, hand-down or return).
  const underReview = item.pendingObjection !== null;
  if (status === 'dispatched' || status === 'reopened') steps.push('claim');
  if (status === 'claimed' && !underReview) steps.push('reply');
  if (status === 'claimed' && hasChildren && !underReview) steps.push('hand_down');
  if (status === 'returned' && hasChildren) steps.push('dispatch');
  if ((status === 'dispatched' || status === 'claimed') && !underReview) {
    // A designated unit (指定承办) must handle the order: neither 退单 nor 异议.
    if (!item.order.designated) steps.push('return', 'object');
    steps.push('assign_assist');
  }
  if (item.clocks.some((c) => (EXTENDABLE as readonly string[]).includes(c.kind)) && status !== 'returned') steps.push('request_extension');
  return steps;
}

/** The deadline nearest to now among the item's running clocks (ms since the epoch), for sorting. */
export const nearestDue = (item: WorkItem) => Math.min(...item.clocks.map((c) => Date.parse(c.dueAt)), Infinity);

/** Shown on the list so the unit sees pressure from above at a glance. */
export function flags(item: WorkItem): { text: string; type: 'danger' | 'warning' | 'info'; key: string }[] {
  const o = item.order;
  const out: { text: string; type: 'danger' | 'warning' | 'info'; key: string }[] = [];
  if (item.role === 'assist') out.push({ key: 'assist', text: '协办', type: 'info' });
  if (o.status === 'reopened' || o.reopenCount > 0)
    out.push({ key: 'reopened', text: `重办${o.reopenCount > 1 ? ` ${o.reopenCount} 次` : ''}`, type: 'danger' });
  if (o.urgeCount) out.push({ key: 'urged', text: `催办 ${o.urgeCount}`, type: 'danger' });
  if (o.supervisedAt) out.push({ key: 'supervised', text: '督办', type: 'danger' });
  if (o.returnCount) out.push({ key: 'returned', text: `退单 ${o.returnCount}`, type: 'warning' });
  if (item.pendingExtensions.length) out.push({ key: 'extension', text: '延期待批', type: 'warning' });
  if (item.pendingObjection) out.push({ key: 'objection', text: '异议审核中', type: 'warning' });
  if (o.designated) out.push({ key: 'designated', text: '指定承办', type: 'info' });
  if (item.assists.length && item.role === 'lead') {
    const done = item.assists.filter((a) => a.status === 'replied').length;
    out.push({ key: 'assists', text: `协办回复 ${done}/${item.assists.length}`, type: done === item.assists.length ? 'info' : 'warning' });
  }
  return out;
}
